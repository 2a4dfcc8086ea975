"""`rate_assignments`: the requester rates completed work once, within the
rating window, never its own; the worker cannot prevent it."""

from __future__ import annotations

import pytest
import reputation_ref as ref
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack
from amplify_sdk import RequesterProfile, instructions
from amplify_sdk.errors import (
    AccountNotWritable,
    AlreadyRated,
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidOwner,
    InvalidStars,
    ItemNotFound,
    NotEnoughAccounts,
    NotInRoster,
    NotSubmitted,
    RatingWindowClosed,
    RequesterNotRegistered,
    SelfRating,
    Unauthorized,
    WrongTable,
    WrongWorker,
)
from amplify_sdk.protocol import config_pda, requester_profile_pda, treasury_pda, worker_profile_pda
from amplify_sdk.protocol._token import TOKEN_PROGRAM_ID
from market import Market, swap


async def test_rate_assignments_updates_the_worker_once(market: Market) -> None:
    b, w = await market.done_work(4)
    req = market.requester
    await req.register_requester()
    # The instruction itself (the SDK's rate_assignments sends rate_worker).
    profile = worker_profile_pda(w.address)[0]
    ratings = [(0, 0, 5, 0), (1, 0, 2, 0)]
    await req.send(
        [instructions.rate_assignments(req.address, b.address, market.table(b), ratings, [profile])]
    )
    p = await req.get_worker_profile(w.address)
    rp = await req.fetch(RequesterProfile, requester_profile_pda(req.address)[0])
    # Expected from the reference formula (docs/reputation.md), fee = 5% of the price.
    wk, rq = ref.Worker(), ref.Requester(rp.id)
    fee = -(-b.price * 500 // 10_000)
    expected = [ref.rate(ref.DEFAULTS, wk, rq, stars, fee) for stars in (5, 2)]
    assert (p.rating_count, p.score_sum, p.weight, p.rating) == (2, wk.s, wk.w, expected[-1][2])
    events = [e.fields for e in req.last_receipt.events if e.name == "AssignmentRated"]  # type: ignore[union-attr]
    assert [(e["adjusted"], e["weight"], e["rating"]) for e in events] == expected
    # A fresh worker's score starts near the pessimistic prior, not at 5 stars.
    assert 2_500 <= p.rating < 3_000
    again = await req.rate_assignments(b.address, [(0, w.address, 1), (2, w.address, 4)])
    assert [type(o.error) for o in again] == [AlreadyRated, type(None)]
    assert again[0].signature is None  # refused before sending
    b = await req.get_batch(b.address)
    assert b.rated_count == 3
    (table,) = await req.get_tables(b)
    assert table.flags[:4].any(axis=1).tolist() == [True, True, True, False]


async def test_rate_assignments_many_workers_in_one_transaction(market: Market) -> None:
    b = await market.batch(n_items=6, redundancy=3)
    workers = [await market.worker() for _ in range(3)]
    for w in workers:
        await w.accept_tasks(b.address, range(6))
        await w.submit_results(b.address, [(i, b"\x02") for i in range(6)])
    req = market.requester
    await req.register_requester()
    n0 = len(req.receipts)
    out = await req.rate_assignments(
        b.address,
        [(i, w.address, 1 + (i + k) % 5) for k, w in enumerate(workers) for i in range(6)],
    )
    assert all(o.ok for o in out) and len(out) == 18
    assert len(req.receipts) - n0 == 1
    rp = await req.fetch(RequesterProfile, requester_profile_pda(req.address)[0])
    rq = ref.Requester(rp.id)
    fee = -(-b.price * 500 // 10_000)
    refs = [ref.Worker() for _ in workers]
    # The chain applies the ratings in the order given: so does the reference.
    scores = [
        ref.rate(ref.DEFAULTS, refs[k], rq, 1 + (i + k) % 5, fee)[2]
        for k in range(3)
        for i in range(6)
    ]
    for k, w in enumerate(workers):
        p = await req.get_worker_profile(w.address)
        assert p.rating_count == 6 and p.rating == scores[6 * k + 5]


async def test_fail_rate_assignments_with_no_requester_profile(market: Market) -> None:
    # Bug class: missing prerequisite account. A requester that never
    # registered rates on chain (not through the SDK, which registers it):
    # one error, the IDL's, however the missing profile is passed.
    b, w = await market.done_work(2)
    req = market.requester
    profile = requester_profile_pda(req.address)[0]
    assert await req.fetch_or_none(RequesterProfile, profile) is None
    ix = instructions.rate_assignments(
        req.address, b.address, market.table(b), [(0, 0, 5, 0)], [worker_profile_pda(w.address)[0]]
    )
    async with market.lamports(b.address, w.address) as watch:
        with pytest.raises(RequesterNotRegistered):
            await req.send([ix])
        await watch.assert_unchanged()
    # Registered, the same instruction goes through (it was the only fault).
    rp = await req.register_requester()
    assert rp.id == 1  # the first requester of this protocol: ids count from 1
    await req.send([ix])
    assert (await req.get_worker_profile(w.address)).rating_count == 1


async def test_fail_rate_assignments_with_own_work(market: Market) -> None:
    # Bug class: self-dealing. A requester working its own batch cannot rate itself.
    req = market.requester
    b = await market.batch(n_items=2)
    me = market.amp.worker(req.wallet)
    await me.register()
    await me.accept_tasks(b.address, [0])
    await me.submit_results(b.address, [(0, b"\x01")])
    out = await req.rate_assignments(b.address, [(0, req.address, 5)])
    assert isinstance(out[0].error, SelfRating)
    # Refused before sending: not even the requester profile was created.
    assert await req.fetch_or_none(RequesterProfile, requester_profile_pda(req.address)[0]) is None
    await req.register_requester()
    ix = instructions.rate_assignments(
        req.address,
        b.address,
        market.table(b),
        [(0, 0, 5, 0)],
        [worker_profile_pda(req.address)[0]],
    )
    with pytest.raises(SelfRating):
        await req.send([ix])
    assert (await req.get_worker_profile(req.address)).rating_count == 0


async def test_fail_rate_assignments_with_bad_ratings_sent_anyway(market: Market) -> None:
    # Bug class: bypassing the SDK's checks (bad stars, unsubmitted work,
    # another worker's profile) on chain.
    b, w = await market.done_work(3, reservation_secs=60, redundancy=2)
    req = market.requester
    await req.register_requester()
    table = market.table(b)
    profile = worker_profile_pda(w.address)[0]
    v = await market.worker()
    await v.accept_tasks(b.address, [0])  # reserved, not submitted
    stranger = await market.other_requester()

    def rate(
        item: int, worker: int, stars: int, profiles: list[Pubkey] | None = None
    ) -> Instruction:
        return instructions.rate_assignments(
            req.address, b.address, table, [(item, worker, stars, 0)], profiles or [profile]
        )

    cases = [
        (rate(0, 0, 9), InvalidStars),
        (rate(0, 1, 3, [worker_profile_pda(v.address)[0]]), NotSubmitted),
        (rate(1, 0, 3, [worker_profile_pda(v.address)[0]]), WrongWorker),
        (
            instructions.rate_assignments(req.address, b.address, table, [(1, 0, 3, 1)], [profile]),
            NotEnoughAccounts,
        ),
    ]
    for ix, error in cases:
        async with market.lamports(req.address, profile, table) as bal:
            with pytest.raises(error):
                await req.send([ix])
            await bal.assert_unchanged(fee_payer=req.address)
    # Bug class: missing authority. Another (registered) requester signs for this batch.
    await stranger.register_requester()
    forged = instructions.rate_assignments(
        stranger.address, b.address, table, [(1, 0, 3, 0)], [profile]
    )
    with pytest.raises(Unauthorized):
        await stranger.send([forged])
    # A read-only profile cannot be rated into.
    ro = Instruction(
        forged.program_id,
        bytes(rate(1, 0, 3).data),
        [*list(rate(1, 0, 3).accounts)[:-1], AccountMeta(profile, False, False)],
    )
    with pytest.raises(AccountNotWritable):
        await req.send([ro])


async def test_fail_rate_assignments_with_a_place_that_changed_hands(market: Market) -> None:
    # Bug class: misattribution (a rating naming a place that passed to
    # another worker: the previous worker's work re-rated, or credited to the
    # newcomer's profile). A place passes on only once its work is rated.
    req = market.requester
    b = await market.batch(n_items=3, roster_capacity=1)
    a, c = await market.worker(), await market.worker()
    await a.accept_tasks(b.address, [0])
    await a.submit_results(b.address, [(0, b"\x01")])
    await req.rate_assignments(b.address, [(0, a.address, 5)])
    await c.accept_tasks(b.address, [1])  # a held nothing: c has its place, index 0
    await c.submit_results(b.address, [(1, b"\x01")])
    t = market.table(b)
    pa, pc = worker_profile_pda(a.address)[0], worker_profile_pda(c.address)[0]
    cases = [
        ([(0, 0, 1, 0)], [pc], AlreadyRated),  # a's item through its old place
        ([(0, 0, 1, 0)], [pa], AlreadyRated),
        ([(1, 0, 1, 0)], [pa], WrongWorker),  # c's item credited to a
    ]
    for ratings, profiles, error in cases:
        ix = instructions.rate_assignments(req.address, b.address, t, ratings, profiles)
        async with market.lamports(pa, pc, b.address, t) as bal:
            with pytest.raises(error):
                await req.send([ix])
            await bal.assert_unchanged()
    # The SDK knows a is gone; c's work is c's to be rated, once.
    out = await req.rate_assignments(b.address, [(0, a.address, 1), (1, c.address, 3)])
    assert type(out[0].error) is NotInRoster and out[1].ok
    entry = (await req.get_batch(b.address)).roster[0]
    assert (entry.worker, entry.pending) == (c.address, 0)
    assert (await c.profile()).rating_count == 1 and (await a.profile()).rating_count == 1


async def test_rating_window_closes(market: Market) -> None:
    b, w = await market.done_work(2, expires_in=100)
    cfg = await market.requester.get_config()
    await market.requester.register_requester()
    market.backend.warp(100 + cfg.rating_window_secs + 1)
    ix = instructions.rate_assignments(
        market.requester.address,
        b.address,
        market.table(b),
        [(0, 0, 4, 0)],
        [worker_profile_pda(w.address)[0]],
    )
    with pytest.raises(RatingWindowClosed):
        await market.requester.send([ix])


async def test_fail_rate_assignments_with_a_window_reopened_by_a_late_cancel(
    market: Market,
) -> None:
    # Bug class: time-window bypass. The window closes `rating_window_secs`
    # after the batch ends; cancelling an expired batch set its end to the
    # cancellation and so reopened a window that had closed.
    b, w = await market.done_work(2, expires_in=100)
    req = market.requester
    cfg = await req.get_config()
    await req.register_requester()
    market.backend.warp(100 + cfg.rating_window_secs + 1)
    await req.cancel_batch(b.address)
    assert (await req.get_batch(b.address)).cancelled_at > b.expires_at
    ix = instructions.rate_assignments(
        req.address, b.address, market.table(b), [(0, 0, 1, 0)], [worker_profile_pda(w.address)[0]]
    )
    profile = worker_profile_pda(w.address)[0]
    async with market.lamports(req.address, profile, b.address, market.table(b)) as bal:
        with pytest.raises(RatingWindowClosed):
            await req.send([ix])
        await bal.assert_unchanged(fee_payer=req.address)


async def test_a_cancel_before_expiry_closes_the_window_early(market: Market) -> None:
    b, w = await market.done_work(2, expires_in=10_000)
    req = market.requester
    cfg = await req.get_config()
    await req.register_requester()
    await req.cancel_batch(b.address)
    slack = market.clock_slack
    market.backend.warp(cfg.rating_window_secs - slack)  # inside the window from the cancel
    assert (await req.rate_assignments(b.address, [(0, w.address, 4)]))[0].ok
    market.backend.warp(1 + 2 * slack)  # past it, though the batch's expiry is still ahead
    (out,) = await req.rate_assignments(b.address, [(1, w.address, 4)])
    assert isinstance(out.error, RatingWindowClosed)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b, w = await market.done_work(4)
    other_b, _ = await market.done_work(1, salt=b"other")
    req = market.requester
    await req.register_requester()
    rival = await market.other_requester()
    await rival.register_requester()
    idle = await market.worker()
    payer = await market.other_requester()
    profile = worker_profile_pda(w.address)[0]
    ix = instructions.rate_assignments(
        req.address, b.address, market.table(b), [(0, 0, 4, 0), (1, 0, 5, 0)], [profile]
    )
    scene = {"b": b, "w": w, "other": other_b, "rival": rival, "idle": idle}
    return Attack(market, ix, [req.wallet], payer, [], scene)


def rate(
    attack: Attack, ratings: list[tuple[int, int, int, int]], profiles: list[Pubkey]
) -> Instruction:
    return instructions.rate_assignments(
        attack.key("requester"), attack.key("batch"), attack.key("table"), ratings, profiles
    )


async def test_fail_rate_assignments_with_extremes(attack: Attack) -> None:
    # Bug class: u8/u16/u32 extremes (stars out of 1-5, a roster index or an
    # item past the end, a profile index past the remaining accounts).
    p = [worker_profile_pda(attack.scene["w"].address)[0]]
    cases = [
        (rate(attack, [(0, 0, 0, 0)], p), InvalidStars),
        (rate(attack, [(0, 0, 6, 0)], p), InvalidStars),
        (rate(attack, [(0, 0, 255, 0)], p), InvalidStars),
        (rate(attack, [(0, 1, 4, 0)], p), NotInRoster),
        (rate(attack, [(0, 65_535, 4, 0)], p), NotInRoster),
        (rate(attack, [(2**32 - 1, 0, 4, 0)], p), ItemNotFound),
        (rate(attack, [(4, 0, 4, 0)], p), ItemNotFound),
        (rate(attack, [(0, 0, 4, 255)], p), NotEnoughAccounts),
        (rate(attack, [], p), EmptyTaskList),
        # The same assignment twice in one instruction: the second is a re-rating.
        (rate(attack, [(0, 0, 4, 0), (0, 0, 1, 0)], p), AlreadyRated),
    ]
    for ix, error in cases:
        await attack.refused(ix, error)
    await attack.expect_ok()


async def test_fail_rate_assignments_with_someone_else_signing(attack: Attack) -> None:
    # Bug class: missing authority (another requester rating this batch's
    # work, or this requester with another's habits).
    rival = attack.scene["rival"]
    forged = attack.swap("requester", rival.address)
    await attack.refused(forged, RequesterNotRegistered, [rival.wallet], "rival signs")
    own = attack.swap("requester_profile", requester_profile_pda(rival.address)[0])
    await attack.refused(own, RequesterNotRegistered, what="rival's profile")
    unregistered = attack.swap("requester_profile", requester_profile_pda(Keypair().pubkey())[0])
    await attack.refused(unregistered, RequesterNotRegistered, what="no profile")
    profile = worker_profile_pda(attack.scene["w"].address)[0]
    their = instructions.rate_assignments(
        rival.address, attack.key("batch"), attack.key("table"), [(0, 0, 4, 0)], [profile]
    )
    await attack.refused(their, Unauthorized, [rival.wallet], "rival's own profile")


async def test_fail_rate_assignments_with_the_wrong_worker_profile(attack: Attack) -> None:
    # Bug class: substituted remaining account (the rating credited to another
    # worker, or written into another account).
    idle = worker_profile_pda(attack.scene["idle"].address)[0]
    await attack.refused(rate(attack, [(0, 0, 4, 0)], [idle]), WrongWorker)
    await attack.refused(rate(attack, [(0, 0, 4, 0)], [treasury_pda()[0]]), InvalidAccountData)
    await attack.refused(rate(attack, [(0, 0, 4, 0)], [config_pda()[0]]), DuplicateAccount)
    fake = await attack.clone(worker_profile_pda(attack.scene["w"].address)[0], TOKEN_PROGRAM_ID)
    await attack.refused(rate(attack, [(0, 0, 4, 0)], [fake]), InvalidOwner)
    real = worker_profile_pda(attack.scene["w"].address)[0]
    ro = attack.with_remaining([AccountMeta(real, False, False)])
    await attack.refused(ro, AccountNotWritable)


async def test_fail_rate_assignments_with_another_batchs_table(attack: Attack) -> None:
    # Bug class: substituted account of the right type.
    await attack.substituted([("table", attack.market.table(attack.scene["other"]), WrongTable)])


async def test_fail_rate_assignments_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("config", treasury_pda()[0], InvalidAccountData),
            # The config is borrowed first and held: in any other role it is a duplicate.
            ("requester_profile", config_pda()[0], DuplicateAccount),
            ("batch", config_pda()[0], DuplicateAccount),
            ("table", config_pda()[0], DuplicateAccount),
            ("batch", treasury_pda()[0], InvalidAccountData),
            ("table", treasury_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_rate_assignments_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (forged reputation parameters or habits).
    await attack.other_owner(["config", "requester_profile", "batch", "table"], InvalidOwner)


async def test_fail_rate_assignments_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts (a profile written twice through two handles).
    await attack.twice(
        [
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
            ("requester_profile", "batch", DuplicateAccount),
        ]
    )
    for role in ("requester_profile", "batch", "table"):
        ix = rate(attack, [(0, 0, 4, 0)], [attack.key(role)])
        await attack.refused(ix, DuplicateAccount, what=f"{role} as the worker profile")


async def test_fail_rate_assignments_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_rate_assignments_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_rate_assignments_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_rate_assignments_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_rate_assignments_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_rate_assignments_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_rate_assignments_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_rate_assignments_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_rate_assignments_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()


async def test_fail_rate_assignments_with_several_faults(attack: Attack) -> None:
    # Bug class: a refusal that names the wrong fault. Two faults at once: the
    # rule docs/protocol.md ("Order of checks") lists first wins.
    market, b, rival = attack.market, attack.scene["b"], attack.scene["rival"]
    p = [worker_profile_pda(attack.scene["w"].address)[0]]
    idle = [worker_profile_pda(attack.scene["idle"].address)[0]]
    nobody = requester_profile_pda(Keypair().pubkey())[0]  # a profile never created
    other_table = market.table(attack.scene["other"])
    stranger = instructions.rate_assignments(
        rival.address, b.address, market.table(b), [(0, 0, 0, 0)], p
    )
    cases = [
        (swap(rate(attack, [], p), "requester_profile", nobody), EmptyTaskList),
        (
            swap(rate(attack, [(0, 0, 0, 0)], p), "requester_profile", nobody),
            RequesterNotRegistered,
        ),
        (swap(rate(attack, [(0, 0, 0, 0)], p), "table", other_table), WrongTable),
        # Each rating in order: the first at fault decides.
        (rate(attack, [(0, 0, 6, 0), (1, 9, 4, 0)], p), InvalidStars),
        (rate(attack, [(0, 9, 6, 0)], p), InvalidStars),
        (rate(attack, [(0, 9, 4, 0), (1, 0, 0, 0)], p), NotInRoster),
        (rate(attack, [(99, 0, 4, 5)], p), ItemNotFound),
        (rate(attack, [(2, 0, 4, 5)], idle), NotEnoughAccounts),
    ]
    await attack.refused(stranger, Unauthorized, [rival.wallet], "a stranger, bad stars")
    for ix, error in cases:
        await attack.refused(ix, error, what=error.__name__)
    await attack.expect_ok()  # items 0 and 1 rated
    await attack.refused(rate(attack, [(0, 0, 4, 0)], idle), AlreadyRated, what="and WrongWorker")
    await attack.refused(rate(attack, [(2, 0, 4, 0)], idle), WrongWorker)
    # The window closed: after the signer, before the table and the ratings.
    market.backend.warp(b.expires_at - await attack.payer.now() + b.rating_window_secs + 1)
    await attack.refused(stranger, Unauthorized, [rival.wallet], "a stranger, window closed")
    late = swap(rate(attack, [(2, 0, 0, 0)], p), "table", other_table)
    await attack.refused(late, RatingWindowClosed, what="window closed, wrong table")
