"""@solana/kit's RPC client (createSolanaRpc) reads the node: getSupply,
getTransaction and getBlock with jsonParsed, getTokenAccountBalance and
getProgramAccounts with jsonParsed. Kit decodes every number (u64 as
bigint); what it decoded must be what the test sent."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from solders.keypair import Keypair

from amplify_sdk import AdminClient
from localnet import LocalNode

from .node_tools import run

SYSTEM = "11111111111111111111111111111111"
TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"


async def test_kit_reads_supply_parsed_transactions_and_tokens(
    ts_package: Path, node: LocalNode, admin: AdminClient, tmp_path: Path
) -> None:
    mint = await admin.create_amp_mint()
    holder, amount = Keypair().pubkey(), 7_654_321
    token_account = await admin.mint_amp(mint, holder, amount)
    (minted,) = node.chain.history.for_address(token_account, limit=10)
    receiver, lamports = Keypair().pubkey(), 2_500_000_000
    transfer = node.chain.airdrop(receiver, lamports)
    # Both confirmed (one slot later) before kit asks at `confirmed`.
    for _ in range(500):
        if node.chain.commitment_slot("confirmed") >= transfer.slot:
            break
        await asyncio.sleep(0.02)
    config = tmp_path / "kit.json"
    config.write_text(
        json.dumps(
            {
                "url": node.url,
                "transfer": str(transfer.signature),
                "mintTx": str(minted.signature),
                "tokenAccount": str(token_account),
                "holder": str(holder),
            }
        )
    )
    code, out, err = await run(ts_package, "tsx", "src/kit_rpc.ts", str(config))
    assert code == 0, f"kit_rpc.ts failed:\n{out}\n{err}"
    seen = json.loads(out.strip().splitlines()[-1])

    supply = seen["supply"]
    assert supply["nonCirculating"] == "0" and supply["nonCirculatingAccounts"] == []
    assert supply["circulating"] == supply["total"]
    assert int(supply["total"]) >= lamports

    faucet = str(node.chain.faucet.pubkey())
    sent = seen["transfer"]
    assert sent["fee"] == "5000"
    assert [(k["pubkey"], k["signer"], k["writable"]) for k in sent["accountKeys"]] == [
        (faucet, True, True),
        (str(receiver), False, True),
        (SYSTEM, False, False),
    ]
    (ix,) = sent["instructions"]
    assert ix["program"] == "system" and ix["stackHeight"] == 1
    assert ix["parsed"] == {
        "type": "transfer",
        "info": {"source": faucet, "destination": str(receiver), "lamports": str(lamports)},
    }
    assert seen["blockHasTransfer"] == sent["instructions"]

    by_type = {
        i["parsed"]["type"]: i["parsed"]["info"]
        for i in seen["minted"]["instructions"]
        if i.get("program") == "spl-token"
    }
    assert by_type["mintTo"] == {
        "mint": str(mint),
        "account": str(token_account),
        "amount": str(amount),
        "mintAuthority": str(admin.address),
    }
    inner = [i["parsed"]["type"] for i in seen["minted"]["inner"][0]["instructions"]]
    assert "initializeAccount3" in inner

    decimals = 6  # AMP's (the mint the SDK created)
    assert seen["balance"] == {
        "amount": str(amount),
        "decimals": decimals,
        "uiAmount": amount / 10**decimals,
        "uiAmountString": "7.654321",
    }
    (found,) = seen["programAccounts"]
    assert found["pubkey"] == str(token_account)
    info = found["data"]["parsed"]["info"]
    assert (info["owner"], info["mint"], info["tokenAmount"]["amount"]) == (
        str(holder),
        str(mint),
        str(amount),
    )
