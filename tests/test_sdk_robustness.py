"""The SDK against bad data: account data a node returns that is not what it
claims (wrong discriminator, truncated, inconsistent, of the wrong owner),
responses cut short or malformed, and bulk input it can judge before sending
(wrong hash lengths, mixed answer widths, item indices past u32, out-of-range
parameters). Every case is a typed SDK error (an `AmplifyError`), and where
input is refused nothing was sent: no receipt, every balance unchanged."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from solders.account import Account
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import (
    PROGRAM_ID,
    AmplifyClient,
    AmplifyError,
    Batch,
    Config,
    InsufficientFundsError,
    InvalidArgumentError,
    TransportError,
    WorkerClient,
    WorkerProfile,
    instructions,
)
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend
from amplify_sdk.errors import (
    AccountNotFoundError,
    AccountTypeError,
    InvalidAnswers,
    InvalidPrice,
    InvalidRedundancy,
    InvalidStars,
    ItemNotFound,
    PriceBelowFee,
    ResultUriTooLong,
    UriTooLong,
)
from amplify_sdk.protocol import TaskTable, config_pda
from market import Market

# -- account data that is not what it claims ---------------------------------------------


async def _planted(market: Market, data: bytes, owner: Pubkey = PROGRAM_ID) -> Pubkey:
    address = Keypair().pubkey()
    market.backend.set_account(address, Account(10**9, data, owner, False, 0))
    return address


async def _corrupt(market: Market, source: Pubkey, at: int, value: bytes) -> Pubkey:
    acc = await market.backend.get_account(source)
    assert acc is not None
    data = bytearray(acc.data)
    data[at : at + len(value)] = value
    return await _planted(market, bytes(data))


async def test_account_data_of_another_type_is_a_typed_error(market: Market) -> None:
    b = await market.batch(n_items=3)
    config = await market.backend.get_account(config_pda()[0])
    assert config is not None
    cases: list[tuple[type[Any], Pubkey]] = [
        (Batch, config_pda()[0]),  # a Config where a Batch is expected
        (Config, b.address),
        (TaskTable, b.address),
        (WorkerProfile, market.table(b)),
        (Batch, await _planted(market, b"")),  # empty
        (Batch, await _planted(market, bytes(500))),  # zeros: no discriminator
    ]
    for model, address in cases:
        with pytest.raises(AccountTypeError):
            await market.requester.fetch(model, address)
    assert issubclass(AccountTypeError, AmplifyError)


async def test_truncated_or_inconsistent_account_data_is_a_typed_error(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    batch = await market.backend.get_account(b.address)
    table = await market.backend.get_account(market.table(b))
    assert batch is not None and table is not None
    roster_len = 376 - 64 - 32 - 32 - 4 - 2 - 2  # Batch.roster_len's offset
    assert batch.data[roster_len : roster_len + 4] == b"\x01\x00\x40\x00"  # 1 of 64
    cases: list[tuple[type[Any], Pubkey]] = [
        (Batch, await _planted(market, batch.data[:100])),  # cut inside the fixed part
        (Batch, await _planted(market, batch.data[:-1])),  # cut inside the roster
        (Batch, await _planted(market, batch.data + b"\x00")),  # a trailing byte
        (Batch, await _corrupt(market, b.address, roster_len, b"\xff\x7f")),  # roster_len lies
        (Batch, await _corrupt(market, b.address, 10, b"\x09")),  # status 9: no such status
        (Batch, await _corrupt(market, b.address, 376, b"\x05\x00\x00\x00\xff\xfe")),  # bad URI
        (TaskTable, await _planted(market, table.data[:-4])),  # a slot short
        (TaskTable, await _corrupt(market, market.table(b), 60, b"\xff\xff\x00\x00")),  # capacity
        (TaskTable, await _corrupt(market, market.table(b), 64, b"\xff\x00\x00\x00")),  # count
    ]
    for model, address in cases:
        with pytest.raises(AccountTypeError):
            await market.requester.fetch(model, address)


async def test_accounts_of_another_owner_are_not_found(market: Market) -> None:
    # A node returning the right bytes under another owner: not this program's.
    b = await market.batch(n_items=1)
    acc = await market.backend.get_account(b.address)
    assert acc is not None
    fake = await _planted(market, acc.data, owner=Keypair().pubkey())
    with pytest.raises(AccountNotFoundError):
        await market.requester.get_batch(fake)
    assert await market.requester.fetch_or_none(Batch, fake) is None
    # A worker whose profile is someone else's account is not registered.
    w = await market.worker(register=False)
    with pytest.raises(AccountNotFoundError):
        await w.profile()


# -- responses cut short or malformed ----------------------------------------------------


@pytest.fixture
async def bad_node() -> AsyncIterator[tuple[str, dict[str, str]]]:
    """An HTTP JSON-RPC endpoint answering as `mode["m"]` says."""
    mode = {"m": "truncated"}

    async def handle(request: web.Request) -> web.Response:
        body = await request.json()
        m = mode["m"]
        if m == "truncated":
            head = {"jsonrpc": "2.0", "id": body["id"]}
            text = json.dumps({**head, "result": {"value": [{"data": "AAAA"}]}})[:60]
            return web.Response(text=text, content_type="application/json")
        if m == "html":
            return web.Response(text="<html>502 Bad Gateway</html>", content_type="text/html")
        if m == "wrong-shape":
            value = [{"data": "x", "executable": False, "lamports": "many", "owner": "?"}]
            result = {"context": {"slot": 1}, "value": value}
            return web.json_response({"jsonrpc": "2.0", "id": body["id"], "result": result})
        # "short-data": a well-formed answer whose account data is cut short.
        data = base64.b64encode(b"\x9c\xc2\x46\x2c\x16\x58\x89\x2c" + bytes(30)).decode()
        value = [
            {
                "data": [data, "base64"],
                "executable": False,
                "lamports": 10**6,
                "owner": str(PROGRAM_ID),
                "rentEpoch": 0,
                "space": 38,
            }
        ]
        result = {"context": {"slot": 1}, "value": value}
        return web.json_response({"jsonrpc": "2.0", "id": body["id"], "result": result})

    app = web.Application()
    app.router.add_post("/", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", mode
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("m", ["truncated", "html", "wrong-shape"])
async def test_malformed_responses_are_transport_errors(
    bad_node: tuple[str, dict[str, str]], m: str
) -> None:
    url, mode = bad_node
    mode["m"] = m
    backend = RpcBackend(url, backoff=Backoff(attempts=2, base=0.001))
    client = AmplifyClient(backend, Keypair())
    reads: list[Callable[[], Awaitable[object]]] = [
        lambda: client.fetch(Batch, config_pda()[0]),
        lambda: backend.get_account(config_pda()[0]),
        lambda: backend.get_multiple_accounts([config_pda()[0]] * 3),
    ]
    try:
        for read in reads:
            with pytest.raises(TransportError):
                await read()
    finally:
        await backend.close()


async def test_account_data_cut_short_by_a_node_is_a_typed_error(
    bad_node: tuple[str, dict[str, str]],
) -> None:
    url, mode = bad_node
    mode["m"] = "short-data"
    backend = RpcBackend(url, backoff=Backoff(attempts=1))
    try:
        with pytest.raises(AccountTypeError):  # the Batch discriminator, then 30 bytes
            await AmplifyClient(backend, Keypair()).fetch(Batch, config_pda()[0])
    finally:
        await backend.close()


# -- bulk input judged before sending ----------------------------------------------------


class Unsent:
    """Prove a refused call sent nothing: no receipt, no balance moved."""

    def __init__(self, market: Market, *clients: AmplifyClient, watch: tuple[Pubkey, ...] = ()):
        self.market = market
        self.clients = clients
        self.watch = watch

    async def __aenter__(self) -> Unsent:
        self.receipts = [len(c.receipts) for c in self.clients]
        addresses = [*(c.address for c in self.clients), *self.watch]
        self.before = await self.market.balances(*addresses)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        assert [len(c.receipts) for c in self.clients] == self.receipts, "a transaction was sent"
        after = await self.market.balances(*self.before)
        assert after == self.before, "lamports moved"


async def test_add_tasks_with_malformed_hashes_sends_nothing(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000)
    good = [bytes([i]) * 32 for i in range(5)]
    for bad in (
        [*good, bytes(31)],
        [bytes(33), *good],
        [*good[:2], b"", *good[2:]],
        [*good, "00" * 32],  # hex text, not bytes
    ):
        async with Unsent(market, req, watch=(b.address,)):
            with pytest.raises(InvalidArgumentError):
                await req.add_tasks(b.address, bad)  # type: ignore[arg-type]
    assert (await req.get_batch(b.address)).item_count == 0


async def test_submit_results_with_bad_answers_sends_nothing(market: Market) -> None:
    b = await market.batch(n_items=4)
    w = await market.worker()
    await w.accept_tasks(b.address, range(4))
    cases: list[tuple[list[tuple[int, bytes]], str, type[Exception]]] = [
        ([(0, b"\x01"), (1, b"\x01\x02")], "", InvalidAnswers),  # mixed widths
        ([(0, b""), (1, b"")], "", InvalidAnswers),  # no answer
        ([(0, bytes(65))], "", InvalidAnswers),  # over 64 bytes
        ([(0, b"\x01")], "u" * 201, ResultUriTooLong),  # URI over the limit
    ]
    for results, uri, error in cases:
        async with Unsent(market, w, watch=(b.address,)):
            with pytest.raises(error):
                await w.submit_results(b.address, results, uri)


async def test_item_indices_past_u32_are_refused_without_sending(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await w.submit_results(b.address, [(0, b"\x01")])
    req = market.requester
    await req.register_requester()
    huge = [2**32, 2**40, -1, 3]
    async with Unsent(market, w, req, watch=(b.address,)):
        for out in (
            await w.accept_tasks(b.address, huge),
            await w.submit_results(b.address, [(i, b"\x01") for i in huge]),
            await req.release_expired(b.address, w.address, huge),
            await req.rate_assignments(b.address, [(i, w.address, 4) for i in huge]),
        ):
            assert [type(o.error) for o in out] == [ItemNotFound] * 4
            assert all(o.signature is None for o in out)


async def test_a_first_rating_that_cannot_succeed_registers_nothing(market: Market) -> None:
    # Only ratings that will be sent may create the requester profile.
    b = await market.batch(n_items=1)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await w.submit_results(b.address, [(0, b"\x01")])
    req = market.requester
    async with Unsent(market, req):
        out = await req.rate_assignments(b.address, [(0, w.address, 0), (0, w.address, 6)])
    assert [type(o.error) for o in out] == [InvalidStars, InvalidStars]


async def test_deliver_keys_with_malformed_keys_sends_nothing(market: Market) -> None:
    b = await market.batch(n_items=2, encrypted=True)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    req = market.requester
    for keys in ([(0, bytes(31))], [(0, bytes(32)), (1, bytes(33))], [(0, "k" * 32)]):
        async with Unsent(market, req, watch=(b.address, market.table(b))):
            with pytest.raises(InvalidArgumentError):
                await req.deliver_keys(b.address, w.address, keys)  # type: ignore[arg-type]


async def test_create_batch_with_out_of_range_parameters_sends_nothing(market: Market) -> None:
    req = market.requester
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"price": 0}, InvalidPrice),
        ({"price": 1}, PriceBelowFee),  # its 5% fee, rounded up, is all of it
        ({"price": 1_000, "redundancy": 0}, InvalidRedundancy),
        ({"price": 1_000, "redundancy": 65}, InvalidRedundancy),
        ({"price": 1_000, "base_uri": "u" * 201}, UriTooLong),
        ({"price": 2**64}, InvalidArgumentError),  # not a u64
        ({"price": -5}, InvalidPrice),
        ({"price": 1_000, "batch_id": 2**64}, InvalidArgumentError),
    ]
    for params, error in cases:
        async with Unsent(market, req):
            with pytest.raises(error):
                await req.create_batch(**params)


async def test_instruction_builders_refuse_values_their_fields_cannot_hold() -> None:
    # The builders themselves: a typed error, not construct's.
    w = Keypair().pubkey()
    for build in (
        lambda: instructions.accept_tasks(w, w, w, [2**32]),
        lambda: instructions.stake(w, w, 2**64),
        lambda: instructions.stake(w, w, -1),
        lambda: instructions.grow_roster(w, w, 2**16),
        lambda: instructions.set_paused(w, "yes"),  # type: ignore[arg-type]
        lambda: instructions.submit_results(w, w, w, [0], b"\x01", "\udcff"),
    ):
        with pytest.raises(InvalidArgumentError):
            build()


async def test_a_worker_client_of_an_unfunded_wallet_sends_nothing(market: Market) -> None:
    b = await market.batch(n_items=2, bond=10**9)
    poor: WorkerClient = await market.worker(lamports=4_000_000)
    async with Unsent(market, poor, watch=(b.address,)):
        with pytest.raises(InsufficientFundsError):
            await poor.accept_tasks(b.address, [0, 1])
