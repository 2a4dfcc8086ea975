"""`grow_roster`: room for more workers, with the roster's order preserved so
every worker already in it is still found (never given a second entry)."""

from __future__ import annotations

import pytest

from amplify_sdk import BatchCancelled, RosterTooLarge, Unauthorized, instructions
from market import Market


async def test_grow_roster_keeps_workers_and_admits_new_ones(market: Market) -> None:
    b = await market.batch(n_items=20, roster_capacity=3, per_worker_cap=2)
    workers = [await market.worker() for _ in range(3)]
    for k, w in enumerate(workers):
        assert (await w.accept_tasks(b.address, [k]))[0].ok
    before_size = len(await market.data(b.address))
    before = await market.requester.balance()
    await market.requester.grow_roster(b.address, 5)
    receipt = market.requester.last_receipt
    assert receipt is not None
    grown = len(await market.data(b.address))
    assert grown - before_size == 5 * 42
    rent = await market.backend.minimum_balance(grown) - await market.backend.minimum_balance(
        before_size
    )
    assert before - await market.requester.balance() == rent + receipt.fee
    b2 = await market.requester.get_batch(b.address)
    assert (b2.roster_capacity, b2.roster_len) == (8, 3)
    assert [e.worker for e in b2.roster] == [w.address for w in workers]
    # Existing workers are found again (their cap holds: one more item each, then 2).
    for k, w in enumerate(workers):
        out = await w.accept_tasks(b.address, [10 + k, 15 + k])
        assert [o.ok for o in out] == [True, False]
    newcomer = await market.worker()
    assert (await newcomer.accept_tasks(b.address, [19]))[0].ok
    await market.assert_escrow_invariant(b.address)


async def test_fail_grow_roster(market: Market) -> None:
    b = await market.batch(n_items=1, roster_capacity=4)
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([instructions.grow_roster(stranger.address, b.address, 1)])
    with pytest.raises(RosterTooLarge):  # more than 10 KiB in one instruction
        await market.requester.send(
            [instructions.grow_roster(market.requester.address, b.address, 300)]
        )
    with pytest.raises(RosterTooLarge):  # more than 32,767 workers
        await market.requester.send(
            [instructions.grow_roster(market.requester.address, b.address, 32_765)]
        )
    await market.requester.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await market.requester.grow_roster(b.address, 1)
