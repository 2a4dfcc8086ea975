"""`accept_task`: every on-chain refusal, and the adversarial basics. Each refusal
asserts the typed error and that no lamport and no record moved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from solders.pubkey import Pubkey
from solders.sysvar import RENT

from amplify_sdk import (
    AlreadyAccepted,
    AmplifyClient,
    Batch,
    BatchCancelled,
    BatchExpired,
    BatchPaused,
    InvalidOwner,
    InvalidProgramAccount,
    ItemFull,
    ItemNotFound,
    LedgerFull,
    MissingSigner,
    ProgramError,
    ProtocolPaused,
    RatingTooLow,
    SlotStatus,
    WorkerCapReached,
    WrongBatch,
    WrongPage,
    WrongWorker,
    instructions,
    ledger_address,
    page_pda,
    worker_profile_pda,
)
from conftest import report
from market import Market, item_hashes, swap


async def _accept(w: AmplifyClient, b: Batch, item: int) -> None:
    await w.send([instructions.accept_task(w.address, b.address, b.batch_number, item)])


async def _refused(
    market: Market,
    w: AmplifyClient,
    b: Batch,
    error: type[ProgramError],
    send: Callable[[], Awaitable[object]],
    fee_payer: Pubkey | None = None,
) -> None:
    """`send` fails with `error`; nothing but the fee moved; batch and page unchanged."""
    page = page_pda(b.address, 0)[0]
    payer = fee_payer or w.address
    before = (await w.get_batch(b.address), await w.get_page(b.address, 0))
    async with market.lamports(b.address, page, w.address, payer) as lamports:
        with pytest.raises(error):
            await send()
        await lamports.assert_unchanged(fee_payer=payer)
    assert (await w.get_batch(b.address), await w.get_page(b.address, 0)) == before


async def test_accept_task_reserves_a_slot(market: Market) -> None:
    b = await market.batch(n_items=5, redundancy=2, reservation_secs=600)
    w = await market.worker()
    await w.ensure_ledger(b.address, 4)
    now = await w.now()
    await _accept(w, b, 3)
    report("accept_task CU", w.last_receipt.compute_units if w.last_receipt else None)
    ledger = await w.get_ledger(b.address, w.address)
    slot = ledger.used[0]
    assert (ledger.taken, ledger.active, slot.item_index, slot.status) == (
        1,
        1,
        3,
        SlotStatus.RESERVED,
    )
    assert slot.deadline == now + 600 and ledger.holds(3) and not ledger.holds(2)
    page = await w.get_page(b.address, 0)
    assert (page.items[3].reserved, page.items[3].completed) == (1, 0)
    assert (await w.get_batch(b.address)).reserved_count == 1
    event = w.last_receipt.events[0] if w.last_receipt else None
    assert event is not None and event.name == "TaskAccepted"
    assert event.fields == {
        "batch": b.address,
        "item_index": 3,
        "worker": w.address,
        "slot": 0,
        "deadline": now + 600,
    }


async def test_fail_accept_task_with_rating_below_minimum(market: Market) -> None:
    b = await market.batch(n_items=2, min_rating=1)  # unrated workers (0) are below
    w = await market.worker()
    await w.ensure_ledger(b.address, 2)
    await _refused(market, w, b, RatingTooLow, lambda: _accept(w, b, 0))


async def test_fail_accept_task_when_item_is_full(market: Market) -> None:
    b = await market.batch(n_items=2, redundancy=1)
    first, second = await market.worker(), await market.worker()
    await first.accept_tasks(b.address, [0])
    await second.ensure_ledger(b.address, 2)
    await _refused(market, second, b, ItemFull, lambda: _accept(second, b, 0))
    await _accept(second, b, 1)


async def test_fail_accept_task_twice_by_the_same_worker(market: Market) -> None:
    # Bug class: double dipping (one worker filling two redundancy slots of an item).
    b = await market.batch(n_items=2, redundancy=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await _refused(market, w, b, AlreadyAccepted, lambda: _accept(w, b, 0))


async def test_fail_accept_task_past_the_per_worker_cap(market: Market) -> None:
    b = await market.batch(n_items=5, per_worker_cap=2)
    w = await market.worker()
    assert await w.accept_tasks(b.address, [0, 1, 2, 3]) == [0, 1]
    await _refused(market, w, b, WorkerCapReached, lambda: _accept(w, b, 4))
    # Released items still count: the worker saw them.
    other = await market.worker()
    assert await other.accept_tasks(b.address, [2, 3]) == [2, 3]


async def test_fail_accept_task_when_batch_expired(market: Market) -> None:
    b = await market.batch(n_items=2, expires_in=100)
    w = await market.worker()
    await w.ensure_ledger(b.address, 2)
    market.backend.warp(100)
    await _refused(market, w, b, BatchExpired, lambda: _accept(w, b, 0))


async def test_fail_accept_task_when_batch_cancelled(market: Market) -> None:
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.ensure_ledger(b.address, 2)
    await market.requester.cancel_batch(b.address)
    b = await w.get_batch(b.address)
    await _refused(market, w, b, BatchCancelled, lambda: _accept(w, b, 0))


async def test_fail_accept_task_when_batch_or_protocol_paused(market: Market) -> None:
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.ensure_ledger(b.address, 2)
    await market.requester.set_batch_paused(b.address, True)
    await _refused(market, w, b, BatchPaused, lambda: _accept(w, b, 0))
    await market.requester.set_batch_paused(b.address, False)
    await market.requester.set_paused(True)
    await _refused(market, w, b, ProtocolPaused, lambda: _accept(w, b, 0))
    await market.requester.set_paused(False)
    await _accept(w, b, 0)


async def test_fail_accept_task_for_a_missing_item(market: Market) -> None:
    b = await market.batch(n_items=2)
    w = await market.worker()
    await w.ensure_ledger(b.address, 2)
    await _refused(market, w, b, ItemNotFound, lambda: _accept(w, b, 2))


async def test_fail_accept_task_with_full_ledger_until_grown(market: Market) -> None:
    b = await market.batch(n_items=4)
    w = await market.worker()
    await w.ensure_ledger(b.address, 1)
    await _accept(w, b, 0)
    await _refused(market, w, b, LedgerFull, lambda: _accept(w, b, 1))
    await w.ensure_ledger(b.address, 1)
    await _accept(w, b, 1)


async def test_fail_accept_task_for_items_added_after_the_ledger(market: Market) -> None:
    b = await market.batch(n_items=256)
    w = await market.worker()
    await w.ensure_ledger(b.address, 4)
    await market.requester.add_tasks(b.address, item_hashes(300))
    b = await w.get_batch(b.address)
    ix = instructions.accept_task(w.address, b.address, b.batch_number, 290)
    with pytest.raises(LedgerFull):  # its bitmap does not reach item 290 yet
        await w.send([ix])
    assert await w.accept_tasks(b.address, [290]) == [290]  # the SDK grows it first
    assert (await w.get_page(b.address, 1)).items[290 - 256].reserved == 1


@pytest.mark.parametrize(
    "case",
    [
        "other-ledger",
        "other-profile",
        "fake-clock",
        "unsigned",
        "unregistered",
        "other-batch-ledger",
        "other-batch-page",
    ],
)
async def test_fail_accept_task_with_substituted_accounts(market: Market, case: str) -> None:
    # Bug class: account substitution / missing signer / fake sysvar.
    b = await market.batch(n_items=3)
    w, other = await market.worker(), await market.worker()
    await w.ensure_ledger(b.address, 3)
    await other.ensure_ledger(b.address, 3)
    ix = instructions.accept_task(w.address, b.address, b.batch_number, 0)
    sender = w
    error: type[ProgramError]
    if case == "other-ledger":
        ix, error = swap(ix, "ledger", ledger_address(other.address, b.batch_number)), WrongWorker
    elif case == "other-profile":
        ix, error = swap(ix, "profile", worker_profile_pda(other.address)[0]), WrongWorker
    elif case == "fake-clock":
        ix, error = swap(ix, "clock", RENT), InvalidProgramAccount
    elif case == "unsigned":
        # Someone else pays and sends; the worker's signature is missing.
        ix, error, sender = swap(ix, "worker", signer=False), MissingSigner, market.requester
    elif case == "unregistered":
        stranger = await market.worker(register=False)
        ix = instructions.accept_task(stranger.address, b.address, b.batch_number, 0)
        ix = swap(ix, "ledger", ledger_address(w.address, b.batch_number))
        w, sender, error = stranger, stranger, InvalidOwner
    elif case == "other-batch-ledger":
        c = await market.batch(n_items=3, salt=b"c")
        await w.ensure_ledger(c.address, 3)
        ix, error = swap(ix, "ledger", ledger_address(w.address, c.batch_number)), WrongBatch
    else:
        c = await market.batch(n_items=3, salt=b"c")
        ix, error = swap(ix, "page", page_pda(c.address, 0)[0]), WrongPage
    await _refused(market, w, b, error, lambda: sender.send([ix]), fee_payer=sender.address)


async def test_bulk_accept_drops_refused_items_and_keeps_the_rest(market: Market) -> None:
    b = await market.batch(n_items=20, redundancy=1)
    early, w = await market.worker(), await market.worker()
    await early.accept_tasks(b.address, [3, 7, 11])
    got = await w.accept_tasks(b.address, range(20))
    assert got == [i for i in range(20) if i not in (3, 7, 11)]
    sizes = [len(r.events) for r in w.receipts if r.events and r.events[0].name == "TaskAccepted"]
    report("accepts per transaction", max(sizes))
    assert max(sizes) >= 10


async def test_bulk_accept_and_submit_are_idempotent(market: Market) -> None:
    # Interrupted bulk work resumes without duplicates or gaps: repeating the
    # whole call sends only what is missing.
    b = await market.batch(n_items=40, redundancy=2)
    w = await market.worker()
    assert await w.accept_tasks(b.address, range(15)) == list(range(15))  # "crash" here
    w.receipts.clear()
    assert await w.accept_tasks(b.address, range(40)) == list(range(40))
    accepted_now = sum(len(r.events) for r in w.receipts)
    assert accepted_now == 25
    await w.submit_results(b.address, [(i, bytes(32)) for i in range(10)])
    await w.submit_results(b.address, [(i, bytes(32)) for i in range(40)])
    b = await w.get_batch(b.address)
    assert b.completed_count == 40  # each item paid exactly once
    w.receipts.clear()
    await w.submit_results(b.address, [(i, bytes(32)) for i in range(40)])  # all done: no-op
    assert w.receipts == []
    ledger = await w.get_ledger(b.address, w.address)
    assert ledger.taken == 40 and ledger.active == 0


async def test_growing_the_bitmap_keeps_existing_slots(market: Market) -> None:
    b = await market.batch(n_items=10)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 5])
    await w.submit_results(b.address, [(5, b"\x05" * 32)])
    before = await w.get_ledger(b.address, w.address)
    await market.requester.add_tasks(b.address, item_hashes(600))
    assert await w.accept_tasks(b.address, [590]) == [590]
    after = await w.get_ledger(b.address, w.address)
    assert after.bitmap_bytes == 96 > before.bitmap_bytes
    assert after.used[:2] == before.used[:2]
    assert after.holds(0) and after.holds(5) and after.holds(590) and not after.holds(1)
