"""`release_expired` and `rate_assignment`."""

from __future__ import annotations

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair

from amplify_sdk import (
    AlreadyRated,
    InvalidStars,
    NotReserved,
    NotSubmitted,
    ReservationActive,
    SlotStatus,
    Unauthorized,
    WrongWorker,
    instructions,
    ledger_address,
    worker_profile_pda,
)
from market import SOL, Market, swap


async def test_release_after_deadline_reopens_the_slot(market: Market) -> None:
    b = await market.batch(n_items=1, redundancy=1, reservation_secs=300)
    w, later = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0])
    with pytest.raises(ReservationActive):
        await later.release_expired(b.address, w.address, 0)
    market.backend.warp(301)
    async with market.lamports(b.address) as lamports:
        await later.release_expired(b.address, w.address, 0)  # anyone may
        await lamports.assert_unchanged()
    ledger = await w.get_ledger(b.address, w.address)
    assert (ledger.used[0].status, ledger.active, ledger.taken) == (SlotStatus.RELEASED, 0, 1)
    assert (await w.get_batch(b.address)).reserved_count == 0
    assert await later.accept_tasks(b.address, [0]) == [0]
    # The released worker can no longer be paid for it (on chain, not just in the SDK).
    ix = instructions.submit_result(w.address, b.address, b.batch_number, 0, 0, b"\x01" * 32)
    with pytest.raises(NotReserved):
        await w.send([ix])
    with pytest.raises(ValueError, match="does not hold"):
        await w.submit_results(b.address, [(0, b"\x01" * 32)])


async def test_release_in_a_cancelled_batch_refunds_the_requester(market: Market) -> None:
    b = await market.batch(n_items=2, price=7_000, reservation_secs=10)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await market.requester.cancel_batch(b.address)
    market.backend.warp(11)
    before = await market.backend.get_balance(market.requester.address)
    await w.release_expired(b.address, w.address, 0)
    assert await market.backend.get_balance(market.requester.address) == before + 7_000
    b = await w.get_batch(b.address)
    assert (b.escrow, b.cancelled_slots, b.refunded_total) == (0, 2, 14_000)
    await market.assert_escrow_invariant(b.address)


async def test_fail_release_with_another_requester_account(market: Market) -> None:
    # Bug class: redirecting a refund to oneself.
    b = await market.batch(n_items=1, reservation_secs=1)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    market.backend.warp(2)
    ledger = await w.get_ledger(b.address, w.address)
    ix = instructions.release_expired(b.address, ledger.address, 0, 0, w.address)
    with pytest.raises(Unauthorized):
        await w.send([ix])


async def test_rating_updates_the_running_mean(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await w.submit_results(b.address, [(i, bytes([i]) * 32) for i in range(3)])
    await market.requester.rate_many(b.address, [(0, w.address, 5), (1, w.address, 2)])
    p = await w.get_worker_profile(w.address)
    assert (p.rating, p.rating_count, p.rating_sum) == (3_500, 2, 7_000)
    ledger = await w.get_ledger(b.address, w.address)
    assert [(s.status, s.rating) for s in ledger.used] == [
        (SlotStatus.RATED, 5),
        (SlotStatus.RATED, 2),
        (SlotStatus.SUBMITTED, 0),
    ]
    ev = market.requester.last_receipt.events[-1] if market.requester.last_receipt else None
    assert ev is not None and ev.fields["rating"] == 3_500


@pytest.mark.parametrize(
    "case", ["twice", "before-submit", "zero-stars", "six-stars", "stranger", "wrong-profile"]
)
async def test_fail_rate_assignment(market: Market, case: str) -> None:
    b = await market.batch(n_items=2)
    w, other = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await w.submit_results(b.address, [(0, b"\x01" * 32)])
    ledger = ledger_address(w.address, b.batch_number)
    req = market.requester
    slot, sender = 0, req

    def ix_for(slot: int, stars: int) -> Instruction:
        return instructions.rate_assignment(req.address, b.address, ledger, w.address, slot, stars)

    if case == "twice":
        await req.rate(b.address, 0, w.address, 4)
        ix, error = ix_for(0, 4), AlreadyRated
    elif case == "before-submit":
        ix, error = ix_for(1, 4), NotSubmitted
    elif case == "zero-stars":
        ix, error = ix_for(slot, 0), InvalidStars
    elif case == "six-stars":
        ix, error = ix_for(slot, 6), InvalidStars
    elif case == "stranger":
        # Bug class: someone other than the requester rates (e.g. the worker itself).
        stranger = Keypair()
        await market.backend.airdrop(stranger.pubkey(), SOL)
        sender = req.with_wallet(stranger)
        ix = instructions.rate_assignment(stranger.pubkey(), b.address, ledger, w.address, 0, 5)
        error = Unauthorized
    else:
        ix, error = swap(ix_for(0, 1), "profile", worker_profile_pda(other.address)[0]), WrongWorker
    before = await w.get_worker_profile(w.address)
    with pytest.raises(error):
        await sender.send([ix])
    after = await w.get_worker_profile(w.address)
    assert after == before
