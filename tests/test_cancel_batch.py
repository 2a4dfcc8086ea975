"""`cancel_batch`: refunds every open slot and any uncommitted deposit at once;
reserved slots stay payable."""

from __future__ import annotations

import pytest

from amplify_sdk import BatchCancelled, BatchStatus, MissingSigner, Unauthorized, instructions
from market import Market, swap


async def test_cancel_batch_refunds_open_slots_only(market: Market) -> None:
    price, bond, redundancy, n = 20_000, 1_000, 2, 5
    b = await market.batch(n_items=n, price=price, bond=bond, redundancy=redundancy)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    await w.submit_results(b.address, [(0, b"\x01")])
    req = market.requester
    before = await req.balance()
    await req.cancel_batch(b.address)
    fee = req.last_receipt.fee if req.last_receipt else 0
    # 10 slots: 1 completed, 2 reserved, 7 open -> 7 refunded.
    assert await req.balance() - before == 7 * price - fee
    b = await req.get_batch(b.address)
    assert b.status == BatchStatus.CANCELLED and b.cancelled_slots == 7
    assert b.cancelled_at == await req.now()
    (event,) = [e for e in req.last_receipt.events if e.name == "BatchCancelled"]  # type: ignore[union-attr]
    assert event.fields == {"batch": b.address, "slots": 7, "refunded": 7 * price}
    # Reserved work is still paid.
    out = await w.submit_results(b.address, [(1, b"\x01"), (2, b"\x01")])
    assert all(o.ok for o in out)
    await market.assert_escrow_invariant(b.address)
    with pytest.raises(BatchCancelled):
        await req.cancel_batch(b.address)


async def test_cancel_batch_returns_an_uncommitted_deposit(market: Market) -> None:
    b = await market.batch(n_items=2, price=1_000)
    await market.backend.airdrop(b.address, 12_345)
    before = await market.requester.balance()
    await market.requester.cancel_batch(b.address)
    fee = market.requester.last_receipt.fee if market.requester.last_receipt else 0
    assert await market.requester.balance() - before == 2 * 1_000 + 12_345 - fee


async def test_fail_cancel_batch_by_anyone_else(market: Market) -> None:
    b = await market.batch(n_items=2)
    stranger = await market.other_requester()
    async with market.lamports(b.address) as bal:
        with pytest.raises(Unauthorized):
            await stranger.send([instructions.cancel_batch(stranger.address, b.address)])
        forged = swap(instructions.cancel_batch(b.requester, b.address), "requester", signer=False)
        with pytest.raises(MissingSigner):
            await stranger.send([forged])
        await bal.assert_unchanged()
