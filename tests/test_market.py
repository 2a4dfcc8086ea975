"""The market view (amplify_sdk/_market.py) on a fresh chain, every figure
derived from what the test did and from docs/cli.md ("The market view"): a
paid item counts what the worker received (the price less the fee, rounded
up, the protocol keeps), grouped by the worker's tier now; fill times from
acceptance to delivery; open work as open slots × price."""

from __future__ import annotations

import statistics
import time

from amplify_sdk import WorkerClient
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.clients._market import market_view
from market import Market, worker_tier


def fee(price: int, bps: int = 500) -> int:
    return -(-price * bps // 10_000)  # docs/protocol.md: the fee rounds up


async def test_market_view_counts_what_workers_received(market: Market) -> None:
    # Bug class: a market view that reports the price (fee included) as what
    # work pays, or tiers, counts or times that do not follow the chain.
    req = market.requester
    # Batch a's fee (10,001) puts a worker with one rating there past the
    # tiers' evidence floor; b's (100) does not.
    prices = (200_007, 2_000)
    a = await market.batch(n_items=6, price=prices[0], redundancy=2, reservation_secs=600)
    b = await market.batch(n_items=4, price=prices[1], salt=b"b", reservation_secs=600)
    good, poor, fresh = [await market.worker() for _ in range(3)]
    # Who delivers what: (worker, batch, items), each in one transaction.
    plan: list[tuple[WorkerClient, int, list[int]]] = [
        (good, 0, [0, 1, 2]),
        (good, 1, [0, 1]),
        (poor, 0, [0, 3]),
        (fresh, 0, [4]),
    ]
    batches = (a, b)
    t0 = time.monotonic()
    for w, k, items in plan:
        assert all(o.ok for o in await w.accept_tasks(batches[k].address, items))
    market.backend.warp(30)
    for w, k, items in plan:
        out = await w.submit_results(batches[k].address, [(i, b"\x01") for i in items])
        assert all(o.ok for o in out)
    elapsed = time.monotonic() - t0
    # Stars make two of them rated workers; `fresh` stays unrated.
    await req.rate_assignments(a.address, [(i, good.address, 5) for i in (0, 1, 2)])
    await req.rate_assignments(b.address, [(i, good.address, 5) for i in (0, 1)])
    await req.rate_assignments(a.address, [(i, poor.address, 1) for i in (0, 3)])

    view = await market_view(market.backend)

    tiers = {}
    for w in (good, poor, fresh):
        p = await req.get_worker_profile(w.address)
        mean = p.score_sum // p.weight if p.weight else 0
        tiers[w.address] = worker_tier(p.rating_count, p.weight, mean)
    assert tiers[fresh.address] == "unrated"
    assert tiers[good.address] == "mean ≥4★" and tiers[poor.address] == "mean <2★"
    received: dict[str, list[int]] = {}
    charged: dict[str, list[int]] = {}
    for w, k, items in plan:
        name = tiers[w.address]
        received.setdefault(name, []).extend([prices[k] - fee(prices[k])] * len(items))
        charged.setdefault(name, []).extend([prices[k]] * len(items))
    assert len(received) == 3  # the tiers differ, or the test proves less
    # A fill is 30 s of chain time on the embedded chain; a live node's block
    # times follow its slots (the wall clock), which the warp does not move.
    embedded = isinstance(market.backend, EmbeddedBackend)
    fill = (30.0, 30.0) if embedded else (0.0, elapsed + 1)
    for s in view.tiers:
        paid = received.get(s.name, [])
        assert s.workers == sum(t == s.name for t in tiers.values()), s
        assert s.items == len(paid), s
        assert s.paid_total == sum(paid), s
        if paid:
            assert s.payout_mean == sum(paid) / len(paid), s
            assert s.payout_median == statistics.median(paid), s
            assert s.price_mean == sum(charged[s.name]) / len(paid), s
            assert fill[0] <= s.fill_median_s <= s.fill_p90_s <= fill[1], s
    # Every registered worker's standing, best tier first: its ratings as the
    # test gave them (good 5, poor 2, fresh none).
    shown = {s.worker: s for s in view.workers}
    assert {w: shown[w.address].ratings for w in (good, poor, fresh)} == {
        good: 5,
        poor: 2,
        fresh: 0,
    }
    assert [s.worker for s in view.workers][:3] == [good.address, poor.address, fresh.address]
    assert view.transactions == 2 * len(plan)  # one accept and one submit each
    # Open work: batch a has 12 slots, 6 delivered; b has 4, 2 delivered.
    open_work = {o.address: o for o in view.open_work}
    assert set(open_work) == {a.address, b.address}
    for batch, price, left in ((a, prices[0], 6), (b, prices[1], 2)):
        o = open_work[batch.address]
        assert (o.price, o.payout, o.open_slots) == (price, price - fee(price), left)
        assert o.value == left * price
    assert view.open_value == 6 * prices[0] + 2 * prices[1]
    assert [o.address for o in view.open_work] == [a.address, b.address]  # most value first
