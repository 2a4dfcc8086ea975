"""solana-py's AsyncClient against the node: its typed parsers accept every
answer, and the node behaves as a cluster does."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx2
import pytest
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed, Finalized
from solana.rpc.core import RPCException
from solana.rpc.models import MemcmpOpts, TxOpts
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import MessageV0
from solders.rpc.errors import SendTransactionPreflightFailureMessage
from solders.system_program import CreateAccountParams, create_account
from solders.transaction import VersionedTransaction
from solders.transaction_status import (
    InstructionErrorCustom,
    TransactionConfirmationStatus,
    TransactionErrorFieldless,
    TransactionErrorInstructionError,
)

from amplify_sdk import PROGRAM_ID, AdminClient, Config
from amplify_sdk.protocol import load_idl
from amplify_sdk.protocol._token import TOKEN_PROGRAM_ID
from localnet import LocalNode
from localnet.codec import b58encode

from .conftest import LAMPORTS
from .util import signed_transfer, transfer_ix


async def _post(node: LocalNode, body: bytes | str) -> Any:
    async with httpx2.AsyncClient() as http:
        resp = await http.post(node.url, content=body, headers={"content-type": "application/json"})
        assert resp.status_code == 200
        return resp.json()


async def test_airdrop_transfer_balance_and_account(rpc: AsyncClient, node: LocalNode) -> None:
    payer, dst = Keypair(), Keypair().pubkey()
    sig = (await rpc.request_airdrop(payer.pubkey(), LAMPORTS)).value
    await rpc.confirm_transaction(sig)
    assert (await rpc.get_balance(payer.pubkey())).value == LAMPORTS

    blockhash = (await rpc.get_latest_blockhash()).value.blockhash
    tx = signed_transfer(payer, dst, 10**9, blockhash)
    sent = (await rpc.send_transaction(VersionedTransaction.from_legacy(tx))).value
    await rpc.confirm_transaction(sent)
    assert (await rpc.get_balance(dst)).value == 10**9
    assert (await rpc.get_balance(payer.pubkey())).value == LAMPORTS - 10**9 - 5_000

    info = (await rpc.get_account_info(dst)).value
    assert info is not None and info.lamports == 10**9 and info.data == b""
    assert (await rpc.get_account_info(Keypair().pubkey())).value is None
    accounts = (await rpc.get_multiple_accounts([dst, Keypair().pubkey()])).value
    assert accounts[0] is not None and accounts[1] is None

    status = (await rpc.get_signature_statuses([sent])).value[0]
    assert status is not None and status.err is None
    assert status.confirmation_status == TransactionConfirmationStatus.Confirmed
    assert status.confirmations == node.chain.slot - status.slot
    # Rooted 32 slots after its block: no confirmation count any more.
    node.chain.skip(status.slot + node.chain.finalization_lag - node.chain.slot)
    status = (await rpc.get_signature_statuses([sent])).value[0]
    assert status is not None and status.confirmations is None
    assert status.confirmation_status == TransactionConfirmationStatus.Finalized


async def test_program_accounts_with_filters(
    rpc: AsyncClient, admin: AdminClient, node: LocalNode
) -> None:
    config = await admin.initialize(await admin.create_amp_mint())
    disc = load_idl().account_discriminators["Config"]
    data = (await rpc.get_account_info(config.address)).value
    assert data is not None
    by_b58 = MemcmpOpts(offset=0, bytes=b58encode(disc))
    found = (await rpc.get_program_accounts(PROGRAM_ID, encoding="base64", filters=[by_b58])).value
    assert [a.pubkey for a in found] == [config.address]
    sized = await rpc.get_program_accounts(
        PROGRAM_ID, encoding="base64", filters=[len(data.data), by_b58]
    )
    assert [a.pubkey for a in sized.value] == [config.address]
    assert (await rpc.get_program_accounts(PROGRAM_ID, filters=[len(data.data) + 1])).value == []
    # The admin's key at its offset in Config, through base64-encoded memcmp (raw request:
    # solana-py only sends base58).
    admin_offset = 8 + 1 + 1 + 1 + 1 + 2 + 2
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "getProgramAccounts",
        "params": [
            str(PROGRAM_ID),
            {
                "encoding": "base64",
                "commitment": "confirmed",
                "withContext": True,
                "dataSlice": {"offset": admin_offset, "length": 32},
                "filters": [
                    {
                        "memcmp": {
                            "offset": admin_offset,
                            "bytes": base64.b64encode(bytes(node.authority.pubkey())).decode(),
                            "encoding": "base64",
                        }
                    }
                ],
            },
        ],
    }
    # The context names the slot the accounts were read at: the node's
    # confirmed slot then, as getSlot at confirmed (the client's commitment)
    # reports it (moved on by 20 slots first, so a constant or stale one shows).
    node.chain.skip(20)
    first = (await rpc.get_slot()).value
    answer = await _post(node, json.dumps(body))
    last = (await rpc.get_slot()).value
    value = answer["result"]["value"]
    assert 20 - node.chain.confirmation_lag <= first <= answer["result"]["context"]["slot"] <= last
    assert last - first <= 5  # a few slots (0.4 s each) at most between the three calls
    assert [v["pubkey"] for v in value] == [str(config.address)]
    assert base64.b64decode(value[0]["account"]["data"][0]) == bytes(node.authority.pubkey())
    assert Config.from_account_data(config.address, data.data) == config


async def test_history_signatures_and_transactions(rpc: AsyncClient, funded: Keypair) -> None:
    dst = Keypair().pubkey()
    sent = []
    for lamports in (10**9, 2 * 10**9, 3 * 10**9):
        blockhash = (await rpc.get_latest_blockhash()).value.blockhash
        tx = VersionedTransaction.from_legacy(signed_transfer(funded, dst, lamports, blockhash))
        sent.append((await rpc.send_transaction(tx)).value)
        await rpc.confirm_transaction(sent[-1])  # history at confirmed holds it then
    newest_first = list(reversed(sent))
    sigs = (await rpc.get_signatures_for_address(dst)).value
    assert [s.signature for s in sigs] == newest_first
    assert all(s.err is None and s.block_time for s in sigs)
    assert [s.signature for s in (await rpc.get_signatures_for_address(dst, limit=2)).value] == (
        newest_first[:2]
    )
    before = await rpc.get_signatures_for_address(dst, before=newest_first[0])
    assert [s.signature for s in before.value] == newest_first[1:]
    until = await rpc.get_signatures_for_address(dst, until=newest_first[2])
    assert [s.signature for s in until.value] == newest_first[:2]

    got = (await rpc.get_transaction(sent[0], max_supported_transaction_version=0)).value
    assert got is not None
    meta = got.transaction.meta
    assert meta is not None and meta.fee == 5_000 and meta.err is None
    assert meta.post_balances[1] - meta.pre_balances[1] == 10**9
    assert meta.compute_units_consumed == 150
    assert meta.log_messages == [
        "Program 11111111111111111111111111111111 invoke [1]",
        "Program 11111111111111111111111111111111 success",
    ]
    raw = (await rpc.get_transaction(sent[0], encoding="base64")).value
    assert raw is not None
    decoded = raw.transaction.transaction
    assert isinstance(decoded, VersionedTransaction) and decoded.signatures[0] == sent[0]
    assert (await rpc.get_transaction(Keypair().sign_message(b"x"))).value is None


async def test_simulate_reports_logs_units_and_accounts(rpc: AsyncClient, funded: Keypair) -> None:
    dst = Keypair().pubkey()
    blockhash = (await rpc.get_latest_blockhash()).value.blockhash
    tx = VersionedTransaction.from_legacy(signed_transfer(funded, dst, 10**9, blockhash))
    sim = (await rpc.simulate_transaction(tx, sig_verify=True, accounts_addresses=[dst])).value
    assert sim.err is None and sim.units_consumed == 150
    assert sim.logs and sim.logs[-1].endswith("success")
    assert sim.accounts is not None and sim.accounts[0] is not None
    assert sim.accounts[0].lamports == 10**9
    # Simulation changes nothing.
    assert (await rpc.get_balance(dst)).value == 0

    replaced = (await rpc.simulate_transaction(tx, replace_recent_blockhash=True)).value
    assert replaced.err is None and replaced.replacement_blockhash is not None


async def test_failing_transaction_preflight_error_and_landed_failure(
    rpc: AsyncClient, funded: Keypair
) -> None:
    dst = Keypair().pubkey()
    blockhash = (await rpc.get_latest_blockhash()).value.blockhash
    too_much = VersionedTransaction.from_legacy(signed_transfer(funded, dst, 10**15, blockhash))
    with pytest.raises(RPCException) as exc:
        await rpc.send_transaction(too_much)
    err = exc.value.args[0]
    assert isinstance(err, SendTransactionPreflightFailureMessage)
    assert err.message.startswith("Transaction simulation failed: Error processing Instruction 0")
    assert err.data.err == TransactionErrorInstructionError(0, InstructionErrorCustom(1))
    assert err.data.logs and "insufficient lamports" in err.data.logs[1]
    before = (await rpc.get_balance(funded.pubkey())).value
    assert before == LAMPORTS  # preflight failures cost nothing

    # Without preflight it lands, fails and pays its fee, as on a cluster.
    sig = (await rpc.send_transaction(too_much, TxOpts(skip_preflight=True))).value
    status = (await rpc.get_signature_statuses([sig])).value[0]
    assert status is not None and status.err == err.data.err
    assert (await rpc.get_balance(funded.pubkey())).value == before - 5_000


async def test_expired_blockhash_is_refused(
    rpc: AsyncClient, funded: Keypair, node: LocalNode
) -> None:
    old = (await rpc.get_latest_blockhash()).value
    assert (await rpc.is_connected()) is True
    # 151 blocks later the blockhash has expired (as mainnet's 150-block window),
    # seen at the client's commitment (confirmed) one slot behind the tip.
    node.chain.skip(old.last_valid_block_height + 1 + node.chain.confirmation_lag - node.chain.slot)
    # At least: the node's wall-clock slots may add one meanwhile.
    assert (await rpc.get_block_height()).value >= old.last_valid_block_height + 1
    tx = VersionedTransaction.from_legacy(
        signed_transfer(funded, Keypair().pubkey(), 10**9, old.blockhash)
    )
    with pytest.raises(RPCException) as exc:
        await rpc.send_transaction(tx)
    err = exc.value.args[0]
    assert isinstance(err, SendTransactionPreflightFailureMessage)
    assert err.message == "Transaction simulation failed: Blockhash not found"
    assert err.data.err == TransactionErrorFieldless.BlockhashNotFound
    # A recent, not latest, blockhash is accepted, by a preflight at the
    # commitment it was fetched at (the default, finalized, does not know it yet).
    recent = (await rpc.get_latest_blockhash()).value.blockhash
    node.chain.new_blockhash()
    ok = VersionedTransaction.from_legacy(
        signed_transfer(funded, Keypair().pubkey(), 10**9, recent)
    )
    with pytest.raises(RPCException) as exc:
        await rpc.send_transaction(ok, TxOpts(preflight_commitment=Finalized))
    assert exc.value.args[0].data.err == TransactionErrorFieldless.BlockhashNotFound
    sent = await rpc.send_transaction(ok, TxOpts(preflight_commitment=Confirmed))
    assert sent.value == ok.signatures[0]


async def test_cluster_info_methods(rpc: AsyncClient, node: LocalNode) -> None:
    assert (await rpc.get_version()).value.solana_core
    assert (await rpc.get_genesis_hash()).value
    assert (await rpc.get_identity()).value.identity == node.authority.pubkey()
    assert (await rpc.get_first_available_block()).value == 0
    slot = (await rpc.get_slot()).value
    assert (await rpc.get_epoch_info()).value.absolute_slot >= slot
    assert (await rpc.get_epoch_schedule()).value.slots_per_epoch == 432_000
    assert (await rpc.get_block_time(slot)).value
    assert (await rpc.get_recent_prioritization_fees()).value[-1].prioritization_fee == 0
    assert (await rpc.get_minimum_balance_for_rent_exemption(0)).value == 890_880
    blockhash = (await rpc.get_latest_blockhash()).value.blockhash
    payer = Keypair()
    ix = transfer_ix(payer.pubkey(), Keypair().pubkey(), 1)
    # A v0 message: the fee is the same, 5,000 lamports per signature.
    message = MessageV0.try_compile(payer.pubkey(), [ix], [], blockhash)
    assert (await rpc.get_fee_for_message(message)).value == 5_000


async def test_json_rpc_errors_and_batches(node: LocalNode) -> None:
    unknown = await _post(node, '{"jsonrpc":"2.0","id":7,"method":"getNothing"}')
    assert unknown == {
        "jsonrpc": "2.0",
        "error": {"code": -32601, "message": "Method not found"},
        "id": 7,
    }
    malformed = await _post(node, '{"jsonrpc":"2.0","id":')
    assert malformed["error"]["code"] == -32700 and malformed["id"] is None
    assert (await _post(node, '{"id":1,"method":"getSlot"}'))["error"]["code"] == -32600
    assert (await _post(node, "[]"))["error"]["code"] == -32600
    bad = await _post(node, '{"jsonrpc":"2.0","id":1,"method":"getBalance","params":["nope"]}')
    assert bad["error"]["code"] == -32602
    batch = await _post(
        node,
        '[{"jsonrpc":"2.0","id":1,"method":"getSlot"},'
        '{"jsonrpc":"2.0","id":2,"method":"getHealth"},'
        '{"jsonrpc":"2.0","id":3,"method":"nope"},'
        '{"jsonrpc":"2.0","method":"getHealth"},'
        "5]",
    )
    assert [b.get("id") for b in batch] == [1, 2, 3, None]
    assert batch[1]["result"] == "ok"
    assert batch[2]["error"]["code"] == -32601
    assert batch[3]["error"]["code"] == -32600


async def test_base58_wire_encoding_and_bad_signature(node: LocalNode, funded: Keypair) -> None:
    tx = signed_transfer(funded, Keypair().pubkey(), 10**9, node.chain.latest_blockhash)
    # The tip's blockhash: preflight on the tip's bank (processed).
    options = {"encoding": "base58", "preflightCommitment": "processed"}
    params = [b58encode(bytes(tx)), options]
    body = {"jsonrpc": "2.0", "id": 1, "method": "sendTransaction", "params": params}
    assert (await _post(node, json.dumps(body)))["result"] == str(tx.signatures[0])
    got = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "getTransaction",
        "params": [str(tx.signatures[0]), {"encoding": "base58", "commitment": "confirmed"}],
    }
    node.chain.skip(node.chain.confirmation_lag)
    assert (await _post(node, json.dumps(got)))["result"]["transaction"] == [params[0], "base58"]

    # Signed by the wrong key: refused before anything runs, preflight or not.
    forged = signed_transfer(Keypair(), Keypair().pubkey(), 1, node.chain.latest_blockhash)
    raw = bytearray(bytes(forged))
    raw[1:65] = bytes(funded.sign_message(b"not this message"))
    for skip in (False, True):
        params = [
            base64.b64encode(bytes(raw)).decode(),
            {"encoding": "base64", "skipPreflight": skip},
        ]
        body = {"jsonrpc": "2.0", "id": 3, "method": "sendTransaction", "params": params}
        assert (await _post(node, json.dumps(body)))["error"]["code"] == -32003


async def test_token_account_balance(rpc: AsyncClient, admin: AdminClient) -> None:
    mint = await admin.create_amp_mint()  # 6 decimals, the admin is the mint authority
    account = Keypair()
    rent = await admin.backend.minimum_balance(165)
    create = create_account(
        CreateAccountParams(
            from_pubkey=admin.address,
            to_pubkey=account.pubkey(),
            lamports=rent,
            space=165,
            owner=TOKEN_PROGRAM_ID,
        )
    )
    # SPL Token InitializeAccount3 (18) and MintTo (7), by hand.
    init = Instruction(
        TOKEN_PROGRAM_ID,
        bytes([18]) + bytes(admin.address),
        [AccountMeta(account.pubkey(), False, True), AccountMeta(mint, False, False)],
    )
    mint_to = Instruction(
        TOKEN_PROGRAM_ID,
        bytes([7]) + (12_345_678_901).to_bytes(8, "little"),
        [
            AccountMeta(mint, False, True),
            AccountMeta(account.pubkey(), False, True),
            AccountMeta(admin.address, True, False),
        ],
    )
    await admin.send([create, init, mint_to], [account])
    balance = (await rpc.get_token_account_balance(account.pubkey())).value
    assert balance.amount == "12345678901" and balance.decimals == 6
    assert balance.ui_amount_string == "12345.678901"
