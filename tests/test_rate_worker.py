"""`rate_worker`: one worker's ratings in one instruction, with the rules and
the formula of `rate_assignments`, applied rating by rating in order."""

from __future__ import annotations

import pytest
import reputation_ref as ref
from solders.instruction import Instruction
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import RequesterProfile, instructions
from amplify_sdk.errors import (
    AlreadyRated,
    DuplicateAccount,
    EmptyTaskList,
    InvalidAccountData,
    InvalidOwner,
    InvalidStars,
    ItemNotFound,
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
from conftest import report
from market import Market, swap


async def test_rate_worker_applies_each_rating_in_order(market: Market) -> None:
    # Ten ratings of one worker in one instruction leave the profiles exactly
    # where ten ratings one after another leave them (the reference formula of
    # docs/reputation.md, applied per rating), and one event lists them.
    b, w = await market.done_work(10)
    req = market.requester
    await req.register_requester()
    stars = [5, 1, 4, 4, 2, 5, 3, 1, 5, 2]
    table = market.table(b)
    profile = worker_profile_pda(w.address)[0]
    await req.send(
        [
            instructions.rate_worker(
                req.address, b.address, table, profile, 0, list(enumerate(stars))
            )
        ]
    )
    rp = await req.fetch(RequesterProfile, requester_profile_pda(req.address)[0])
    wk, rq = ref.Worker(), ref.Requester(rp.id)
    fee = -(-b.price * 500 // 10_000)
    done = [ref.rate(ref.DEFAULTS, wk, rq, s, fee) for s in stars]
    p = await req.get_worker_profile(w.address)
    assert (p.rating_count, p.score_sum, p.weight, p.rating) == (10, wk.s, wk.w, done[-1][2])
    assert (rp.stars_sum, rp.weight, rp.ratings_given) == (rq.s, rq.w, 10)
    (event,) = [e.fields for e in req.last_receipt.events if e.name == "WorkerRated"]  # type: ignore[union-attr]
    assert event["worker"] == w.address and event["batch"] == b.address
    assert [(r["item"], r["stars"]) for r in event["ratings"]] == list(enumerate(stars))
    assert (event["weight"], event["rating"]) == (sum(d[1] for d in done), done[-1][2])
    assert (await req.get_batch(b.address)).rated_count == 10


async def test_rate_worker_costs_a_fraction_of_rate_assignments(market: Market) -> None:
    # Forty ratings of one worker: rate_worker's compute per rating against
    # rate_assignments' (one profile update and one event per rating there).
    b, w = await market.done_work(80)
    req = market.requester
    await req.register_requester()
    table, profile = market.table(b), worker_profile_pda(w.address)[0]
    await req.send(
        [instructions.rate_assignments(req.address, b.address, table, [(0, 0, 4, 0)], [profile])]
    )
    old = [(i, 0, 1 + i % 5, 0) for i in range(1, 41)]
    await req.send([instructions.rate_assignments(req.address, b.address, table, old, [profile])])
    assert req.last_receipt is not None
    per_old = req.last_receipt.compute_units / 40
    new = [(i, 1 + i % 5) for i in range(41, 81) if i < 80]
    await req.send([instructions.rate_worker(req.address, b.address, table, profile, 0, new)])
    per_new = req.last_receipt.compute_units / len(new)
    report(
        "CU per rating, rate_assignments / rate_worker (40 / 39 ratings)",
        f"{per_old:.0f} / {per_new:.0f}",
    )
    assert per_new * 3 < per_old


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
    ix = instructions.rate_worker(
        req.address, b.address, market.table(b), profile, 0, [(0, 4), (1, 5)]
    )
    scene = {"b": b, "w": w, "other": other_b, "rival": rival, "idle": idle}
    return Attack(market, ix, [req.wallet], payer, [], scene)


def rate(attack: Attack, worker: int, ratings: list[tuple[int, int]]) -> Instruction:
    return instructions.rate_worker(
        attack.key("requester"),
        attack.key("batch"),
        attack.key("table"),
        attack.key("worker_profile"),
        worker,
        ratings,
    )


async def test_fail_rate_worker_with_extremes(attack: Attack) -> None:
    # Bug class: u8/u16/u32 extremes (stars out of 1-5, a roster index or an
    # item past the end), an empty list, an item twice.
    cases = [
        (rate(attack, 0, [(0, 0)]), InvalidStars),
        (rate(attack, 0, [(0, 6)]), InvalidStars),
        (rate(attack, 0, [(0, 255)]), InvalidStars),
        (rate(attack, 1, [(0, 4)]), NotInRoster),
        (rate(attack, 65_535, [(0, 4)]), NotInRoster),
        (rate(attack, 0, [(2**32 - 1, 4)]), ItemNotFound),
        (rate(attack, 0, [(4, 4)]), ItemNotFound),
        (rate(attack, 0, []), EmptyTaskList),
        # The same assignment twice in one instruction: the second is a re-rating.
        (rate(attack, 0, [(0, 4), (0, 1)]), AlreadyRated),
        # A good rating then a bad one: the whole instruction fails.
        (rate(attack, 0, [(2, 4), (3, 9)]), InvalidStars),
    ]
    for ix, error in cases:
        await attack.refused(ix, error)
    await attack.expect_ok()
    await attack.refused(attack.ix, AlreadyRated, what="rated already")


async def test_fail_rate_worker_with_work_not_done(market: Market) -> None:
    # Bug class: rating what was never delivered (a reservation, another
    # worker's item) or the requester's own work.
    b = await market.batch(n_items=3, redundancy=2)
    w, x = await market.worker(), await market.worker()
    await w.accept_tasks(b.address, [0, 1])
    await w.submit_results(b.address, [(0, b"\x01")])
    await x.accept_tasks(b.address, [2])
    await x.submit_results(b.address, [(2, b"\x01")])
    req = market.requester
    await req.register_requester()
    table, profile = market.table(b), worker_profile_pda(w.address)[0]
    for items, error in (([(1, 4)], NotSubmitted), ([(2, 4)], NotSubmitted)):
        ix = instructions.rate_worker(req.address, b.address, table, profile, 0, items)
        with pytest.raises(error):
            await req.send([ix])
    # A requester that works its own batch cannot rate itself.
    own = market.amp.worker(req.wallet)
    await own.register()
    await own.accept_tasks(b.address, [1])
    await own.submit_results(b.address, [(1, b"\x01")])
    idx = (await req.get_batch(b.address)).roster_index(req.address)
    assert idx is not None
    mine = worker_profile_pda(req.address)[0]
    with pytest.raises(SelfRating):
        await req.send(
            [instructions.rate_worker(req.address, b.address, table, mine, idx, [(1, 5)])]
        )


async def test_fail_rate_worker_with_someone_else_signing(attack: Attack) -> None:
    # Bug class: missing authority (another requester rating this batch's
    # work, or this requester with another's habits).
    rival = attack.scene["rival"]
    forged = attack.swap("requester", rival.address)
    await attack.refused(forged, RequesterNotRegistered, [rival.wallet], "rival signs")
    own = attack.swap("requester_profile", requester_profile_pda(rival.address)[0])
    await attack.refused(own, RequesterNotRegistered, what="rival's profile")
    unregistered = attack.swap("requester_profile", requester_profile_pda(Keypair().pubkey())[0])
    await attack.refused(unregistered, RequesterNotRegistered, what="no profile")
    their = instructions.rate_worker(
        rival.address,
        attack.key("batch"),
        attack.key("table"),
        attack.key("worker_profile"),
        0,
        [(0, 4)],
    )
    await attack.refused(their, Unauthorized, [rival.wallet], "rival's own profile")


async def test_fail_rate_worker_with_the_wrong_worker_profile(attack: Attack) -> None:
    # Bug class: substituted account (the ratings credited to another worker,
    # or written into another account).
    idle = worker_profile_pda(attack.scene["idle"].address)[0]
    fake = await attack.clone(attack.key("worker_profile"), TOKEN_PROGRAM_ID)
    await attack.substituted(
        [
            ("worker_profile", idle, WrongWorker),
            ("worker_profile", treasury_pda()[0], InvalidAccountData),
            ("worker_profile", config_pda()[0], DuplicateAccount),
            ("worker_profile", fake, InvalidOwner),
        ]
    )


async def test_fail_rate_worker_with_another_batchs_table(attack: Attack) -> None:
    # Bug class: substituted account of the right type.
    await attack.substituted([("table", attack.market.table(attack.scene["other"]), WrongTable)])


async def test_fail_rate_worker_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("config", treasury_pda()[0], InvalidAccountData),
            ("requester_profile", config_pda()[0], DuplicateAccount),
            ("batch", config_pda()[0], DuplicateAccount),
            ("table", config_pda()[0], DuplicateAccount),
            ("batch", treasury_pda()[0], InvalidAccountData),
            ("table", treasury_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_rate_worker_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (forged reputation parameters, habits or profile).
    await attack.other_owner(
        ["config", "requester_profile", "batch", "table", "worker_profile"], InvalidOwner
    )


async def test_fail_rate_worker_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts (a profile written twice through two handles).
    await attack.twice(
        [
            ("batch", "table", DuplicateAccount),
            ("table", "batch", InvalidAccountData),
            ("requester_profile", "batch", DuplicateAccount),
            # Every account the profile could alias is borrowed and held first.
            ("requester_profile", "worker_profile", DuplicateAccount),
            ("batch", "worker_profile", DuplicateAccount),
            ("table", "worker_profile", DuplicateAccount),
            ("worker_profile", "requester_profile", InvalidAccountData),
            ("worker_profile", "batch", InvalidAccountData),
        ]
    )


async def test_fail_rate_worker_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_rate_worker_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_rate_worker_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_rate_worker_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_rate_worker_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_rate_worker_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_rate_worker_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_rate_worker_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_rate_worker_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()


async def test_fail_rate_worker_with_several_faults(attack: Attack) -> None:
    # Bug class: a refusal that names the wrong fault. Two faults at once: the
    # rule docs/protocol.md ("Order of checks") lists first wins.
    market, b, rival = attack.market, attack.scene["b"], attack.scene["rival"]
    nobody = requester_profile_pda(Keypair().pubkey())[0]  # a profile never created
    other_table = market.table(attack.scene["other"])
    idle = worker_profile_pda(attack.scene["idle"].address)[0]
    stranger = instructions.rate_worker(
        rival.address, b.address, market.table(b), attack.key("worker_profile"), 0, [(0, 0)]
    )
    cases = [
        (swap(rate(attack, 0, []), "requester_profile", nobody), EmptyTaskList),
        (swap(rate(attack, 0, [(0, 0)]), "requester_profile", nobody), RequesterNotRegistered),
        (swap(rate(attack, 9, [(0, 0)]), "table", other_table), WrongTable),
        # The worker before its profile, the profile before the ratings.
        (swap(rate(attack, 9, [(0, 0)]), "worker_profile", idle), NotInRoster),
        (swap(rate(attack, 0, [(0, 0)]), "worker_profile", idle), WrongWorker),
        # Each rating in order: the first at fault decides.
        (rate(attack, 0, [(0, 6), (99, 4)]), InvalidStars),
        (rate(attack, 0, [(99, 4), (1, 0)]), ItemNotFound),
    ]
    await attack.refused(stranger, Unauthorized, [rival.wallet], "a stranger, bad stars")
    for ix, error in cases:
        await attack.refused(ix, error, what=error.__name__)
    await attack.expect_ok()  # items 0 and 1 rated
    # The window closed: after the signer, before the table and the ratings.
    market.backend.warp(b.expires_at - await attack.payer.now() + b.rating_window_secs + 1)
    await attack.refused(stranger, Unauthorized, [rival.wallet], "a stranger, window closed")
    late = swap(rate(attack, 0, [(2, 0)]), "table", other_table)
    await attack.refused(late, RatingWindowClosed, what="window closed, wrong table")
