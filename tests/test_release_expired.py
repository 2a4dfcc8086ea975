"""`release_expired`: anyone reopens lapsed reservations; the bond goes to the
requester (squatting costs something), escrow is refunded in a cancelled
batch, and live reservations cannot be touched."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.clients.agent import KeyAgent
from amplify_sdk.errors import (
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidOwner,
    ItemNotFound,
    NotInRoster,
    ReservationActive,
    Unauthorized,
    WorkerCapReached,
    WrongTable,
)
from amplify_sdk.protocol import config_pda, new_master_key
from conftest import report
from market import SIGNATURE_FEE, Market


async def test_release_expired_reopens_slots_and_forfeits_bonds(market: Market) -> None:
    bond = 2_000
    b = await market.batch(n_items=5, bond=bond, reservation_secs=60)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1, 2])
    stranger = await market.worker(register=False)
    # Before the deadline: refused, nothing moves.
    out = await stranger.release_expired(b.address, w.address, [0, 1])
    assert {type(o.error) for o in out} == {ReservationActive}
    market.backend.warp(61 + b.tick_secs)
    req_before = await market.requester.balance()
    out = await stranger.release_expired(b.address, w.address)  # all its expired ones
    assert sorted(o.item for o in out if o.ok) == [0, 1, 2]
    # Each lapsed reservation's bond went to the requester.
    assert await market.requester.balance() - req_before == 3 * bond
    b = await w.get_batch(b.address)
    assert b.reserved_count == 0 and b.forfeited_total == 3 * bond
    # The worker's items still count towards its cap (it saw them).
    assert (b.roster[0].taken, b.roster[0].active) == (3, 0)
    # Released items are open again, to other workers and to this one.
    assert sorted(await w.open_items(b.address)) == [0, 1, 2, 3, 4]
    other = await market.worker()
    assert all(o.ok for o in await other.accept_tasks(b.address, [0, 1, 2]))
    await market.assert_escrow_invariant(b.address)


async def test_release_expired_in_a_cancelled_batch_refunds_escrow(market: Market) -> None:
    price, bond = 50_000, 1_000
    b = await market.batch(n_items=4, price=price, bond=bond, reservation_secs=30)
    w = await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await market.requester.cancel_batch(b.address)
    market.backend.warp(31 + b.tick_secs)
    before = await market.requester.balance()
    out = await market.requester.release_expired(b.address, w.address)
    assert all(o.ok for o in out) and len(out) == 2
    assert (
        market.requester.last_receipt is not None
        and market.requester.last_receipt.fee == SIGNATURE_FEE
    )
    fee = SIGNATURE_FEE  # one signature (the receipt says so too)
    assert await market.requester.balance() - before == 2 * (price + bond) - fee
    b = await w.get_batch(b.address)
    # Two open slots refunded by the cancel, two more by the release.
    assert b.cancelled_slots == 4 and b.refunded_total == 4 * price
    await market.assert_escrow_invariant(b.address)


async def test_release_expired_reports_items_it_cannot_release(market: Market) -> None:
    b = await market.batch(n_items=4, reservation_secs=10)
    w, v = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await v.accept_tasks(b.address, [2])
    await w.submit_results(b.address, [(1, b"\x01")])
    market.backend.warp(11 + b.tick_secs)
    out = await market.requester.release_expired(b.address, w.address, [0, 1, 2, 3])
    got = [(o.item, o.ok, type(o.error).__name__ if o.error else None) for o in out]
    assert got == [
        (0, True, None),
        (1, False, "NotReserved"),  # completed
        (2, False, "NotReserved"),  # another worker's
        (3, False, "NotReserved"),  # open
    ]


async def test_release_expired_returns_the_bond_of_a_reservation_whose_key_never_came(
    market: Market,
) -> None:
    # docs/privacy.md: in an encrypted batch a lapsed reservation whose key
    # was never delivered is released with its bond returned but still counts
    # against the worker's cap; one whose key came forfeits its bond.
    bond = 1_000
    b = await market.batch(
        n_items=4, encrypted=True, per_worker_cap=3, bond=bond, reservation_secs=30
    )
    w = await market.worker()
    req = market.requester
    await w.accept_tasks(b.address, [0, 1, 2])
    await req.deliver_keys(b.address, w.address, [(0, bytes(32))])  # item 0's key only
    market.backend.warp(31 + b.tick_secs)
    stranger = await market.worker(register=False)
    balances = await market.balances(w.address, req.address)
    out = await stranger.release_expired(b.address, w.address)
    assert sorted(o.item for o in out if o.ok) == [0, 1, 2]
    (event,) = [e for e in stranger.last_receipt.events if e.name == "TasksReleased"]  # type: ignore[union-attr]
    assert (event.fields["forfeited"], event.fields["bond_returned"]) == (bond, 2 * bond)
    after = await market.balances(w.address, req.address)
    assert after[w.address] - balances[w.address] == 2 * bond  # items 1 and 2
    assert after[req.address] - balances[req.address] == bond  # item 0
    b = await w.get_batch(b.address)
    assert (b.roster[0].taken, b.roster[0].active) == (3, 0)
    assert b.forfeited_total == bond and b.reserved_count == 0
    await market.assert_escrow_invariant(b.address)
    # The cap (3) counts all three: an undelivered reservation is not free.
    out = await w.accept_tasks(b.address, [1, 2, 3])
    assert {type(o.error).__name__ for o in out} == {"WorkerCapReached"}


@pytest.mark.embedded_only  # to the second: a live node's clock also follows the wall clock
async def test_release_expired_lapses_the_second_after_the_deadline(market: Market) -> None:
    # docs/protocol.md: a reservation stands through created_at + tick ×
    # tick_secs and lapses after it; the deadline rounds up to a whole tick.
    b = await market.batch(n_items=2, reservation_secs=100, expires_in=30 * 86_400)
    span = 30 * 86_400 + 100
    assert b.tick_secs == -(-span // 65_535) > 1  # 40 s ticks: the rounding shows
    market.backend.warp(7)
    w = await market.worker()
    now = await w.now()
    await w.accept_tasks(b.address, [0, 1])
    tick = -(-(now - b.created_at + 100) // b.tick_secs)
    deadline = b.created_at + tick * b.tick_secs
    assert deadline >= now + 100
    (event,) = [e for e in w.last_receipt.events if e.name == "TasksAccepted"]  # type: ignore[union-attr]
    assert event.fields["deadline"] == deadline
    market.backend.warp(deadline - now)
    assert await w.now() == deadline
    out = await market.requester.release_expired(b.address, w.address, [0])
    assert type(out[0].error) is ReservationActive
    market.backend.warp(1)
    out = await market.requester.release_expired(b.address, w.address, [0, 1])
    assert [o.ok for o in out] == [True, True]


async def test_squatting_an_encrypted_batch_forfeits_once_keys_are_delivered(
    market: Market,
) -> None:
    # Bug class: free squatting (issue 16, bad-key squat: keys never delivered,
    # a squatter held 50 items across 4 periods for 20,000 lamports of
    # signatures, forfeiting nothing). A key no box can be sealed to is now
    # refused at registration, so the key agent delivers to every reservation
    # and each lapse forfeits its bond like any other.
    bond, secs = 1_000, 600
    b = await market.batch(n_items=50, bond=bond, encrypted=True, reservation_secs=secs)
    squatter = await market.worker()
    agent = KeyAgent(market.requester, {b.address: new_master_key()})
    spent, forfeited = 0, 0
    for _ in range(4):
        before = await squatter.balance()
        assert all(o.ok for o in await squatter.accept_tasks(b.address, range(50)))
        assert await agent.catch_up() == 50  # what a running agent does within a confirmation
        market.backend.warp(secs + b.tick_secs + 1)
        spent += before - await squatter.balance()
        out = await market.requester.release_expired(b.address, squatter.address)
        assert sum(o.ok for o in out) == 50
        receipt = market.requester.last_receipt
        assert receipt is not None
        (event,) = [e for e in receipt.events if e.name == "TasksReleased"]
        forfeited += event.fields["forfeited"]
        assert event.fields["bond_returned"] == 0
    assert spent == 4 * (SIGNATURE_FEE + 50 * bond)
    assert forfeited == (await market.requester.get_batch(b.address)).forfeited_total == 200 * bond
    report("encrypted squat, 50 items x 4 periods: the squatter's cost", spent)
    await market.assert_escrow_invariant(b.address)


async def test_a_requester_withholding_keys_takes_no_bond(market: Market) -> None:
    # Bug class: bond harvesting (a requester that never delivers keys would
    # take the bond of every reservation it let lapse: why an undelivered
    # reservation returns its bond). It still counts against the worker's cap,
    # so it does not come back free either.
    bond = 3_000
    b = await market.batch(
        n_items=4, bond=bond, encrypted=True, per_worker_cap=3, reservation_secs=60
    )
    w = await market.worker()
    assert all(o.ok for o in await w.accept_tasks(b.address, [0, 1, 2]))
    market.backend.warp(61 + b.tick_secs)
    req_before, w_before = await market.requester.balance(), await w.balance()
    out = await market.requester.release_expired(b.address, w.address)
    assert sum(o.ok for o in out) == 3
    assert await market.requester.balance() - req_before == -SIGNATURE_FEE
    assert await w.balance() - w_before == 3 * bond
    after = await w.get_batch(b.address)
    assert after.forfeited_total == 0
    assert (after.roster[0].taken, after.roster[0].active) == (3, 0)
    assert {type(o.error) for o in await w.accept_tasks(b.address, [0, 3])} == {WorkerCapReached}
    await market.assert_escrow_invariant(b.address)


async def test_fail_release_expired_with_a_worker_whose_place_passed_on(market: Market) -> None:
    # Bug class: stale roster entry (releasing, and forfeiting, the newcomer's
    # live reservation by naming the worker whose place it took).
    b = await market.batch(n_items=3, roster_capacity=1, reservation_secs=60)
    a, c = await market.worker(), await market.worker()
    await a.accept_tasks(b.address, [0])
    market.backend.warp(61 + b.tick_secs)
    await c.accept_tasks(b.address, [1])
    t = market.table(b)
    ix = instructions.release_expired(b.address, t, b.requester, a.address, [0, 1])
    async with market.lamports(a.address, c.address, b.address, t) as bal:
        with pytest.raises(NotInRoster):
            await market.requester.send([ix])
        await bal.assert_unchanged()
    out = await market.requester.release_expired(b.address, c.address, [1])
    assert type(out[0].error) is ReservationActive


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=4, bond=500, reservation_secs=60)
    other = await market.batch(n_items=2, salt=b"other")
    w, late = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    market.backend.warp(61 + b.tick_secs)
    await late.accept_tasks(b.address, [2])  # still live
    payer = await market.other_requester()  # anyone releases
    ix = instructions.release_expired(b.address, market.table(b), b.requester, w.address, [0, 1])
    scene = {"b": b, "other": other, "w": w, "late": late}
    return Attack(market, ix, [], payer, [late.address], scene)


async def test_release_expired_pays_the_bonds_to_the_requester(attack: Attack) -> None:
    req = attack.key("requester")
    before = await attack.snapshot([req])
    await attack.expect_ok()
    after = await attack.snapshot([req])
    assert after[req][0] - before[req][0] == 2 * 500
    await attack.market.assert_escrow_invariant(attack.key("batch"))


async def test_fail_release_expired_with_the_bond_sent_elsewhere(attack: Attack) -> None:
    # Bug class: substituted destination (forfeited bonds paid to the caller).
    thief = Keypair().pubkey()
    await attack.market.backend.airdrop(thief, 10**9)
    await attack.substituted(
        [
            ("requester", thief, Unauthorized),
            ("requester", attack.scene["late"].address, Unauthorized),
            ("worker", thief, NotInRoster),
            ("worker", attack.key("requester"), NotInRoster),
            ("table", attack.market.table(attack.scene["other"]), WrongTable),
        ]
    )
    await attack.expect_ok()


async def test_fail_release_expired_with_item_extremes(attack: Attack) -> None:
    # Bug class: u32 extremes (the whole request fails, nothing released).
    await attack.arguments(
        [
            ({"items": []}, EmptyTaskList),
            ({"items": [2**32 - 1]}, ItemNotFound),
            ({"items": [0, 4]}, ItemNotFound),
        ]
    )


async def test_fail_release_expired_with_the_deadline_ahead(attack: Attack) -> None:
    # Bug class: time-window bypass (a live reservation taken from its
    # worker). Refused per item: the transaction lands and changes nothing.
    late = attack.scene["late"]
    ix = instructions.release_expired(
        attack.key("batch"), attack.key("table"), attack.key("requester"), late.address, [2]
    )
    before = await attack.snapshot([attack.key("table"), late.address])
    await attack.expect_ok(ix)
    assert await attack.snapshot([attack.key("table"), late.address]) == before
    (event,) = attack.payer.receipts[-1].events
    assert event.fields["refused"] == [{"item": 2, "code": ReservationActive.code}]


async def test_fail_release_expired_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("table", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_release_expired_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged table with lapsed reservations).
    await attack.other_owner(["batch", "table"], InvalidOwner)


async def test_fail_release_expired_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
            ("batch", "requester", Unauthorized),
            ("batch", "worker", NotInRoster),
            ("requester", "worker", NotInRoster),
        ]
    )


async def test_fail_release_expired_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_release_expired_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_release_expired_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_release_expired_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_release_expired_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_release_expired_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_release_expired_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_release_expired_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()
