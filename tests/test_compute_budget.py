"""Compute-unit budgets of the hot instructions (deterministic counts from the
runtime, not timings): a change that makes them dearer fails here first."""

from __future__ import annotations

from amplify_sdk import instructions
from conftest import report
from market import Market

ACCEPT_BUDGET = 1_800  # requirement: accept_task <= 1,800 CU
SUBMIT_BUDGET = 800  # requirement: submit_result with payout, fee, result <= 800 CU
ADD_PER_ITEM_BUDGET = 150  # requirement: add_tasks <= 150 CU per item beyond a base


async def test_hot_instructions_stay_within_their_compute_budgets(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=40, redundancy=2, per_worker_cap=10)
    w = await market.worker()
    await w.ensure_ledger(b.address, 4)
    accept = await w.send([instructions.accept_task(w.address, b.address, b.batch_number, 0)])
    submit = await w.send(
        [instructions.submit_result(w.address, b.address, b.batch_number, 0, 0, bytes(32), "x")]
    )
    await req.fund_batch(b.address, 10**8)
    one = await req.send([instructions.add_tasks(req.address, b.address, 40, [bytes(32)])])
    many = await req.send(
        [instructions.add_tasks(req.address, b.address, 41, [bytes([i]) * 32 for i in range(30)])]
    )
    per_item = (many.compute_units - one.compute_units) / 29
    report("accept_task CU", accept.compute_units)
    report("submit_result CU", submit.compute_units)
    report("add_tasks CU per extra item", per_item)
    assert accept.compute_units <= ACCEPT_BUDGET
    assert submit.compute_units <= SUBMIT_BUDGET
    assert per_item <= ADD_PER_ITEM_BUDGET
