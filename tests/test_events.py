"""Every event in the IDL is emitted by the program with exactly the IDL's layout
(decoding is strict: a byte too many or too few fails)."""

from __future__ import annotations

from amplify_sdk import load_idl
from market import Market


async def test_every_idl_event_is_emitted_and_decodes(market: Market) -> None:
    req = market.requester
    w = await market.worker()  # WorkerRegistered
    b = await market.batch(
        n_items=3, reservation_secs=10, expires_in=100
    )  # BatchCreated, TasksAdded
    await w.accept_tasks(b.address, [0, 1])  # TaskAccepted
    await w.submit_results(b.address, [(0, b"\x01" * 32)])  # ResultSubmitted
    await req.rate(b.address, 0, w.address, 3)  # AssignmentRated
    market.backend.warp(11)
    await w.release_expired(b.address, w.address, 1)  # TaskReleased
    await req.sweep_fees(b.address)  # FeesSwept
    await req.set_paused(True)  # PauseChanged
    await req.set_paused(False)
    await req.cancel_batch(b.address)  # BatchCancelled
    await w.close_ledger(b.address, w.address)
    await req.close_batch(b.address)  # BatchClosed
    seen = {e.name: e.fields for r in req.receipts + w.receipts for e in r.events}
    seen.update({e.name: e.fields for r in market.requester.receipts for e in r.events})
    # ProtocolInitialized was emitted by the fixture's initialize.
    assert set(load_idl().event_discriminators) == set(seen)
    assert seen["TaskReleased"] == {"batch": b.address, "item_index": 1, "worker": w.address}
    assert seen["BatchCancelled"]["slots"] == 2  # items 1 (released) and 2 (never taken)
    assert seen["PauseChanged"] == {"paused": False}
    assert seen["WorkerRegistered"]["worker"] == w.address
    assert seen["FeesSwept"]["amount"] == b.fee_per_item
