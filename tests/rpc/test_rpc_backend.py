"""`RpcBackend` running our program on the node, and the query and
subscription methods on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from solders.keypair import Keypair
from solders.transaction import VersionedTransaction

from amplify_sdk import (
    PROGRAM_ID,
    AdminClient,
    Config,
    EmbeddedBackend,
    RequesterClient,
    TransactionError,
    WorkerClient,
)
from amplify_sdk.chain import Backend
from amplify_sdk.chain._backend import DataSize, Memcmp
from amplify_sdk.chain._rpc import RpcBackend, _ws_url
from amplify_sdk.errors import AlreadyInitialized, ProtocolPaused, SigningError
from amplify_sdk.protocol import load_idl
from localnet import LocalNode

from .conftest import LAMPORTS
from .util import signed_transfer, transfer_ix

TIMEOUT = 10


async def test_initialize_and_typed_program_errors(admin: AdminClient, backend: RpcBackend) -> None:
    mint = await admin.create_amp_mint()
    config = await admin.initialize(mint, fee_bps=250)
    assert config.fee_bps == 250 and config.admin == admin.address
    receipt = admin.last_receipt
    assert receipt is not None
    assert [e.name for e in receipt.events] == ["ProtocolInitialized"]
    assert receipt.fee == 5_000 and 0 < receipt.compute_units < 200_000
    assert any("ComputeBudget" in line for line in receipt.logs)

    with pytest.raises(AlreadyInitialized) as err:
        await admin.initialize(mint, fee_bps=100)
    assert any("custom program error: 0x1779" in line for line in err.value.logs)
    assert (await admin.get_config()).fee_bps == 250

    await admin.set_paused(True)
    assert (await admin.get_config()).paused is True
    with pytest.raises(ProtocolPaused):
        await RequesterClient(admin.backend, admin.wallet).create_batch(price=1_000)
    await admin.set_paused(False)


async def test_worker_and_batch_flow(admin: AdminClient, node: LocalNode) -> None:
    await admin.initialize(await admin.create_amp_mint())
    worker = WorkerClient(admin.backend, Keypair())
    await admin.backend.airdrop(worker.address, LAMPORTS)
    assert await admin.backend.get_balance(worker.address) == LAMPORTS
    profile = await worker.register()
    assert profile.address is not None
    batch = await RequesterClient(admin.backend, admin.wallet).create_batch(
        price=10_000, redundancy=2
    )
    assert batch.requester == admin.address and batch.price == 10_000

    # Found among the program's accounts by its discriminator and size.
    acc = await admin.backend.get_account(batch.address)
    assert acc is not None
    disc = load_idl().account_discriminators["Batch"]
    found = await admin.backend.get_program_accounts(
        PROGRAM_ID, [Memcmp(0, disc), DataSize(len(acc.data))]
    )
    assert [a.address for a in found] == [batch.address]


async def test_signing_error_before_sending(backend: RpcBackend, funded: Keypair) -> None:
    other = Keypair()
    with pytest.raises(SigningError):
        await backend.send([transfer_ix(other.pubkey(), funded.pubkey(), 1)], [], funded)


async def test_failure_without_program_error_is_transaction_error(
    backend: RpcBackend, funded: Keypair
) -> None:
    with pytest.raises(TransactionError) as err:
        await backend.send([transfer_ix(funded.pubkey(), Keypair().pubkey(), 10**15)], [], funded)
    assert any("insufficient lamports" in line for line in err.value.logs)


def test_ws_url_is_next_port() -> None:
    assert _ws_url("http://127.0.0.1:8899") == "ws://127.0.0.1:8900"
    assert _ws_url("https://api.example.com/rpc") == "wss://api.example.com/rpc"


# -- both backends ---------------------------------------------------------------------


@pytest.fixture(params=["embedded", "rpc"])
async def any_backend(
    request: pytest.FixtureRequest, node: LocalNode
) -> AsyncIterator[tuple[Backend, Keypair]]:
    """A backend and its funded upgrade authority."""
    if request.param == "embedded":
        embedded = EmbeddedBackend()
        payer = Keypair()
        await embedded.airdrop(payer.pubkey(), 100 * LAMPORTS)
        embedded.set_upgrade_authority(payer.pubkey())
        yield embedded, payer
    else:
        rpc = RpcBackend(node.url, poll_interval=0.05)
        yield rpc, node.authority
        await rpc.close()


async def test_queries_on_both_backends(any_backend: tuple[Backend, Keypair]) -> None:
    backend, payer = any_backend
    client = AdminClient(backend, payer)
    config = await client.initialize(await client.create_amp_mint())
    receipt = client.last_receipt
    assert receipt is not None

    many = [Keypair().pubkey() for _ in range(150)] + [config.address]
    accounts = await backend.get_multiple_accounts(many)
    assert len(accounts) == 151 and accounts[:150] == [None] * 150
    assert accounts[150] is not None and accounts[150].owner == PROGRAM_ID

    disc = load_idl().account_discriminators["Config"]
    by_disc = await backend.get_program_accounts(PROGRAM_ID, [Memcmp(0, disc)])
    assert [a.address for a in by_disc] == [config.address]
    admin_at = await backend.get_program_accounts(PROGRAM_ID, [Memcmp(16, bytes(payer.pubkey()))])
    assert [a.address for a in admin_at] == [config.address]
    assert await backend.get_program_accounts(PROGRAM_ID, [DataSize(1)]) == []
    assert Config.from_account_data(config.address, by_disc[0].data) == config

    sigs = await backend.get_signatures_for_address(config.address)
    assert [s.signature for s in sigs] == [receipt.signature]
    details = await backend.get_transaction(receipt.signature)
    assert details is not None and details.err is None
    assert details.fee == receipt.fee and details.compute_units == receipt.compute_units
    assert [e.name for e in details.events] == ["ProtocolInitialized"]
    program_ixs = [ix for ix in details.instructions if ix.program_id == PROGRAM_ID]
    assert len(program_ixs) == 1
    assert program_ixs[0].accounts[0].pubkey == payer.pubkey()
    assert program_ixs[0].accounts[0].is_signer and program_ixs[0].accounts[0].is_writable

    # Failed transactions are history too.
    with pytest.raises(AlreadyInitialized):
        await client.initialize(config.amp_mint)
    assert await backend.get_transaction(Keypair().sign_message(b"none")) is None


async def test_subscriptions_on_both_backends(any_backend: tuple[Backend, Keypair]) -> None:
    backend, payer = any_backend
    dst = Keypair().pubkey()
    async with (
        await backend.subscribe_logs([dst]) as logs,
        await backend.subscribe_account(dst) as account,
    ):
        receipt = await backend.send([transfer_ix(payer.pubkey(), dst, 10**9)], [], payer)
        notice = await asyncio.wait_for(anext(logs), TIMEOUT)
        assert notice.signature == receipt.signature and notice.err is None
        assert notice.logs[-1] == "Program 11111111111111111111111111111111 success"
        state = await asyncio.wait_for(anext(account), TIMEOUT)
        assert state is not None and state.lamports == 10**9
    assert logs.closed and account.closed


async def test_identical_sends_are_two_operations(backend: RpcBackend, funded: Keypair) -> None:
    # Same instructions, same payer, same slot: a cluster would run one
    # transaction; the backend makes the second one distinct.
    dst = Keypair().pubkey()
    ix = transfer_ix(funded.pubkey(), dst, 10**9)
    first, second = await backend.send([ix], [], funded), await backend.send([ix], [], funded)
    assert first.signature != second.signature
    assert await backend.get_balance(dst) == 2 * 10**9


async def test_closing_the_backend_ends_its_subscriptions(node: LocalNode) -> None:
    backend = RpcBackend(node.url, poll_interval=0.05)
    logs = await backend.subscribe_logs([Keypair().pubkey()])
    waiting = asyncio.create_task(anext(logs, None))
    await backend.close()
    assert await asyncio.wait_for(waiting, TIMEOUT) is None


async def test_a_logs_subscription_backfills_what_confirmed_while_it_was_made(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    """A transaction confirmed just before a logs subscription is active is
    in neither its notifications (sent before it existed) nor yet the
    address history (a node's index lags its confirmations: seen on
    solana-test-validator, where a worker waiting for its keys missed them).
    The subscription reads the history again once active; it is delivered."""
    lag = 3
    node.chain.skip(lag + 2)  # the funding airdrop is in the history, older than the lag
    tx = signed_transfer(funded, Keypair().pubkey(), 10**9, node.chain.latest_blockhash)
    record = node.chain.execute(VersionedTransaction.from_legacy(tx), bytes(tx))
    for _ in range(100):  # until confirmed: its notifications went out
        if node.chain.confirmation_status(record.slot) != "processed":
            break
        await asyncio.sleep(0.05)
    node.faults.history_lag_slots = lag
    sub = await backend.subscribe_logs([funded.pubkey()])
    try:
        notice = await asyncio.wait_for(anext(sub), 10)
        assert notice.signature == record.signature
    finally:
        await sub.close()
