"""Roster places: a place in a batch's roster is a worker's while it holds
something there (a live reservation, work awaiting payment or a rating); once
it holds nothing, the next worker `accept_tasks` admits takes it over. Throwaway
identities cannot keep newcomers out for less than a bond per place per
reservation period, and a place never passes on with work still naming it."""

from __future__ import annotations

import pytest

from amplify_sdk import instructions
from amplify_sdk.errors import AlreadyAccepted, RosterFull
from conftest import report
from market import SIGNATURE_FEE, Market


@pytest.mark.embedded_only  # 66 wallets: the scene is under test, not the transport
async def test_lapsed_identities_cannot_lock_new_workers_out_of_the_roster(
    market: Market,
) -> None:
    # Bug class: denial of service by throwaway identities (issue 16, roster
    # exhaustion: 64 identities each reserving one item and letting it lapse,
    # 384,000 lamports in all, locked every new worker out of a 1,000-item
    # batch for its life; grow_roster costs the requester 292,320 per place).
    price, bond = 10_000, 1_000
    b = await market.batch(n_items=1_000, price=price, bond=bond)
    assert b.roster_capacity == 64  # the SDK's default
    squatters = [await market.worker() for _ in range(64)]
    spent = 0
    for n, s in enumerate(squatters):
        before = await s.balance()
        assert (await s.accept_tasks(b.address, [n]))[0].ok
        spent += before - await s.balance()
    assert spent == 64 * (SIGNATURE_FEE + bond) == 384_000
    newcomers = [await market.worker() for _ in range(2)]
    # While their reservations run the places are theirs.
    with pytest.raises(RosterFull):
        await newcomers[0].accept_tasks(b.address, [100])
    market.backend.warp(b.reservation_secs + b.tick_secs + 1)

    # Lapsed: a newcomer's acceptance releases one squatter's reservation (its
    # bond to the requester) and takes the place it held, in one transaction
    # of one signature: getting in costs the newcomer nothing extra.
    first = newcomers[0]
    req_before, before = await market.requester.balance(), await first.balance()
    assert all(o.ok for o in await first.accept_tasks(b.address, [100, 101]))
    extra = before - await first.balance() - (SIGNATURE_FEE + 2 * bond)
    assert extra == 0
    assert await market.requester.balance() - req_before == bond
    receipt = first.last_receipt
    assert receipt is not None and receipt.fee == SIGNATURE_FEE  # one signature
    (reused,) = [e for e in receipt.events if e.name == "RosterPlaceReused"]
    index = reused.fields["index"]
    assert reused.fields["previous"] == squatters[index].address
    assert reused.fields["worker"] == first.address
    after = await first.get_batch(b.address)
    assert after.roster_len == 64 and after.roster_index(first.address) == index
    assert after.roster_index(squatters[index].address) is None
    assert (after.roster[index].taken, after.roster[index].active) == (2, 2)

    # To keep the others out the squatters must hold a live reservation on
    # every place at every moment: each pays a new bond and signature per
    # reservation period, and every lapsed bond goes to the requester.
    refresh = 0
    for n, s in enumerate(squatters):
        if s.address == reused.fields["previous"]:
            continue
        before = await s.balance()
        assert (await s.accept_tasks(b.address, [200 + n]))[0].ok
        refresh += before - await s.balance()
    assert refresh == 63 * (SIGNATURE_FEE + bond)
    with pytest.raises(RosterFull):
        await newcomers[1].accept_tasks(b.address, [300])
    market.backend.warp(b.reservation_secs + b.tick_secs + 1)
    assert all(o.ok for o in await newcomers[1].accept_tasks(b.address, [300]))
    periods = (b.expires_at - b.created_at) // b.reservation_secs
    rent_per_place = await market.backend.minimum_balance(42)
    rent_per_place -= await market.backend.minimum_balance(0)
    # docs/protocol.md's figures for this scene: a 7-day batch, hour-long reservations.
    assert (periods, rent_per_place) == (168, 292_320)
    assert periods * 64 * (SIGNATURE_FEE + bond) == 64_512_000
    assert periods * 64 * bond == 10_752_000
    report("roster exhaustion: squatters' cost per reservation period", 64 * (SIGNATURE_FEE + bond))
    report(
        f"roster exhaustion: to lock the batch for its life ({periods} periods)",
        periods * 64 * (SIGNATURE_FEE + bond),
    )
    report("roster exhaustion: a newcomer's extra cost to get in", extra)
    report("roster exhaustion: grow_roster per place (no longer needed)", rent_per_place)
    await market.assert_escrow_invariant(b.address)


async def test_a_place_passes_on_only_when_its_worker_holds_nothing(market: Market) -> None:
    # Bug class: misattribution (a place passed on while a slot or a rating
    # still names its worker would give that work to the newcomer).
    req = market.requester
    b = await market.batch(n_items=4, roster_capacity=1)
    a, c = await market.worker(), await market.worker()
    table = market.table(b)
    await a.accept_tasks(b.address, [0])
    raw = instructions.accept_tasks(c.address, b.address, table, [1])
    with pytest.raises(RosterFull):  # a live reservation
        await c.accept_tasks(b.address, [1])
    await a.submit_results(b.address, [(0, b"\x01")])
    entry = (await a.get_batch(b.address)).roster[0]
    assert (entry.worker, entry.active, entry.pending) == (a.address, 0, 1)
    for attempt in (c.accept_tasks(b.address, [1]), c.send([raw])):  # paid, not rated
        with pytest.raises(RosterFull):
            await attempt
    await req.rate_assignments(b.address, [(0, a.address, 4)])
    a_rated = await a.profile()

    out = await c.accept_tasks(b.address, [0, 1])
    # Item 0's completed slot names this place: it stays a's, never c's.
    assert [(o.ok, type(o.error)) for o in out] == [(False, AlreadyAccepted), (True, type(None))]
    assert c.last_receipt is not None
    (reused,) = [e for e in c.last_receipt.events if e.name == "RosterPlaceReused"]
    assert reused.fields == {
        "batch": b.address,
        "index": 0,
        "previous": a.address,
        "worker": c.address,
    }
    after = await c.get_batch(b.address)
    assert after.roster_index(a.address) is None
    entry = after.roster[0]
    assert (entry.worker, entry.taken, entry.active, entry.pending) == (c.address, 1, 1, 0)
    # c's work and rating are c's; a's profile does not move.
    await c.submit_results(b.address, [(1, b"\x02")])
    await req.rate_assignments(b.address, [(1, c.address, 2)])
    assert (await a.profile()).rating == a_rated.rating
    assert (await c.profile()).rating_count == 1
    await market.assert_escrow_invariant(b.address)
