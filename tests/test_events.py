"""Every event in the IDL is emitted by the program with exactly the IDL's
layout (decoding is strict: a byte too many or too few fails), and only
events our program logs are decoded."""

from __future__ import annotations

import base64
from pathlib import Path

from amplify_sdk import PROGRAM_ID, instructions
from amplify_sdk.protocol import load_idl, worker_profile_pda
from amplify_sdk.protocol._codecs import events_from_logs
from amplify_sdk.storage import LocalStore
from market import Market


async def test_every_idl_event_is_emitted_and_decodes(market: Market, tmp_path: Path) -> None:
    req = market.requester
    w = await market.worker()  # WorkerRegistered
    b = await market.batch(n_items=3, reservation_secs=10, expires_in=100, encrypted=True)
    # BatchCreated, TableInitialized, TasksAdded
    await req.set_batch_paused(b.address, True)  # BatchPauseChanged
    await req.set_batch_paused(b.address, False)
    await w.accept_tasks(b.address, [0, 1])  # TasksAccepted
    await req.deliver_keys(b.address, w.address, [(0, bytes(32))])  # KeysDelivered
    await w.submit_results(b.address, [(0, b"\x01")])  # ResultsSubmitted
    await req.rate_assignments(b.address, [(0, w.address, 3)])  # WorkerRated (rate_worker)
    after_first = (await req.get_worker_profile(w.address)).rating
    market.backend.warp(11 + b.tick_secs)
    await req.release_expired(b.address, w.address)  # TasksReleased
    await req.sweep_fees(b.address)  # FeesSwept
    await market.admin.set_paused(True)  # PauseChanged
    await market.admin.set_paused(False)
    await req.cancel_batch(b.address)  # BatchCancelled
    await req.close_batch(b.address)  # BatchClosed
    solo = await market.batch(n_items=2, roster_capacity=1, salt=b"solo")
    await w.accept_tasks(solo.address, [0])
    await w.submit_results(solo.address, [(0, b"\x01")])
    # AssignmentRated: the SDK sends rate_worker; rate_assignments is sent as
    # built from the IDL (w is the solo batch's only worker: roster index 0,
    # its profile the first remaining account).
    profile = worker_profile_pda(w.address)[0]
    table = market.table(solo)
    rating = instructions.rate_assignments(
        req.address, solo.address, table, [(0, 0, 4, 0)], [profile]
    )
    await req.send([rating])  # AssignmentRated
    after_second = (await req.get_worker_profile(w.address)).rating
    newcomer = await market.worker()
    await newcomer.accept_tasks(solo.address, [1])  # RosterPlaceReused: w held nothing
    store = LocalStore(tmp_path / "skills")
    skill = await req.create_skill("events")
    await req.set_skill(skill.address, {w.address: 80}, store)  # SkillSet
    gated = await market.batch(n_items=1, salt=b"gated")
    await req.require_skills(gated.address, [(skill.address, 50)])  # SkillsRequired
    assert (await w.accept_tasks(gated.address, [0], store=store))[0].ok
    settled = await market.batch(n_items=1, salt=b"settled")
    await req.settle_items(settled.address, [0])  # ItemsSettled
    receipts = req.receipts + w.receipts + newcomer.receipts + market.admin.receipts
    seen: dict[str, dict[str, object]] = {}
    for r in receipts:
        for e in r.events:
            seen.setdefault(e.name, e.fields)
    # Governance events are emitted and decoded in tests/test_governance.py.
    governance = {
        "GovernanceInitialized",
        "Staked",
        "RewardsClaimed",
        "ProposalCreated",
        "VoteCast",
        "ProposalExecuted",
        "EmissionsClaimed",
    }
    assert set(load_idl().event_discriminators) - governance == set(seen)
    assert seen["TasksReleased"]["items"] == [1]
    assert seen["BatchCancelled"]["slots"] == 2  # items 1 (released) and 2 (never taken)
    assert seen["WorkerRegistered"]["worker"] == w.address
    # One item paid: its fee, 5% of the price rounded up (not the batch's own field).
    fee = -(-b.price * 500 // 10_000)
    assert seen["FeesSwept"]["amount"] == fee
    assert seen["TableInitialized"]["capacity"] == 3
    assert seen["SkillSet"]["worker_count"] == 1 and seen["SkillsRequired"]["count"] == 1
    # The requester's first rating: it has no habits yet (its mean is neutral),
    # so the rating weighs the fee the work paid, up to max_weight_per_rating.
    cap = (await req.get_config()).reputation.max_weight_per_rating
    assert seen["WorkerRated"] == {
        "batch": b.address,
        "worker": w.address,
        "ratings": [{"item": 0, "stars": 3}],
        "weight": min(fee, cap),
        "rating": after_first,
    }
    rated = seen["AssignmentRated"]
    assert (rated["batch"], rated["item_index"], rated["worker"], rated["stars"]) == (
        solo.address,
        0,
        w.address,
        4,
    )
    assert rated["rating"] == after_second
    assert seen["RosterPlaceReused"] == {
        "batch": solo.address,
        "index": 0,
        "previous": w.address,
        "worker": newcomer.address,
    }


def test_events_of_other_programs_are_not_decoded() -> None:
    # Bug class: forged events. Another program logging our discriminator and a
    # valid body is not taken for our event; neither is a truncated body.
    disc = load_idl().event_discriminators["PauseChanged"]
    forged = "Program data: " + base64.b64encode(disc + b"\x01").decode()
    other = "11111111111111111111111111111111"
    logs = [f"Program {other} invoke [1]", forged, f"Program {other} success"]
    assert events_from_logs(logs) == []
    ours = [f"Program {PROGRAM_ID} invoke [1]", forged, f"Program {PROGRAM_ID} success"]
    assert events_from_logs(ours) == [("PauseChanged", {"paused": True})]
    truncated = "Program data: " + base64.b64encode(disc).decode()
    assert events_from_logs([f"Program {PROGRAM_ID} invoke [1]", truncated]) == []
