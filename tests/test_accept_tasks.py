"""`accept_tasks`: bulk reservation, per-item outcomes, worker-level refusals,
and every way to pass it the wrong accounts or data."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from skills import skill_scene
from solders.account import Account
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack
from amplify_sdk import (
    PROGRAM_ID,
    InsufficientFundsError,
    NotRegisteredError,
    ProgramError,
    instructions,
)
from amplify_sdk.errors import (
    ActiveLimitReached,
    BatchCancelled,
    BatchExpired,
    BatchPaused,
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidEncryptionKey,
    InvalidInstructionData,
    InvalidOwner,
    InvalidProgramAccount,
    ItemFull,
    ItemNotFound,
    ProtocolPaused,
    RatingTooLow,
    RosterFull,
    SkillProofRequired,
    WorkerCapReached,
    WrongTable,
    WrongWorker,
)
from amplify_sdk.protocol import (
    config_pda,
    load_idl,
    requester_profile_pda,
    treasury_pda,
    worker_profile_pda,
)
from conftest import report
from market import SIGNATURE_FEE, Market, swap, with_data


async def test_accept_tasks_reserves_each_item_and_takes_the_bond(market: Market) -> None:
    b = await market.batch(n_items=40, redundancy=2, price=10_000, bond=700, reservation_secs=600)
    w = await market.worker()
    before = await w.balance()
    now = await w.now()
    outcomes = await w.accept_tasks(b.address, range(0, 40, 2))
    assert [o.item for o in outcomes] == list(range(0, 40, 2))
    assert all(o.ok for o in outcomes)
    receipt = w.last_receipt
    assert receipt is not None
    report("accept_tasks CU for 20 items", receipt.compute_units)
    # The worker paid one signature and 20 bonds: nothing else (no rent).
    assert before - await w.balance() == SIGNATURE_FEE + 20 * 700

    b = await w.get_batch(b.address)
    assert b.reserved_count == 20
    assert b.roster_len == 1 and b.roster[0].worker == w.address
    assert (b.roster[0].taken, b.roster[0].active) == (20, 20)
    (table,) = await w.get_tables(b)
    for item in range(40):
        holders = sorted(table.holders[item].tolist())
        assert holders == ([0, 1] if item % 2 == 0 else [0, 0])
    # A reservation lasts at least reservation_secs and at most one tick more.
    deadline = b.deadline(int(table.ticks[0].max()))
    assert now + 600 <= deadline < now + 600 + b.tick_secs
    (event,) = [e for e in receipt.events if e.name == "TasksAccepted"]
    assert event.fields["accepted"] == list(range(0, 40, 2))
    assert event.fields["refused"] == []
    assert event.fields["deadline"] == deadline
    await market.assert_escrow_invariant(b.address)


async def test_accept_tasks_reports_each_item_of_a_mixed_request(market: Market) -> None:
    b = await market.batch(n_items=6, redundancy=1)
    w, other = await market.worker(), await market.worker()
    assert all(o.ok for o in await other.accept_tasks(b.address, [0, 1]))
    assert all(o.ok for o in await w.accept_tasks(b.address, [2]))
    (table,) = await w.get_tables(await w.get_batch(b.address))
    before = table.holders.copy()

    request = [0, 2, 3, 99, 3, 1, 4]
    outcomes = await w.accept_tasks(b.address, request)
    got = [(o.item, o.ok, type(o.error).__name__ if o.error else None) for o in outcomes]
    assert got == [
        (0, False, "ItemFull"),
        (2, False, "AlreadyAccepted"),
        (3, True, None),
        (99, False, "ItemNotFound"),
        (3, False, "AlreadyAccepted"),  # the same item twice: the second copy
        (1, False, "ItemFull"),
        (4, True, None),
    ]
    assert outcomes[3].signature is None  # refused before sending
    (table,) = await w.get_tables(await w.get_batch(b.address))
    # Refused items changed nothing; accepted ones now name this worker.
    changed = {i for i in range(6) if (table.holders[i] != before[i]).any()}
    assert changed == {3, 4}


async def test_workers_racing_for_the_same_items_fill_each_exactly(market: Market) -> None:
    redundancy = 2
    b = await market.batch(n_items=30, redundancy=redundancy, price=10_000)
    workers = [await market.worker() for _ in range(4)]
    results = {w.address: await w.accept_tasks(b.address, range(30)) for w in workers}
    # The first two take everything; later ones find every item full.
    taken = [sum(o.ok for o in out) for out in results.values()]
    assert taken == [30, 30, 0, 0]
    for out in list(results.values())[2:]:
        assert {type(o.error) for o in out} == {ItemFull}
    b = await workers[0].get_batch(b.address)
    (table,) = await workers[0].get_tables(b)
    assert ((table.holders != 0).sum(axis=1) == redundancy).all()
    assert b.reserved_count == 30 * redundancy
    await market.assert_escrow_invariant(b.address)


async def test_cap_and_active_limit_stop_a_worker(market: Market) -> None:
    b = await market.batch(n_items=20, per_worker_cap=5, max_active=3)
    w = await market.worker()
    out = await w.accept_tasks(b.address, range(6))
    assert [o.ok for o in out] == [True, True, True, False, False, False]
    assert {type(o.error) for o in out[3:]} == {ActiveLimitReached}
    await w.submit_results(b.address, [(i, b"\x01") for i in range(3)])
    out = await w.accept_tasks(b.address, range(3, 8))
    # Two more reach the cap of 5 items in total; the rest are refused.
    assert [o.ok for o in out] == [True, True, False, False, False]
    assert {type(o.error) for o in out[2:]} == {WorkerCapReached}
    b = await w.get_batch(b.address)
    assert (b.roster[0].taken, b.roster[0].active) == (5, 2)


@pytest.mark.parametrize(
    "case", ["protocol_paused", "batch_paused", "cancelled", "expired", "rating"]
)
async def test_fail_accept_tasks_with_the_batch_closed_to_the_worker(
    market: Market, case: str
) -> None:
    # Bug class: state-machine bypass (acceptances into a paused, cancelled
    # or expired batch, or below the rating gate).
    # The SDK refuses before sending (the program's own typed error), and the
    # program refuses the same instruction sent anyway, moving nothing.
    # (The gate with a cap of 3 items: worth far less than forging it costs.)
    gate = {"min_rating": 4_000, "per_worker_cap": 3} if case == "rating" else {}
    b = await market.batch(n_items=3, **gate)
    w = await market.worker()
    if case == "protocol_paused":
        await market.admin.set_paused(True)
    elif case == "batch_paused":
        await market.requester.set_batch_paused(b.address, True)
    elif case == "cancelled":
        await market.requester.cancel_batch(b.address)
    elif case == "expired":
        market.backend.warp(8 * 24 * 3600)
    error = {
        "protocol_paused": ProtocolPaused,
        "batch_paused": BatchPaused,
        "cancelled": BatchCancelled,
        "expired": BatchExpired,
        "rating": RatingTooLow,
    }[case]
    before = await w.balance()
    with pytest.raises(error):
        await w.accept_tasks(b.address, [0])
    assert await w.balance() == before
    ix = instructions.accept_tasks(w.address, b.address, market.table(b), [0])
    async with market.lamports(w.address, b.address, market.table(b)) as bal:
        with pytest.raises(error):
            await w.send([ix])
        await bal.assert_unchanged(fee_payer=w.address)


async def test_fail_accept_tasks_with_an_unregistered_or_poor_worker(market: Market) -> None:
    # Bug class: missing authority (no worker profile) and unfunded bonds.
    b = await market.batch(n_items=300, price=10_000, bond=50_000)
    stranger = await market.worker(register=False)
    before = await stranger.balance()
    with pytest.raises(NotRegisteredError):
        await stranger.accept_tasks(b.address, range(100))
    assert await stranger.balance() == before
    # On chain the missing profile is an account this program does not own.
    ix = instructions.accept_tasks(stranger.address, b.address, market.table(b), [0])
    with pytest.raises(InvalidOwner):
        await stranger.send([ix])

    poor = await market.worker(lamports=4_000_000)
    before = await poor.balance()
    with pytest.raises(InsufficientFundsError) as err:
        await poor.accept_tasks(b.address, range(300))  # 300 bonds: 15M lamports
    assert err.value.needed > before == err.value.available
    assert await poor.balance() == before


async def test_fail_accept_tasks_with_a_full_roster(market: Market) -> None:
    # Bug class: capacity bypass (a worker past the roster's room).
    b = await market.batch(n_items=5, roster_capacity=2)
    for item in range(2):
        assert (await (await market.worker()).accept_tasks(b.address, [item]))[0].ok
    late = await market.worker()
    with pytest.raises(RosterFull):
        await late.accept_tasks(b.address, [1])
    ix = instructions.accept_tasks(late.address, b.address, market.table(b), [1])
    with pytest.raises(RosterFull):
        await late.send([ix])
    # The requester grows the roster; the worker gets in.
    await market.requester.grow_roster(b.address, 3)
    assert (await late.accept_tasks(b.address, [2]))[0].ok


# -- the roster: a place is a worker's while it holds something ------------------------------


async def test_fail_accept_tasks_with_a_full_roster_and_no_place_free(market: Market) -> None:
    # Bug class: eviction (taking the place of a worker whose reservation has
    # lapsed but not been released, of one whose reservation runs, or a place
    # won by a request the program refuses item by item).
    b = await market.batch(n_items=4, redundancy=1, roster_capacity=2, reservation_secs=60)
    a, d, c = await market.worker(), await market.worker(), await market.worker()
    await a.accept_tasks(b.address, [0])
    await d.accept_tasks(b.address, [1])
    market.backend.warp(61 + b.tick_secs)
    await d.accept_tasks(b.address, [2])  # d's place is held again; a's only by a lapse
    t = market.table(b)
    before = await market.data(b.address)
    # A lapse alone frees nothing: the release decides where the bond goes.
    with pytest.raises(RosterFull):
        await c.send([instructions.accept_tasks(c.address, b.address, t, [3])])
    # Releasing a worker whose reservation still runs releases nothing.
    release = instructions.release_expired(b.address, t, b.requester, d.address, [2])
    with pytest.raises(RosterFull):
        await c.send([release, instructions.accept_tasks(c.address, b.address, t, [3])])
    assert await market.data(b.address) == before
    # Released, a's place is free; but a request refused item by item takes
    # no place (item 2 is full).
    release = instructions.release_expired(b.address, t, b.requester, a.address, [0])
    receipt = await c.send([release, instructions.accept_tasks(c.address, b.address, t, [2])])
    assert not [e for e in receipt.events if e.name == "RosterPlaceReused"]
    after = await c.get_batch(b.address)
    assert [e.worker for e in after.roster] == [a.address, d.address]
    assert (after.roster[0].active, after.roster[0].pending) == (0, 0)
    # The next acceptance that takes an item takes the place.
    assert (await c.accept_tasks(b.address, [3]))[0].ok
    assert [e.worker for e in (await c.get_batch(b.address)).roster] == [c.address, d.address]


async def test_fail_accept_tasks_with_a_key_no_item_key_can_be_sealed_to(market: Market) -> None:
    # Bug class: bad-key squat (issue 16: a profile with the all-zero X25519
    # key, registered before register_worker refused it, held encrypted items
    # its key agent could never deliver). A plain batch needs no key.
    enc = await market.batch(n_items=2, encrypted=True)
    plain = await market.batch(n_items=2, salt=b"plain")
    w = await market.worker()
    await market.set_encryption_key(w.address, bytes(32))
    assert (await w.profile()).encryption_key == bytes(32)
    before = await w.balance()
    with pytest.raises(InvalidEncryptionKey):
        await w.accept_tasks(enc.address, [0])
    assert await w.balance() == before  # refused before sending
    async with market.lamports(w.address, enc.address, market.table(enc)) as bal:
        with pytest.raises(InvalidEncryptionKey):
            await w.send(
                [instructions.accept_tasks(w.address, enc.address, market.table(enc), [0])]
            )
        await bal.assert_unchanged(fee_payer=w.address)
    assert (await w.accept_tasks(plain.address, [0]))[0].ok


# -- adversarial: accounts ---------------------------------------------------------------


async def test_fail_accept_tasks_with_substituted_accounts(market: Market) -> None:
    # Bug class: substituted accounts of the right type from elsewhere.
    b = await market.batch(n_items=4)
    other = await market.batch(n_items=4, salt=b"other")
    w, v = await market.worker(), await market.worker()
    base = instructions.accept_tasks(w.address, b.address, market.table(b), [0])
    cases: list[tuple[str, Pubkey, type[ProgramError]]] = [
        ("table", market.table(other), WrongTable),  # another batch's table
        ("profile", worker_profile_pda(v.address)[0], WrongWorker),  # another worker's profile
        ("config", treasury_pda()[0], InvalidAccountData),  # a program account of another type
        ("batch", market.table(b), InvalidAccountData),  # a table where the batch goes
        ("clock", config_pda()[0], InvalidProgramAccount),  # not the Clock sysvar
        ("system_program", PROGRAM_ID, InvalidProgramAccount),
    ]
    for account, key, error in cases:
        async with market.lamports(w.address, b.address, market.table(b)) as bal:
            with pytest.raises(error):
                await w.send([swap(base, account, key)])
            await bal.assert_unchanged(fee_payer=w.address)


async def test_fail_accept_tasks_with_the_same_account_in_two_roles(market: Market) -> None:
    # Bug class: duplicate accounts. The batch passed again as its own table.
    b = await market.batch(n_items=4)
    w = await market.worker()
    ix = swap(
        instructions.accept_tasks(w.address, b.address, market.table(b), [0]), "table", b.address
    )
    with pytest.raises(DuplicateAccount):
        await w.send([ix])


async def test_fail_accept_tasks_with_accounts_of_another_owner(market: Market) -> None:
    # Bug class: wrong owner. A copy of the real batch and table data in
    # accounts owned by another program.
    b = await market.batch(n_items=4)
    w = await market.worker()
    for account, source in (("batch", b.address), ("table", market.table(b))):
        fake = Keypair().pubkey()
        real = await market.backend.get_account(source)
        assert real is not None
        market.backend.set_account(
            fake, Account(real.lamports, real.data, treasury_pda()[0], False, 0)
        )
        ix = swap(
            instructions.accept_tasks(w.address, b.address, market.table(b), [0]), account, fake
        )
        with pytest.raises(InvalidOwner):
            await w.send([ix])


async def test_fail_accept_tasks_with_an_item_in_another_table(market: Market) -> None:
    # Bug class: substituted account (an item sent with a table that does not hold it).
    # Two uploads: the SDK sizes each new table to the items it adds, so the
    # second upload opens table 1. Its items sent with table 0 are refused.
    req = market.requester
    b = await req.create_batch(price=1_000)
    hashes = [bytes([i]) * 32 for i in range(8)]
    first = await req.add_tasks(b.address, hashes[:5])
    await req.add_tasks(b.address, hashes, uploads=first)
    b = await req.get_batch(b.address)
    assert b.table_count == 2 and b.item_count == 8
    w = await market.worker()
    ix = instructions.accept_tasks(w.address, b.address, market.table(b, 0), [6])
    with pytest.raises(WrongTable):
        await w.send([ix])
    # The SDK routes each item to its table.
    assert all(o.ok for o in await w.accept_tasks(b.address, [4, 5, 6, 7]))


# -- adversarial: data ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (b"", InvalidInstructionData),  # no vector length
        (struct.pack("<I", 2) + struct.pack("<I", 0), InvalidInstructionData),  # length lies
        (struct.pack("<I", 0xFFFFFFFF), InvalidInstructionData),  # absurd length
        (struct.pack("<II", 1, 0) + b"\x00", InvalidInstructionData),  # trailing byte
        (struct.pack("<I", 0), EmptyTaskList),
        (struct.pack("<II", 1, 4), ItemNotFound),  # past the last item
    ],
    ids=["no-length", "short-vector", "huge-length", "trailing", "empty", "out-of-range"],
)
async def test_fail_accept_tasks_with_malformed_data(
    market: Market, args: bytes, error: type[ProgramError]
) -> None:
    # Bug class: malformed instruction data (lengths that lie, trailing bytes).
    b = await market.batch(n_items=4)
    w = await market.worker()
    ix = instructions.accept_tasks(w.address, b.address, market.table(b), [0])
    disc = load_idl().instructions["accept_tasks"].discriminator
    async with market.lamports(w.address, b.address, market.table(b)) as bal:
        with pytest.raises(error):
            await w.send([with_data(ix, disc + args)])
        await bal.assert_unchanged(fee_payer=w.address)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=4, bond=700)
    w = await market.worker()
    payer = await market.other_requester()
    ix = instructions.accept_tasks(w.address, b.address, market.table(b), [0, 1])
    return Attack(market, ix, [w.wallet], payer, [], {"b": b, "w": w})


async def test_fail_accept_tasks_with_item_extremes(attack: Attack) -> None:
    # Bug class: u32 extremes (an item index past every table, among good ones:
    # the whole request fails, nothing is reserved).
    await attack.arguments(
        [
            ({"items": [2**32 - 1]}, ItemNotFound),
            ({"items": [0, 2**32 - 1]}, ItemNotFound),
            ({"items": [4]}, ItemNotFound),
            ({"items": []}, EmptyTaskList),
        ]
    )
    await attack.expect_ok(attack.with_args(items=[0] * 150))  # one reserved, 149 refused


async def test_fail_accept_tasks_with_an_unregistered_signer(attack: Attack) -> None:
    # Bug class: missing authority (a wallet without a profile, using
    # another worker's profile).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("worker", stranger.pubkey()), WrongWorker, [stranger])


async def test_fail_accept_tasks_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_accept_tasks_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_accept_tasks_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_accept_tasks_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_accept_tasks_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_accept_tasks_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_accept_tasks_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_accept_tasks_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_accept_tasks_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()


async def test_fail_accept_tasks_with_accounts_of_the_wrong_type(
    market: Market, attack: Attack
) -> None:
    # Bug class: type confusion (program accounts of other types in each role).
    await market.requester.register_requester()
    await attack.substituted(
        [
            ("config", treasury_pda()[0], InvalidAccountData),
            ("profile", config_pda()[0], InvalidAccountData),
            ("profile", requester_profile_pda(market.requester.address)[0], InvalidAccountData),
            ("batch", market.table(attack.scene["b"]), InvalidAccountData),
            ("table", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_accept_tasks_with_a_batch_that_requires_skills(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: gate bypass (the proof-less instruction on a skill-gated
    # batch, by a worker who holds the skill and by one who does not).
    s = await skill_scene(market, tmp_path)
    outsider = await market.worker()
    for w in (s.workers[0], outsider):
        ix = instructions.accept_tasks(w.address, s.batch.address, market.table(s.batch), [0])
        with pytest.raises(SkillProofRequired):
            await w.send([ix])
    # Lifted, the same instruction passes.
    await market.requester.require_skills(s.batch.address, [])
    ix = instructions.accept_tasks(outsider.address, s.batch.address, market.table(s.batch), [0])
    await outsider.send([ix])
    assert (await market.requester.get_batch(s.batch.address)).reserved_count == 1
