"""Cancellation, fee sweeps, closing everything, pauses and registration: the
lamports in equal the lamports out, exactly."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from amplify_sdk import (
    AlreadyExists,
    BatchActive,
    BatchCancelled,
    InvalidAccountData,
    LedgerActive,
    LedgerTooLarge,
    PagesOutstanding,
    ReservationsOutstanding,
    Unauthorized,
    WrongBatch,
    WrongRentPayer,
    config_pda,
    instructions,
    ledger_address,
    page_pda,
    treasury_pda,
    worker_profile_pda,
)
from market import SIGNATURE_FEE, SOL, Market, item_hashes, swap

PRICE = 40_000


async def test_cancel_refunds_open_slots_and_uncommitted_deposit(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=10, price=PRICE, redundancy=2)
    await req.fund_batch(b.address, 12_345)  # deposit never committed to items
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await w.submit_results(b.address, [(0, b"\x01" * 32)])
    before = await market.backend.get_balance(req.address)
    await req.cancel_batch(b.address)
    open_slots = 10 * 2 - 3
    fee = req.last_receipt.fee if req.last_receipt else 0
    assert (
        await market.backend.get_balance(req.address) == before + open_slots * PRICE + 12_345 - fee
    )
    b = await req.get_batch(b.address)
    assert (b.cancelled_slots, b.reserved_count, b.escrow) == (open_slots, 2, 2 * PRICE)
    await market.assert_escrow_invariant(b.address)
    with pytest.raises(BatchCancelled):
        await req.cancel_batch(b.address)


async def test_fail_cancel_by_a_stranger(market: Market) -> None:
    b = await market.batch(n_items=2)
    stranger = Keypair()
    await market.backend.airdrop(stranger.pubkey(), SOL)
    async with market.lamports(b.address) as lamports:
        with pytest.raises(Unauthorized):
            await market.requester.with_wallet(stranger).send(
                [instructions.cancel_batch(stranger.pubkey(), b.address)]
            )
        await lamports.assert_unchanged()


async def test_sweep_moves_exactly_the_accrued_fees(market: Market) -> None:
    b = await market.batch(n_items=4, price=PRICE)
    w = await market.worker()
    await w.accept_tasks(b.address, range(4))
    await w.submit_results(b.address, [(i, b"\x01" * 32) for i in range(4)])
    treasury = treasury_pda()[0]
    before = await market.backend.get_balance(treasury)
    await w.sweep_fees(b.address)  # anyone may
    fee = PRICE * 500 // 10_000
    assert await market.backend.get_balance(treasury) == before + 4 * fee
    assert (await w.get_treasury()).total_collected == 4 * fee
    assert (await w.get_batch(b.address)).fees_accrued == 0
    await w.sweep_fees(b.address)  # nothing left: a no-op
    assert await market.backend.get_balance(treasury) == before + 4 * fee
    await market.assert_escrow_invariant(b.address)


async def test_fail_sweep_into_a_fake_treasury(market: Market) -> None:
    # Bug class: substituted destination (fees swept to the attacker's account).
    b = await market.batch(n_items=1)
    ix = swap(instructions.sweep_fees(b.address), "treasury", config_pda()[0])
    with pytest.raises(InvalidAccountData):
        await market.requester.send([ix])


async def test_everything_closes_and_every_lamport_returns(market: Market) -> None:
    req = market.requester
    workers = [await market.worker() for _ in range(2)]
    req_before = await market.backend.get_balance(req.address)
    w_before = [await market.backend.get_balance(w.address) for w in workers]
    req.receipts.clear()
    for w in workers:
        w.receipts.clear()
    b = await market.batch(n_items=300, price=PRICE, redundancy=2, expires_in=1_000)
    for k, w in enumerate(workers):
        await w.accept_tasks(b.address, range(0, 300, 3))
        await w.submit_results(b.address, [(i, bytes([k]) * 32) for i in range(0, 300, 3)])
    with pytest.raises(BatchActive):
        await req.close_batch(b.address)
    market.backend.warp(1_000)
    await workers[0].close_ledger(b.address, workers[0].address)
    await req.close_ledger(b.address, workers[1].address)  # anyone may; rent to its payer
    await req.close_batch(b.address)
    for a in [
        b.address,
        page_pda(b.address, 0)[0],
        page_pda(b.address, 1)[0],
        ledger_address(workers[0].address, b.batch_number),
    ]:
        assert await market.backend.get_account(a) is None
    done = 100 * 2
    fee = PRICE * 500 // 10_000
    req_fees = sum(r.fee for r in req.receipts) + SIGNATURE_FEE  # + the refused close
    # Requester: paid price for each completed slot, got the rest of its escrow back.
    assert await market.backend.get_balance(req.address) == req_before - done * PRICE - req_fees
    for w, before in zip(workers, w_before, strict=True):
        fees = sum(r.fee for r in w.receipts)
        assert await market.backend.get_balance(w.address) == before + 100 * (PRICE - fee) - fees


async def test_fail_close_with_outstanding_work(market: Market) -> None:
    req = market.requester
    b = await market.batch(n_items=2, expires_in=100)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    market.backend.warp(100)
    with pytest.raises(ReservationsOutstanding):
        await req.send([instructions.close_page(req.address, b.address, 0)])
    with pytest.raises(LedgerActive):
        await req.close_ledger(b.address, w.address)
    await w.submit_results(b.address, [(0, b"\x01" * 32)])
    with pytest.raises(PagesOutstanding):
        await req.send([instructions.close_batch(req.address, b.address)])
    ledger = await w.get_ledger(b.address, w.address)
    with pytest.raises(WrongRentPayer):  # rent must return to whoever paid it
        await req.send([instructions.close_ledger(ledger.address, b.address, req.address)])
    await req.close_batch(b.address)
    await req.close_ledger(b.address, w.address)


async def test_fail_close_page_of_a_running_batch(market: Market) -> None:
    b = await market.batch(n_items=1)
    with pytest.raises(BatchActive):
        await market.requester.send(
            [instructions.close_page(market.requester.address, b.address, 0)]
        )


async def test_pauses_are_admin_and_requester_only(market: Market) -> None:
    b = await market.batch(n_items=1)
    stranger = market.requester.with_wallet(Keypair())
    await market.backend.airdrop(stranger.address, SOL)
    with pytest.raises(Unauthorized):
        await stranger.set_paused(True)
    with pytest.raises(Unauthorized):
        await stranger.set_batch_paused(b.address, True)
    assert (await stranger.get_config()).paused is False


async def test_register_worker_once(market: Market) -> None:
    w = await market.worker()
    p = await w.get_worker_profile(w.address)
    assert (p.worker, p.rating, p.rating_count, p.encryption_key) == (
        w.address,
        0,
        0,
        bytes(w.address),
    )
    assert p.address == worker_profile_pda(w.address)[0]
    with pytest.raises(AlreadyExists):
        await w.register_worker(b"\x01" * 32)


async def test_ledger_open_and_grow_limits(market: Market) -> None:
    b = await market.batch(n_items=10)
    w = await market.worker()
    ix = instructions.open_ledger(w.address, b.address, b.batch_number, 100)  # > 10 KiB
    with pytest.raises(LedgerTooLarge):
        await w.send([ix])
    ledger = await w.ensure_ledger(b.address, 200)  # opened, then grown in steps
    assert ledger.capacity >= 200 and ledger.bitmap_bytes == 32
    other = await market.worker()
    grow = instructions.grow_ledger(other.address, b.address, ledger.address, 1)
    with pytest.raises(WrongRentPayer):
        await other.send([grow])
    await market.requester.add_tasks(b.address, item_hashes(600))
    ledger = await w.ensure_ledger(b.address, 0)
    assert ledger.bitmap_bytes == 96 and len(ledger.slots) == ledger.capacity
    assert [s.item_index for s in ledger.used] == []


async def test_a_batch_recreated_at_the_same_address_does_not_accept_old_ledgers(
    market: Market,
) -> None:
    # Bug class: stale record reuse. After a batch is closed and created again with
    # the same id (same address), a worker's old ledger must not count as a
    # ledger of the new batch (it would be a second one: the same item twice).
    req = market.requester
    old = await market.batch(n_items=2, batch_id=77, expires_in=10)
    w = await market.worker()
    await w.accept_tasks(old.address, [0])
    await w.submit_results(old.address, [(0, b"\x01" * 32)])
    market.backend.warp(10)
    await req.close_batch(old.address)
    new = await market.batch(n_items=2, batch_id=77)
    assert new.address == old.address and new.batch_number != old.batch_number
    stale = ledger_address(w.address, old.batch_number)
    ix = instructions.accept_task(w.address, new.address, new.batch_number, 1)
    with pytest.raises(WrongBatch):
        await w.send([swap(ix, "ledger", stale)])
    # The stale ledger can be closed although a live batch sits at its address.
    await req.send([instructions.close_ledger(stale, new.address, w.address)])
    assert await w.accept_tasks(new.address, [0, 1]) == [0, 1]


async def test_a_prefunded_ledger_address_does_not_block_the_worker(market: Market) -> None:
    # Bug class: creation DoS (lamports sent to the ledger address before it exists).
    b = await market.batch(n_items=2)
    w = await market.worker()
    await market.backend.airdrop(ledger_address(w.address, b.batch_number), 1_000_000)
    assert await w.accept_tasks(b.address, [0, 1]) == [0, 1]
    ledger = await w.get_ledger(b.address, w.address)
    assert await market.backend.get_balance(ledger.address) == await market.rent(ledger.address)
