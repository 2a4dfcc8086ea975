"""`close_batch`: a done batch closes at once with all its tables, fees to the
treasury and every lamport of rent and unspent escrow back to the requester."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from amplify_sdk import (
    BatchNotDone,
    DuplicateAccount,
    InvalidOwner,
    ReservationsOutstanding,
    TablesOutstanding,
    Unauthorized,
    WrongTable,
    instructions,
    treasury_pda,
)
from market import Market


async def test_a_finished_batch_closes_at_once(market: Market) -> None:
    price, redundancy, n = 10_000, 3, 40
    b = await market.batch(n_items=n, price=price, redundancy=redundancy)
    workers = [await market.worker() for _ in range(redundancy)]
    for w in workers:
        await w.accept_tasks(b.address, range(n))
        await w.submit_results(b.address, [(i, b"\x03") for i in range(n)])
    req = market.requester
    b = await req.get_batch(b.address)
    accounts = [b.address, market.table(b)]
    rent = sum([await market.rent(a) for a in accounts])
    treasury_before = await market.backend.get_balance(treasury_pda()[0])
    before = await req.balance()
    # No waiting for expiry: the last submission made it done.
    await req.close_batch(b.address)
    receipt = req.last_receipt
    assert receipt is not None
    fee_per_item = -(-price * 500 // 10_000)
    assert await market.backend.get_balance(treasury_pda()[0]) - treasury_before == (
        fee_per_item * n * redundancy
    )
    assert await req.balance() - before == rent - receipt.fee
    for a in accounts:
        assert await market.backend.get_account(a) is None
    assert [e.name for e in receipt.events] == ["FeesSwept", "BatchClosed"]


async def test_close_batch_refuses_until_done(market: Market) -> None:
    b = await market.batch(n_items=3, reservation_secs=60)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    req = market.requester
    with pytest.raises(ReservationsOutstanding):
        await req.close_batch(b.address)
    await w.submit_results(b.address, [(0, b"\x01")])
    with pytest.raises(BatchNotDone):  # items 1 and 2 are still open
        await req.close_batch(b.address)
    # Cancelling refunds the open slots; then it closes in the same breath.
    before = await req.balance()
    rent = await market.rent(b.address) + await market.rent(market.table(b))
    await req.cancel_batch(b.address)
    await req.close_batch(b.address)
    fees = sum(r.fee for r in req.receipts[-2:])
    assert await req.balance() - before == 2 * b.price + rent - fees


async def test_an_expired_batch_returns_the_escrow_of_untaken_slots(market: Market) -> None:
    b = await market.batch(n_items=4, price=5_000, expires_in=1_000)
    market.backend.warp(1_001)
    before = await market.requester.balance()
    rent = await market.rent(b.address) + await market.rent(market.table(b))
    await market.requester.close_batch(b.address)
    fee = market.requester.last_receipt.fee if market.requester.last_receipt else 0
    assert await market.requester.balance() - before == 4 * 5_000 + rent - fee


async def test_fail_close_batch_with_missing_or_foreign_tables(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=2)
    other = await market.batch(n_items=2, salt=b"o")
    await req.cancel_batch(b.address)
    t = market.table(b)
    cases = [
        (instructions.close_batch(req.address, b.address, []), TablesOutstanding),
        (instructions.close_batch(req.address, b.address, [market.table(other)]), WrongTable),
        (instructions.close_batch(req.address, b.address, [t, t]), TablesOutstanding),
        (instructions.close_batch(req.address, b.address, [b.address]), DuplicateAccount),
        (instructions.close_batch(req.address, b.address, [Keypair().pubkey()]), InvalidOwner),
    ]
    for ix, error in cases:
        async with market.lamports(req.address, b.address, t) as bal:
            with pytest.raises(error):
                await req.send([ix])
            await bal.assert_unchanged(fee_payer=req.address)
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([instructions.close_batch(stranger.address, b.address, [t])])


async def test_a_recreated_batch_is_never_confused_with_the_old_one(market: Market) -> None:
    # The SDK caches nothing: a batch closed and created again at the same
    # address (same id) is read afresh, and its tables are its own.
    req = market.requester
    b = await market.batch(n_items=3, batch_id=77)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await w.submit_results(b.address, [(0, b"\x01")])
    await req.cancel_batch(b.address)
    await req.close_batch(b.address)
    b2 = await market.batch(n_items=5, batch_id=77)
    assert b2.address == b.address and b2.batch_number != b.batch_number
    out = await w.accept_tasks(b2.address, range(5))
    assert all(o.ok for o in out)
    out = await w.submit_results(b2.address, [(i, b"\x02") for i in range(5)])
    assert all(o.ok for o in out)
