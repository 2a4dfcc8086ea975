"""End to end on the compiled program: 100 items, redundancy 3, three workers,
every lamport accounted for, every account closed and its rent returned."""

from __future__ import annotations

from amplify_sdk import SlotStatus, treasury_pda
from conftest import report
from market import Market, item_hashes

N_ITEMS = 100
REDUNDANCY = 3
PRICE = 100_000  # lamports per item per worker


async def test_full_marketplace_run(market: Market) -> None:
    req = market.requester
    workers = [await market.worker() for _ in range(3)]
    treasury = treasury_pda()[0]
    treasury_before = await market.backend.get_balance(treasury)
    req_before = await market.backend.get_balance(req.address)
    worker_before = [await market.backend.get_balance(w.address) for w in workers]
    req.receipts.clear()

    b = await req.create_batch(price=PRICE, redundancy=REDUNDANCY, base_uri="ipfs://")
    added = await req.add_tasks(b.address, item_hashes(N_ITEMS))
    assert added == N_ITEMS
    b = await req.get_batch(b.address)
    assert (b.item_count, b.page_count, b.escrow) == (N_ITEMS, 1, PRICE * N_ITEMS * REDUNDANCY)
    await market.assert_escrow_invariant(b.address)

    for w in workers:
        w.receipts.clear()
        accepted = await w.accept_tasks(b.address, range(N_ITEMS))
        assert accepted == list(range(N_ITEMS))
    b = await req.get_batch(b.address)
    assert b.reserved_count == N_ITEMS * REDUNDANCY and b.open_slots == 0
    assert await req.open_items(b.address) == []

    for k, w in enumerate(workers):
        await w.submit_results(b.address, [(i, bytes([k]) * 32) for i in range(N_ITEMS)])
    # What a worker pays the network per completed item, bulk accept + bulk submit.
    work_fees = [sum(r.fee for r in w.receipts) for w in workers]
    for fees in work_fees:
        report(f"worker network fee per item, accept+submit ({N_ITEMS} items)", fees / N_ITEMS)
        assert fees / N_ITEMS <= 1_000
    b = await req.get_batch(b.address)
    fee = PRICE * 500 // 10_000
    assert b.completed_count == N_ITEMS * REDUNDANCY
    assert b.escrow == 0
    assert b.fees_accrued == b.fees_total == fee * N_ITEMS * REDUNDANCY
    assert b.paid_total == (PRICE - fee) * N_ITEMS * REDUNDANCY
    await market.assert_escrow_invariant(b.address)

    ledger = await req.get_ledger(b.address, workers[1].address)
    assert ledger.taken == N_ITEMS and ledger.active == 0
    slot = ledger.used[ledger.slot_of(7) or 0]
    assert slot.status == SlotStatus.SUBMITTED and slot.result_hash == bytes([1]) * 32
    await req.rate_many(b.address, [(i, w.address, 5) for w in workers for i in range(3)])
    profile = await req.get_worker_profile(workers[0].address)
    assert (profile.rating, profile.rating_count, profile.rating_sum) == (5_000, 3, 15_000)

    # The batch expires; everything closes and the rent comes back.
    market.backend.warp(8 * 24 * 3600)
    for w in workers:
        await w.close_ledger(b.address, w.address)
    await req.close_batch(b.address)
    assert await market.backend.get_account(b.address) is None

    # Lamports, exactly. Workers paid their own record rent and got it all back:
    # they are up by exactly their pay minus network fees.
    total_fee = fee * N_ITEMS * REDUNDANCY
    for w, before in zip(workers, worker_before, strict=True):
        fees = sum(r.fee for r in w.receipts)
        after = await market.backend.get_balance(w.address)
        assert after == before + (PRICE - fee) * N_ITEMS - fees
    assert await market.backend.get_balance(treasury) == treasury_before + total_fee
    assert (await req.get_treasury()).total_collected == total_fee
    req_fees = sum(r.fee for r in req.receipts)
    req_after = await market.backend.get_balance(req.address)
    assert req_after == req_before - PRICE * N_ITEMS * REDUNDANCY - req_fees
    # Escrow in = paid + fee + refunds, from the batch's on-chain counters.
    assert b.paid_total + b.fees_total + b.refunded_total == PRICE * N_ITEMS * REDUNDANCY
