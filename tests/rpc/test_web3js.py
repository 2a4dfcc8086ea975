"""@solana/web3.js (Node.js) against the node: the shapes its validators accept."""

from __future__ import annotations

import json
from pathlib import Path

from amplify_sdk import PROGRAM_ID, AdminClient
from interop.node_tools import ensure_installed, run
from localnet import LocalNode

HERE = Path(__file__).resolve().parents[1] / "interop" / "web3js"


async def test_web3js_connection(node: LocalNode, admin: AdminClient) -> None:
    ensure_installed(HERE)
    config = await admin.initialize(await admin.create_amp_mint())
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
        limit=120,
    )
    assert code == 0, f"web3.js check failed:\n{out}\n{err}"
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["transfers"] >= 1 and seen["programAccounts"] == 1
