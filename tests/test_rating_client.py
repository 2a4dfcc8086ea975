"""`RequesterClient.rate_assignments` around the instruction: ratings that
cannot succeed are refused before anything is sent, the rest are packed into
as few transactions as fit the packet, and no transaction carries more
ratings than its log can hold events for (every rating reaches history)."""

from __future__ import annotations

from amplify_sdk.chain._timeline import events
from conftest import report
from market import Market


async def test_rate_assignments_packs_full_transactions(market: Market) -> None:
    # 12 workers x 30 items: ratings and profile accounts fill several
    # transactions to the packet limit; every rating lands exactly once.
    b = await market.batch(n_items=30, redundancy=12)
    workers = [await market.worker() for _ in range(12)]
    for w in workers:
        await w.accept_tasks(b.address, range(30))
        await w.submit_results(b.address, [(i, b"\x02") for i in range(30)])
    req = market.requester
    await req.register_requester()
    n0 = len(req.receipts)
    wanted = [(i, w.address, 1 + (i * k) % 5) for i in range(30) for k, w in enumerate(workers)]
    out = await req.rate_assignments(b.address, wanted)
    assert [o.item for o in out] == [i for i, _, _ in wanted] and all(o.ok for o in out)
    txs = len(req.receipts) - n0
    # One profile (32-byte key) per worker and 8 bytes per rating: 360 ratings
    # cannot fit fewer than 360 * 8 / 1232 transactions, and packing must not
    # waste a transaction per worker either.
    assert -(-360 * 8 // 1232) <= txs < 12
    report("ratings per transaction (12 workers, 360 ratings)", round(360 / txs, 1))
    for w in workers:
        assert (await req.get_worker_profile(w.address)).rating_count == 30


async def test_every_rating_event_reaches_history(market: Market) -> None:
    # One WorkerRated event per instruction lists its ratings: a transaction
    # whose log overflows the runtime's 10,000 bytes loses its events ("Log
    # truncated"), so the SDK packs no more than the log holds. 250 ratings of
    # one worker take two packets (5 bytes each); every rating reaches
    # history, each once.
    n = 250
    b, w = await market.done_work(n)
    req = market.requester
    await req.register_requester()
    n0 = len(req.receipts)
    out = await req.rate_assignments(b.address, [(i, w.address, 1 + i % 5) for i in range(n)])
    assert all(o.ok for o in out)
    txs = len(req.receipts) - n0
    assert txs == 2
    rated = await events(req.backend, b.address, names={"WorkerRated"})
    got = sorted((r["item"], r["stars"]) for e in rated for r in e.fields["ratings"])
    assert got == [(i, 1 + i % 5) for i in range(n)]
    for r in req.receipts[n0:]:
        assert not any("Log truncated" in line for line in r.logs)
    report("ratings per transaction (one worker, 250 ratings)", round(n / txs, 1))


async def test_rate_assignments_refusals_before_sending(market: Market) -> None:
    b, w = await market.done_work(2)
    other = await market.worker()
    req = market.requester
    out = await req.rate_assignments(
        b.address,
        [(0, w.address, 0), (0, w.address, 6), (1, other.address, 3), (5, w.address, 3)],
    )
    assert [type(o.error).__name__ for o in out] == [
        "InvalidStars",
        "InvalidStars",
        "NotInRoster",
        "ItemNotFound",
    ]
