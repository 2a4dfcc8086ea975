"""`submit_result`: immediate, exact payment out of escrow, and its refusals."""

from __future__ import annotations

import pytest

from amplify_sdk import (
    InvalidOwner,
    MissingSigner,
    NotReserved,
    ResultUriTooLong,
    SlotNotFound,
    SlotStatus,
    WrongBatch,
    WrongPage,
    WrongWorker,
    instructions,
    ledger_address,
    page_pda,
)
from conftest import report
from market import SIGNATURE_FEE, Market, swap

PRICE = 100_003  # a price whose 5% is not a whole number of lamports


async def test_submit_pays_price_minus_fee_at_once(market: Market) -> None:
    b = await market.batch(n_items=3, price=PRICE, redundancy=2)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    before_worker = await market.backend.get_balance(w.address)
    before_batch = await market.backend.get_balance(b.address)
    receipt = (await w.submit_results(b.address, [(1, b"\x11" * 32)], result_uri="ipfs://r"))[0]
    report("submit_result CU", receipt.compute_units)
    fee = PRICE * 500 // 10_000
    assert fee == 5_000 and b.fee_per_item == fee
    assert (
        await market.backend.get_balance(w.address) == before_worker + PRICE - fee - SIGNATURE_FEE
    )
    # The fee stays in the batch, accrued for the treasury: the batch lost `paid` only.
    assert await market.backend.get_balance(b.address) == before_batch - (PRICE - fee)
    b = await w.get_batch(b.address)
    assert (b.completed_count, b.reserved_count, b.fees_accrued, b.paid_total) == (
        1,
        1,
        fee,
        PRICE - fee,
    )
    await market.assert_escrow_invariant(b.address)
    ledger = await w.get_ledger(b.address, w.address)
    slot = ledger.used[1]
    assert (slot.item_index, slot.status, slot.result_hash) == (
        1,
        SlotStatus.SUBMITTED,
        b"\x11" * 32,
    )
    assert ledger.active == 1
    page = await w.get_page(b.address, 0)
    assert (page.items[1].reserved, page.items[1].completed) == (0, 1)
    ev = receipt.events[0]
    assert ev.name == "ResultSubmitted"
    assert ev.fields == {
        "batch": b.address,
        "item_index": 1,
        "worker": w.address,
        "slot": 1,
        "paid": PRICE - fee,
        "fee": fee,
    }


async def test_submit_is_paid_even_after_cancel_or_deadline(market: Market) -> None:
    # Requesters pay for all work completed: no veto by cancelling or waiting.
    b = await market.batch(n_items=2, price=PRICE, reservation_secs=60)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await market.requester.cancel_batch(b.address)
    market.backend.warp(120)
    before = await market.backend.get_balance(w.address)
    await w.submit_results(b.address, [(0, b"\x01" * 32), (1, b"\x02" * 32)])
    paid = 2 * (PRICE - PRICE * 500 // 10_000)
    assert await market.backend.get_balance(w.address) == before + paid - SIGNATURE_FEE
    await market.assert_escrow_invariant(b.address)


async def _setup(market: Market) -> tuple:  # type: ignore[type-arg]
    b = await market.batch(n_items=3, price=PRICE)
    w, other = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0])
    await other.accept_tasks(b.address, [1])
    return b, w, other


async def test_fail_submit_twice(market: Market) -> None:
    # Bug class: double payment.
    b, w, _ = await _setup(market)
    await w.submit_results(b.address, [(0, b"\x01" * 32)])
    ix = instructions.submit_result(w.address, b.address, b.batch_number, 0, 0, b"\x02" * 32)
    async with market.lamports(b.address, w.address) as lamports:
        with pytest.raises(NotReserved):
            await w.send([ix])
        await lamports.assert_unchanged(fee_payer=w.address)


@pytest.mark.parametrize(
    "case",
    [
        "others-slot",
        "others-ledger",
        "unsigned",
        "missing-slot",
        "other-batch-page",
        "other-batch",
        "long-uri",
        "fake-ledger",
    ],
)
async def test_fail_submit_result_adversarial(market: Market, case: str) -> None:
    b, w, other = await _setup(market)
    ix = instructions.submit_result(w.address, b.address, b.batch_number, 0, 0, b"\x01" * 32)
    sender, error = w, None
    if case == "others-slot":
        # Bug class: stealing another worker's payment with one's own signature.
        ix, error = swap(ix, "ledger", ledger_address(other.address, b.batch_number)), WrongWorker
    elif case == "others-ledger":
        ix = instructions.submit_result(w.address, b.address, b.batch_number, 0, 1, b"\x01" * 32)
        ix, error = swap(ix, "ledger", ledger_address(other.address, b.batch_number)), WrongWorker
    elif case == "unsigned":
        ix, error, sender = swap(ix, "worker", signer=False), MissingSigner, market.requester
    elif case == "missing-slot":
        ix = instructions.submit_result(w.address, b.address, b.batch_number, 5, 0, b"\x01" * 32)
        error = SlotNotFound
    elif case == "other-batch-page":
        c = await market.batch(n_items=3, salt=b"c")
        ix, error = swap(ix, "page", page_pda(c.address, 0)[0]), WrongPage
    elif case == "other-batch":
        c = await market.batch(n_items=3, salt=b"c")
        ix, error = swap(ix, "batch", c.address), WrongBatch
    elif case == "long-uri":
        ix = instructions.submit_result(
            w.address, b.address, b.batch_number, 0, 0, b"\x01" * 32, "x" * 201
        )
        error = ResultUriTooLong
    else:
        # A system-owned account in place of the ledger.
        ix, error = swap(ix, "ledger", w.address), InvalidOwner
    assert error is not None
    async with market.lamports(b.address, w.address, other.address, sender.address) as lamports:
        with pytest.raises(error):
            await sender.send([ix])
        await lamports.assert_unchanged(fee_payer=sender.address)
