"""End to end on the compiled program: 300 items, redundancy 3, three workers
labelling every item, ratings, close; every lamport accounted for, every
account closed and its rent returned."""

from __future__ import annotations

import reputation_ref as ref

from amplify_sdk import RequesterProfile
from amplify_sdk.protocol import requester_profile_pda, treasury_pda
from market import SIGNATURE_FEE, Market, item_hashes

N_ITEMS = 300
REDUNDANCY = 3
PRICE = 100_000  # lamports per item per worker
BOND = 3_000
FEE = -(-PRICE * 500 // 10_000)  # 5%, rounded up to a whole lamport


async def test_full_marketplace_run(market: Market) -> None:
    req = market.requester
    workers = [await market.worker() for _ in range(REDUNDANCY)]
    treasury = treasury_pda()[0]
    treasury_before = await market.backend.get_balance(treasury)
    await req.register_requester()  # its rating habits, rent paid once
    req_before = await req.balance()
    worker_before = [await w.balance() for w in workers]
    req.receipts.clear()

    b = await req.create_batch(
        price=PRICE, redundancy=REDUNDANCY, bond=BOND, max_active=N_ITEMS, base_uri="ipfs://x/"
    )
    uploads = await req.add_tasks(b.address, item_hashes(N_ITEMS))
    assert sum(u.count for u in uploads) == N_ITEMS
    b = await req.get_batch(b.address)
    assert (b.item_count, b.table_count) == (N_ITEMS, 1)

    for k, w in enumerate(workers):
        w.receipts.clear()
        assert all(o.ok for o in await w.accept_tasks(b.address, range(N_ITEMS)))
        answers = [(i, bytes([(i + k) % 4])) for i in range(N_ITEMS)]
        assert all(o.ok for o in await w.submit_results(b.address, answers))
    assert await workers[0].open_items(b.address) == []

    b = await req.get_batch(b.address)
    assert b.completed_count == N_ITEMS * REDUNDANCY and b.reserved_count == 0
    ratings = [(i, w.address, 1 + (i % 5)) for w in workers for i in range(20)]
    assert all(o.ok for o in await req.rate_assignments(b.address, ratings))
    # Each worker's score from the reference formula (docs/reputation.md),
    # the ratings applied in the order given, each weighing the fee it paid.
    rp = await req.fetch(RequesterProfile, requester_profile_pda(req.address)[0])
    rq, refs = ref.Requester(rp.id), {w.address: ref.Worker() for w in workers}
    scores = {w: ref.rate(ref.DEFAULTS, refs[w], rq, s, FEE)[2] for _, w, s in ratings}
    for w in workers:
        profile = await req.get_worker_profile(w.address)
        assert (profile.rating_count, profile.rating) == (20, scores[w.address])

    # Done: it closes at once, with its table.
    await req.close_batch(b.address)
    assert await market.backend.get_account(b.address) is None
    assert await market.backend.get_account(market.table(b)) is None

    # Lamports, exactly, from the price, the fee rate and the counts. Workers
    # locked no rent; their bonds came back with their pay.
    for w, before in zip(workers, worker_before, strict=True):
        assert all(r.fee == SIGNATURE_FEE for r in w.receipts)  # one signature each
        fees = SIGNATURE_FEE * len(w.receipts)
        assert await w.balance() == before + (PRICE - FEE) * N_ITEMS - fees
    total_fee = FEE * N_ITEMS * REDUNDANCY
    assert await market.backend.get_balance(treasury) == treasury_before + total_fee
    assert (await req.get_treasury()).total_collected == total_fee
    req_fees = sum(r.fee for r in req.receipts)
    assert await req.balance() == req_before - PRICE * N_ITEMS * REDUNDANCY - req_fees
