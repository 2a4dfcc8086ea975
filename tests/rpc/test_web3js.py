"""@solana/web3.js (Node.js) against the node: the shapes its validators accept."""

from __future__ import annotations

import json
from pathlib import Path

from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID, AdminClient
from interop.node_tools import ensure_installed, run
from localnet import LocalNode

HERE = Path(__file__).resolve().parents[1] / "interop" / "web3js"


async def test_web3js_connection(node: LocalNode, admin: AdminClient) -> None:
    ensure_installed(HERE)
    mint = await admin.create_amp_mint()
    # The whole supply in one holder's account: 1,234.5 AMP (6 decimals).
    holder, amount = Keypair().pubkey(), 1_234_500_000
    await admin.mint_amp(mint, holder, amount)
    config = await admin.initialize(mint)
    acc = await admin.backend.get_account(config.address)
    assert acc is not None
    code, out, err = await run(
        HERE,
        "node",
        "check.mjs",
        node.url,
        node.ws_url,
        str(PROGRAM_ID),
        str(config.address),
        str(len(acc.data)),
        str(mint),
        str(holder),
        str(amount),
        limit=120,
    )
    assert code == 0, f"web3.js check failed:\n{out}\n{err}"
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["transfers"] >= 1 and seen["programAccounts"] == 1
    assert seen["tokens"]["supply"] == "1234.5"
    assert seen["supply"] > amount
