"""`set_batch_paused`: the requester stops and resumes acceptances."""

from __future__ import annotations

import pytest

from amplify_sdk import BatchCancelled, BatchPaused, BatchStatus, Unauthorized, instructions
from market import Market


async def test_pause_stops_acceptances_not_payments(market: Market) -> None:
    b = await market.batch(n_items=3)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    req = market.requester
    await req.set_batch_paused(b.address, True)
    assert [e.fields for e in req.last_receipt.events] == [  # type: ignore[union-attr]
        {"batch": b.address, "paused": True}
    ]
    assert (await req.get_batch(b.address)).status == BatchStatus.PAUSED
    with pytest.raises(BatchPaused):
        await w.accept_tasks(b.address, [1])
    assert (await w.submit_results(b.address, [(0, b"\x01")]))[0].ok
    await req.set_batch_paused(b.address, False)
    assert (await w.accept_tasks(b.address, [1]))[0].ok


async def test_fail_set_batch_paused(market: Market) -> None:
    b = await market.batch(n_items=1)
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([instructions.set_batch_paused(stranger.address, b.address, True)])
    await market.requester.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await market.requester.set_batch_paused(b.address, False)
