"""`add_tasks` (and the SDK's upload): items committed by Merkle roots in a
hash chain, escrow taken exactly, exactly once across crashes and replays."""

from __future__ import annotations

import hashlib

import pytest
from solders.instruction import Instruction

from amplify_sdk import (
    BatchCancelled,
    EmptyTaskList,
    IndexMismatch,
    ManifestMismatchError,
    TableFull,
    Unauthorized,
    WrongTable,
    instructions,
    merkle_root,
)
from conftest import report
from market import Market, item_hashes


def chain(prev: bytes, start: int, count: int, root: bytes) -> bytes:
    # The spec in docs/protocol.md, written out independently of the SDK.
    return hashlib.sha256(
        prev + start.to_bytes(4, "little") + count.to_bytes(4, "little") + root
    ).digest()


async def test_upload_commits_items_and_escrows_exactly(market: Market) -> None:
    req = market.requester
    price, redundancy, n = 7_000, 3, 10_000
    b = await req.create_batch(price=price, redundancy=redundancy)
    before = await req.balance()
    n0 = len(req.receipts)
    hashes = item_hashes(n)
    uploads = await req.add_tasks(b.address, hashes)
    txs = req.receipts[n0:]
    report("transactions to put 10,000 items on chain (after create_batch)", len(txs))
    assert len(txs) + 1 <= 10
    b = await req.get_batch(b.address)
    assert (b.item_count, b.items_capacity, b.table_count) == (n, n, 1)
    assert b.escrow == price * n * redundancy
    table_rent = await market.rent(market.table(b))
    fees = sum(r.fee for r in txs)
    assert before - await req.balance() == price * n * redundancy + table_rent + fees
    assert [(u.start, u.count) for u in uploads] == [(0, n)]
    assert uploads[0].root == merkle_root(0, hashes)
    assert b.manifest_hash == chain(bytes(32), 0, n, uploads[0].root)
    (event,) = [e for r in txs for e in r.events if e.name == "TasksAdded"]
    assert event.fields["escrow_added"] == price * n * redundancy
    assert event.fields["manifest_hash"] == b.manifest_hash
    await market.assert_escrow_invariant(b.address)


async def test_upload_resumes_exactly_once(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=2)
    hashes = item_hashes(50)
    # A run that stopped after 20 items; the next run resumes with the manifest.
    first = await req.add_tasks(b.address, hashes[:20])
    more = await req.add_tasks(b.address, hashes, uploads=first)
    b = await req.get_batch(b.address)
    assert b.item_count == 50 and b.escrow == 1_000 * 2 * 50
    assert [(u.start, u.count) for u in more] == [(0, 20), (20, 30)]
    expect = chain(chain(bytes(32), 0, 20, more[0].root), 20, 30, more[1].root)
    assert b.manifest_hash == expect
    # Running again adds nothing and sends nothing.
    n0 = len(req.receipts)
    assert await req.add_tasks(b.address, hashes, uploads=more) == more
    assert len(req.receipts) == n0


async def test_chunked_upload_hashes_each_item_once(
    market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file uploaded in chunks calls add_tasks with a growing list; the
    # prefix already matched with the batch's manifest is not hashed again.
    import amplify_sdk._requester as requester_module

    hashed: list[int] = []
    real = requester_module.merkle_root

    def counting(start: int, leaves: list[bytes]) -> bytes:
        hashed.append(len(leaves))
        return real(start, leaves)

    monkeypatch.setattr(requester_module, "merkle_root", counting)
    req = market.requester
    b = await req.create_batch(price=1_000)
    hashes, chunk, done = item_hashes(1_000), 25, []
    for end in range(chunk, len(hashes) + 1, chunk):
        done = await req.add_tasks(b.address, hashes[:end], uploads=done)
    assert (await req.get_batch(b.address)).item_count == len(hashes)
    report("items hashed for 1,000 items in 40 chunks", sum(hashed))
    assert sum(hashed) == len(hashes)
    # Another client (a resumed process) checks the whole prefix once.
    again = market.amp.requester(req.wallet)
    hashed.clear()
    assert await again.add_tasks(b.address, hashes, uploads=done) == done
    assert sum(hashed) == len(hashes)


async def test_upload_refuses_a_different_file_before_sending(market: Market) -> None:
    req = market.requester
    b = await req.create_batch(price=1_000)
    first = await req.add_tasks(b.address, item_hashes(10))
    before = await req.balance()
    with pytest.raises(ManifestMismatchError):
        await req.add_tasks(b.address, item_hashes(20, salt=b"other"), uploads=first)
    with pytest.raises(ManifestMismatchError):
        await req.add_tasks(b.address, item_hashes(20))  # no manifest given
    one_changed = item_hashes(20)
    one_changed[3] = bytes(32)
    with pytest.raises(ManifestMismatchError):
        await req.add_tasks(b.address, one_changed, uploads=first)
    assert await req.balance() == before


async def test_fail_add_tasks_replayed(market: Market) -> None:
    # Bug class: replay. The same instruction again cannot add items twice.
    req = market.requester
    b = await req.create_batch(price=1_000)
    await req.add_tasks(b.address, item_hashes(4))
    b = await req.get_batch(b.address)
    again = instructions.add_tasks(req.address, b.address, market.table(b), 0, 4, bytes(32))
    async with market.lamports(req.address, b.address) as bal:
        with pytest.raises(IndexMismatch):
            await req.send([again])
        await bal.assert_unchanged(fee_payer=req.address)


async def test_fail_add_tasks_refusals(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=4)
    other = await market.batch(n_items=4, salt=b"x")
    stranger = await market.other_requester()
    t = market.table(b)
    cases: list[tuple[Instruction, type[Exception], object]] = [
        (instructions.add_tasks(req.address, b.address, t, 4, 0, bytes(32)), EmptyTaskList, req),
        (instructions.add_tasks(req.address, b.address, t, 4, 1, bytes(32)), TableFull, req),
        (
            instructions.add_tasks(req.address, b.address, market.table(other), 4, 1, bytes(32)),
            WrongTable,
            req,
        ),
        (
            instructions.add_tasks(stranger.address, b.address, t, 4, 1, bytes(32)),
            Unauthorized,
            stranger,
        ),
    ]
    for ix, error, sender in cases:
        async with market.lamports(req.address, b.address, t) as bal:
            with pytest.raises(error):
                await sender.send([ix])  # type: ignore[attr-defined]
            await bal.assert_unchanged(fee_payer=req.address if sender is req else None)
    await req.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await req.send([instructions.add_tasks(req.address, b.address, t, 4, 1, bytes(32))])


async def test_add_tasks_uses_a_deposit_first(market: Market) -> None:
    # Lamports sent to the batch beforehand pay for the escrow before the wallet.
    req = market.requester
    b = await req.create_batch(price=1_000, redundancy=1)
    await market.backend.airdrop(b.address, 3_000)
    before = await req.balance()
    await req.add_tasks(b.address, item_hashes(5))
    txs = req.receipts[-1:]
    table_rent = await market.rent(market.table(await req.get_batch(b.address)))
    assert before - await req.balance() == 5 * 1_000 - 3_000 + table_rent + txs[0].fee
    await market.assert_escrow_invariant(b.address)
