"""getSupply, and `jsonParsed` transactions, blocks and token program
accounts, read over HTTP from a node running real transactions: the
expected values come from what each transaction was built with (amounts,
keys, seeds), never from the parser's own output."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from solders.compute_budget import set_compute_unit_limit
from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message
from solders.pubkey import Pubkey
from solders.system_program import (
    AllocateParams,
    AssignParams,
    CreateAccountWithSeedParams,
    TransferParams,
    allocate,
    assign,
    create_account_with_seed,
    transfer,
)
from solders.transaction import Transaction, VersionedTransaction

from amplify_sdk import AdminClient
from amplify_sdk.protocol._token import associated_token_address, create_associated_token_account
from localnet import LocalNode

from .test_solana_py import _post

SYSTEM = "11111111111111111111111111111111"
TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
MEMO = Pubkey.from_string("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")
CONFIRMED = {"commitment": "confirmed"}
PARSED = {"encoding": "jsonParsed", "commitment": "confirmed"}


async def _call(node: LocalNode, method: str, *params: object) -> Any:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    answer = await _post(node, json.dumps(body))
    assert "error" not in answer, answer
    return answer["result"]


def _land(node: LocalNode, signers: list[Keypair], ixs: list[Instruction]) -> str:
    blockhash = node.chain.latest_blockhash
    message = Message.new_with_blockhash(ixs, signers[0].pubkey(), blockhash)
    tx = VersionedTransaction.from_legacy(Transaction(signers, message, blockhash))
    record = node.chain.execute(tx, bytes(tx))
    assert record.err is None, record.meta.logs()
    return str(record.signature)


async def _parsed(node: LocalNode, signature: str) -> Any:
    for _ in range(200):
        found = await _call(node, "getTransaction", signature, PARSED)
        if found is not None:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"{signature} never confirmed")


async def test_get_supply_counts_every_account_and_burns_only_fees(
    node: LocalNode, funded: Keypair
) -> None:
    before = (await _call(node, "getSupply", CONFIRMED))["value"]
    assert set(before) == {"total", "circulating", "nonCirculating", "nonCirculatingAccounts"}
    assert before["nonCirculating"] == 0 and before["nonCirculatingAccounts"] == []
    assert before["circulating"] == before["total"]
    # Lamports moved to accounts the chain had never seen stay in the supply:
    # only the fee leaves it.
    fresh = Keypair()
    signature = _land(
        node,
        [funded],
        [
            transfer(
                TransferParams(
                    from_pubkey=funded.pubkey(), to_pubkey=fresh.pubkey(), lamports=10**9
                )
            )
        ],
    )
    airdrop = str(node.chain.airdrop(Keypair().pubkey(), 3 * 10**9).signature)
    fees = [(await _parsed(node, s))["meta"]["fee"] for s in (signature, airdrop)]
    after = (await _call(node, "getSupply", {"excludeNonCirculatingAccountsList": True}))["value"]
    assert before["total"] - after["total"] == sum(fees) == 10_000
    assert after["circulating"] == after["total"]


async def test_system_instructions_parsed_as_agave_parses_them(
    node: LocalNode, funded: Keypair
) -> None:
    payer, target, dst = funded.pubkey(), Keypair(), Keypair().pubkey()
    owner = Pubkey.from_string(TOKEN)
    seeded = Pubkey.create_with_seed(payer, "amplify-7", owner)
    signature = _land(
        node,
        [funded, target],
        [
            set_compute_unit_limit(300_000),
            transfer(TransferParams(from_pubkey=payer, to_pubkey=dst, lamports=1_234_567)),
            create_account_with_seed(
                CreateAccountWithSeedParams(
                    from_pubkey=payer,
                    to_pubkey=seeded,
                    base=payer,
                    seed="amplify-7",
                    lamports=2_000_000,
                    space=9,
                    owner=owner,
                )
            ),
            allocate(AllocateParams(pubkey=target.pubkey(), space=33)),
            assign(AssignParams(pubkey=target.pubkey(), owner=owner)),
            Instruction(MEMO, "paid in full ✓".encode(), [AccountMeta(payer, True, False)]),
        ],
    )
    tx = await _parsed(node, signature)
    message = tx["transaction"]["message"]
    keys = {k["pubkey"]: k for k in message["accountKeys"]}
    assert set(message["accountKeys"][0]) == {"pubkey", "writable", "signer", "source"}
    assert keys[str(payer)] == {
        "pubkey": str(payer), "writable": True, "signer": True, "source": "transaction"
    }  # fmt: skip
    assert keys[str(dst)]["writable"] and not keys[str(dst)]["signer"]
    # Programs are read-only, signers of no one.
    for program in (SYSTEM, str(MEMO), "ComputeBudget111111111111111111111111111111"):
        assert (keys[program]["writable"], keys[program]["signer"]) == (False, False)
    budget, sent, seeded_ix, allocated, assigned, memo = message["instructions"]
    # Agave has no parser for Compute Budget: partially decoded, data base58.
    assert budget == {
        "programId": "ComputeBudget111111111111111111111111111111",
        "accounts": [],
        "data": "Kq1GWK",  # base58 of [2, 0xe0, 0x93, 0x04, 0]: SetComputeUnitLimit(300000)
        "stackHeight": 1,
    }
    assert sent == {
        "program": "system",
        "programId": SYSTEM,
        "parsed": {
            "type": "transfer",
            "info": {"source": str(payer), "destination": str(dst), "lamports": 1_234_567},
        },
        "stackHeight": 1,
    }
    assert seeded_ix["parsed"] == {
        "type": "createAccountWithSeed",
        "info": {
            "source": str(payer), "newAccount": str(seeded), "base": str(payer),
            "seed": "amplify-7", "lamports": 2_000_000, "space": 9, "owner": TOKEN,
        },
    }  # fmt: skip
    assert allocated["parsed"] == {
        "type": "allocate", "info": {"account": str(target.pubkey()), "space": 33}
    }  # fmt: skip
    assert assigned["parsed"] == {
        "type": "assign", "info": {"account": str(target.pubkey()), "owner": TOKEN}
    }  # fmt: skip
    assert memo["program"] == "spl-memo" and memo["parsed"] == "paid in full ✓"
    assert "loadedAddresses" not in tx["meta"]
    # The same transaction in a jsonParsed block.
    block = await _call(
        node, "getBlock", tx["slot"], {**PARSED, "maxSupportedTransactionVersion": 0}
    )
    (mine,) = [t for t in block["transactions"] if signature in t["transaction"]["signatures"]]
    assert mine["transaction"] == tx["transaction"] and mine["meta"] == tx["meta"]


async def test_token_instructions_and_inner_instructions_parsed(
    node: LocalNode, admin: AdminClient, funded: Keypair
) -> None:
    mint = await admin.create_amp_mint()
    holder = funded
    source = await admin.mint_amp(mint, holder.pubkey(), 5_000_000)
    other = Keypair().pubkey()
    dest = associated_token_address(other, mint)
    amount, decimals = 1_250_000, 6
    data = bytes([12]) + amount.to_bytes(8, "little") + bytes([decimals])  # TransferChecked
    checked = Instruction(
        Pubkey.from_string(TOKEN),
        data,
        [
            AccountMeta(source, False, True),
            AccountMeta(mint, False, False),
            AccountMeta(dest, False, True),
            AccountMeta(holder.pubkey(), True, False),
        ],
    )
    signature = _land(
        node,
        [holder],
        [create_associated_token_account(holder.pubkey(), other, mint), checked],
    )
    tx = await _parsed(node, signature)
    create, sent = tx["transaction"]["message"]["instructions"]
    assert create["program"] == "spl-associated-token-account"
    assert create["parsed"]["info"] == {
        "source": str(holder.pubkey()), "account": str(dest), "wallet": str(other),
        "mint": str(mint), "systemProgram": SYSTEM, "tokenProgram": TOKEN,
    }  # fmt: skip
    assert sent == {
        "program": "spl-token",
        "programId": TOKEN,
        "parsed": {
            "type": "transferChecked",
            "info": {
                "source": str(source), "mint": str(mint), "destination": str(dest),
                "authority": str(holder.pubkey()),
                "tokenAmount": {
                    "amount": "1250000", "decimals": 6, "uiAmount": 1.25, "uiAmountString": "1.25"
                },
            },
        },
        "stackHeight": 1,
    }  # fmt: skip
    # The ATA program's own calls, at stack height 2, parsed too.
    (inner,) = tx["meta"]["innerInstructions"]
    assert inner["index"] == 0
    calls = [
        (i.get("program"), i["parsed"]["type"], i["stackHeight"]) for i in inner["instructions"]
    ]
    assert calls == [
        ("spl-token", "getAccountDataSize", 2),
        ("system", "createAccount", 2),
        ("spl-token", "initializeImmutableOwner", 2),
        ("spl-token", "initializeAccount3", 2),
    ]
    size, created, _, initialized = (i["parsed"]["info"] for i in inner["instructions"])
    assert size == {"mint": str(mint), "extensionTypes": ["immutableOwner"]}
    assert created["newAccount"] == str(dest) and created["space"] == 165
    assert created["lamports"] == await _call(node, "getMinimumBalanceForRentExemption", 165)
    assert initialized == {"account": str(dest), "mint": str(mint), "owner": str(other)}
    # Token balances before and after, by account index (the new account had none).
    keys = [k["pubkey"] for k in tx["transaction"]["message"]["accountKeys"]]

    def balances(when: str) -> dict[str, tuple[str, str, str, str]]:
        return {
            keys[b["accountIndex"]]: (
                b["mint"], b["owner"], b["programId"], b["uiTokenAmount"]["amount"]
            )
            for b in tx["meta"][when]
        }  # fmt: skip

    holder_key = str(holder.pubkey())
    assert balances("preTokenBalances") == {
        str(source): (str(mint), holder_key, TOKEN, "5000000")
    }  # fmt: skip
    assert balances("postTokenBalances") == {
        str(source): (str(mint), holder_key, TOKEN, str(5_000_000 - amount)),
        str(dest): (str(mint), str(other), TOKEN, str(amount)),
    }
    assert tx["meta"]["postTokenBalances"][0]["uiTokenAmount"]["decimals"] == decimals
    # The json encoding of the same transaction still has indexes and base58.
    raw = await _call(node, "getTransaction", signature, CONFIRMED)
    assert raw["meta"]["innerInstructions"][0]["instructions"][1]["programIdIndex"] >= 0
    assert raw["meta"]["loadedAddresses"] == {"writable": [], "readonly": []}

    # simulateTransaction's accounts under jsonParsed: the state after the
    # simulated transfer, parsed.
    blockhash = (await _call(node, "getLatestBlockhash", CONFIRMED))["value"]["blockhash"]
    message = Message.new_with_blockhash([checked], holder.pubkey(), Hash.from_string(blockhash))
    again = base64.b64encode(bytes(Transaction([holder], message, message.recent_blockhash)))
    sim = await _call(
        node, "simulateTransaction", again.decode(),
        {**CONFIRMED, "encoding": "base64",
         "accounts": {"encoding": "jsonParsed", "addresses": [str(dest)]}},
    )  # fmt: skip
    assert sim["value"]["err"] is None
    (after,) = sim["value"]["accounts"]
    assert after["data"]["parsed"]["info"]["tokenAmount"]["amount"] == str(2 * amount)
    # getProgramAccounts with jsonParsed: the new account, parsed, found by its owner.
    owned_by_other = {"memcmp": {"offset": 32, "bytes": str(other)}}
    found = await _call(
        node,
        "getProgramAccounts",
        TOKEN,
        {"encoding": "jsonParsed", "filters": [{"dataSize": 165}, owned_by_other]},
    )
    assert [a["pubkey"] for a in found] == [str(dest)]
    parsed = found[0]["account"]["data"]
    assert parsed["program"] == "spl-token" and parsed["parsed"]["type"] == "account"
    assert parsed["parsed"]["info"]["tokenAmount"]["amount"] == str(amount)
    assert parsed["parsed"]["info"]["owner"] == str(other)
