"""`release_expired`: anyone reopens lapsed reservations; the bond goes to the
requester (squatting costs something), escrow is refunded in a cancelled
batch, and live reservations cannot be touched."""

from __future__ import annotations

import pytest

from amplify_sdk import (
    EmptyTaskList,
    NotInRoster,
    ReservationActive,
    Unauthorized,
    WrongTable,
    instructions,
)
from market import Market, swap


async def test_release_expired_reopens_slots_and_forfeits_bonds(market: Market) -> None:
    bond = 2_000
    b = await market.batch(n_items=5, bond=bond, reservation_secs=60)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    stranger = await market.worker(register=False)
    # Before the deadline: refused, nothing moves.
    out = await stranger.release_expired(b.address, w.address, [0, 1])
    assert {type(o.error) for o in out} == {ReservationActive}
    market.backend.warp(61 + b.tick_secs)
    req_before = await market.requester.balance()
    out = await stranger.release_expired(b.address, w.address)  # all its expired ones
    assert sorted(o.item for o in out if o.ok) == [0, 1, 2]
    # Each lapsed reservation's bond went to the requester.
    assert await market.requester.balance() - req_before == 3 * bond
    b = await w.get_batch(b.address)
    assert b.reserved_count == 0 and b.forfeited_total == 3 * bond
    # The worker's items still count towards its cap (it saw them).
    assert (b.roster[0].taken, b.roster[0].active) == (3, 0)
    # Released items are open again, to other workers and to this one.
    assert sorted(await w.open_items(b.address)) == [0, 1, 2, 3, 4]
    other = await market.worker()
    assert all(o.ok for o in await other.accept_tasks(b.address, [0, 1, 2]))
    await market.assert_escrow_invariant(b.address)


async def test_release_expired_in_a_cancelled_batch_refunds_escrow(market: Market) -> None:
    price, bond = 50_000, 1_000
    b = await market.batch(n_items=4, price=price, bond=bond, reservation_secs=30)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await market.requester.cancel_batch(b.address)
    market.backend.warp(31 + b.tick_secs)
    before = await market.requester.balance()
    out = await market.requester.release_expired(b.address, w.address)
    assert all(o.ok for o in out) and len(out) == 2
    fee = market.requester.last_receipt.fee if market.requester.last_receipt else 0
    assert await market.requester.balance() - before == 2 * (price + bond) - fee
    b = await w.get_batch(b.address)
    assert b.cancelled_slots == 4 and b.refunded_total >= 2 * price
    await market.assert_escrow_invariant(b.address)


async def test_release_expired_reports_items_it_cannot_release(market: Market) -> None:
    b = await market.batch(n_items=4, reservation_secs=10)
    w, v = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await v.accept_tasks(b.address, [2])
    await w.submit_results(b.address, [(1, b"\x01")])
    market.backend.warp(11 + b.tick_secs)
    out = await market.requester.release_expired(b.address, w.address, [0, 1, 2, 3])
    got = [(o.item, o.ok, type(o.error).__name__ if o.error else None) for o in out]
    assert got == [
        (0, True, None),
        (1, False, "NotReserved"),  # completed
        (2, False, "NotReserved"),  # another worker's
        (3, False, "NotReserved"),  # open
    ]


async def test_fail_release_expired_with_wrong_accounts(market: Market) -> None:
    b = await market.batch(n_items=2, reservation_secs=10)
    other = await market.batch(n_items=2, salt=b"x")
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    market.backend.warp(11 + b.tick_secs)
    base = instructions.release_expired(b.address, market.table(b), b.requester, w.address, [0])
    stranger = await market.worker(register=False)
    for account, key, error in [
        ("requester", stranger.address, Unauthorized),  # bond to someone else
        ("table", market.table(other), WrongTable),
        ("worker", stranger.address, NotInRoster),
    ]:
        async with market.lamports(b.address, w.address, b.requester) as bal:
            with pytest.raises(error):
                await stranger.send([swap(base, account, key)])
            await bal.assert_unchanged()
    with pytest.raises(EmptyTaskList):
        await stranger.send(
            [instructions.release_expired(b.address, market.table(b), b.requester, w.address, [])]
        )
    # Anyone may release: no signature is asked of the requester or the worker.
    assert not any(m.is_signer for m in base.accounts)
