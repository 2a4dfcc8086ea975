"""`close_batch`: a done batch closes at once with all its tables, fees to the
treasury and every lamport of rent and unspent escrow back to the requester."""

from __future__ import annotations

from pathlib import Path

import pytest
from skills import skill_scene
from solders.instruction import AccountMeta
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import (
    AccountNotWritable,
    BatchNotDone,
    BatchSkillsOutstanding,
    DuplicateAccount,
    InvalidAccountData,
    InvalidOwner,
    InvalidPda,
    ReservationsOutstanding,
    TablesOutstanding,
    Unauthorized,
    WrongTable,
)
from amplify_sdk.protocol import batch_skills_pda, config_pda, treasury_pda
from market import SIGNATURE_FEE, Market


async def test_a_finished_batch_closes_at_once(market: Market) -> None:
    price, redundancy, n = 10_000, 3, 40
    b = await market.batch(n_items=n, price=price, redundancy=redundancy)
    workers = [await market.worker() for _ in range(redundancy)]
    for w in workers:
        await w.accept_tasks(b.address, range(n))
        await w.submit_results(b.address, [(i, b"\x03") for i in range(n)])
    req = market.requester
    b = await req.get_batch(b.address)
    accounts = [b.address, market.table(b)]
    rent = sum([await market.rent(a) for a in accounts])
    treasury_before = await market.backend.get_balance(treasury_pda()[0])
    before = await req.balance()
    # No waiting for expiry: the last submission made it done.
    await req.close_batch(b.address)
    receipt = req.last_receipt
    assert receipt is not None
    fee_per_item = -(-price * 500 // 10_000)
    assert await market.backend.get_balance(treasury_pda()[0]) - treasury_before == (
        fee_per_item * n * redundancy
    )
    assert await req.balance() - before == rent - receipt.fee
    for a in accounts:
        assert await market.backend.get_account(a) is None
    assert [e.name for e in receipt.events] == ["FeesSwept", "BatchClosed"]
    # The event's `returned` is every lamport the requester got back: the
    # table's rent and the batch's (IDL: BatchClosed.returned).
    assert receipt.events[1].fields["returned"] == rent


async def test_close_batch_refuses_until_done(market: Market) -> None:
    b = await market.batch(n_items=3, reservation_secs=60)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    req = market.requester
    with pytest.raises(ReservationsOutstanding):
        await req.close_batch(b.address)
    await w.submit_results(b.address, [(0, b"\x01")])
    with pytest.raises(BatchNotDone):  # items 1 and 2 are still open
        await req.close_batch(b.address)
    # Cancelling refunds the open slots; then it closes in the same breath.
    before = await req.balance()
    rent = await market.rent(b.address) + await market.rent(market.table(b))
    await req.cancel_batch(b.address)
    await req.close_batch(b.address)
    fees = sum(r.fee for r in req.receipts[-2:])
    assert await req.balance() - before == 2 * b.price + rent - fees


async def test_an_expired_batch_returns_the_escrow_of_untaken_slots(market: Market) -> None:
    b = await market.batch(n_items=4, price=5_000, expires_in=1_000)
    market.backend.warp(1_001)
    before = await market.requester.balance()
    rent = await market.rent(b.address) + await market.rent(market.table(b))
    await market.requester.close_batch(b.address)
    receipt = market.requester.last_receipt
    assert receipt is not None and receipt.fee == SIGNATURE_FEE
    fee = SIGNATURE_FEE  # one signature (the receipt says so too)
    assert await market.requester.balance() - before == 4 * 5_000 + rent - fee
    (closed,) = [e for e in receipt.events if e.name == "BatchClosed"]
    assert closed.fields["returned"] == 4 * 5_000 + rent


async def test_fail_close_batch_with_missing_or_foreign_tables(market: Market) -> None:
    # Bug class: substituted remaining accounts (tables left open, foreign, or doubled).
    req = market.requester
    b = await market.batch(n_items=2)
    other = await market.batch(n_items=2, salt=b"o")
    await req.cancel_batch(b.address)
    t = market.table(b)
    cases = [
        (instructions.close_batch(req.address, b.address, []), TablesOutstanding),
        (instructions.close_batch(req.address, b.address, [market.table(other)]), WrongTable),
        (instructions.close_batch(req.address, b.address, [t, t]), TablesOutstanding),
        (instructions.close_batch(req.address, b.address, [b.address]), DuplicateAccount),
        (instructions.close_batch(req.address, b.address, [Keypair().pubkey()]), InvalidOwner),
    ]
    for ix, error in cases:
        async with market.lamports(req.address, b.address, t) as bal:
            with pytest.raises(error):
                await req.send([ix])
            await bal.assert_unchanged(fee_payer=req.address)
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([instructions.close_batch(stranger.address, b.address, [t])])


async def test_a_recreated_batch_is_never_confused_with_the_old_one(market: Market) -> None:
    # The SDK caches nothing: a batch closed and created again at the same
    # address (same id) is read afresh, and its tables are its own.
    req = market.requester
    b = await market.batch(n_items=3, batch_id=77)
    w = await market.worker()
    await w.accept_tasks(b.address, [0])
    await w.submit_results(b.address, [(0, b"\x01")])
    await req.cancel_batch(b.address)
    await req.close_batch(b.address)
    b2 = await market.batch(n_items=5, batch_id=77)
    assert b2.address == b.address and b2.batch_number != b.batch_number
    out = await w.accept_tasks(b2.address, range(5))
    assert all(o.ok for o in out)
    out = await w.submit_results(b2.address, [(i, b"\x02") for i in range(5)])
    assert all(o.ok for o in out)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    req = market.requester
    # Two tables: the first upload sizes table 0 to its items, the second opens table 1.
    b = await req.create_batch(price=1_000)
    hashes = [bytes([i]) * 32 for i in range(4)]
    first = await req.add_tasks(b.address, hashes[:2])
    await req.add_tasks(b.address, hashes, uploads=first)
    b = await req.get_batch(b.address)
    assert b.table_count == 2
    w = await market.worker()
    await w.accept_tasks(b.address, range(4))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(4)])
    other = await market.batch(n_items=1, salt=b"other")
    busy = await market.batch(n_items=2, salt=b"busy")
    await w.accept_tasks(busy.address, [0])
    payer = await market.other_requester()
    tables = [market.table(b, 0), market.table(b, 1)]
    ix = instructions.close_batch(req.address, b.address, tables)
    scene = {"b": b, "other": other, "busy": busy, "tables": tables}
    return Attack(market, ix, [req.wallet], payer, [treasury_pda()[0]], scene)


async def test_fail_close_batch_with_the_wrong_tables(attack: Attack) -> None:
    # Bug class: substituted remaining accounts (a table left open with rent
    # locked, another batch's table closed, one table passed twice).
    t0, t1 = attack.scene["tables"]
    foreign = attack.market.table(attack.scene["other"])
    cases = [
        ([], TablesOutstanding),
        ([t0], TablesOutstanding),
        ([t0, t1, t1], TablesOutstanding),
        ([t0, foreign], WrongTable),
        ([t0, t0], InvalidOwner),  # the copy is reached after the first closed
        ([t1, attack.key("batch")], DuplicateAccount),
        ([t0, attack.key("requester")], InvalidOwner),
        ([t0, config_pda()[0]], InvalidAccountData),
    ]
    for tables, error in cases:
        ix = attack.with_remaining([AccountMeta(t, False, True) for t in tables])
        await attack.refused(ix, error, what=f"tables {tables}")
    ro = attack.with_remaining([AccountMeta(t0, False, True), AccountMeta(t1, False, False)])
    await attack.refused(ro, AccountNotWritable, what="a read-only table")
    # Any order of the tables will do.
    await attack.expect_ok(
        attack.with_remaining([AccountMeta(t1, False, True), AccountMeta(t0, False, True)])
    )


async def test_fail_close_batch_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority (rent and escrow to whoever closes).
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])


async def test_fail_close_batch_with_the_batch_not_done(market: Market, attack: Attack) -> None:
    # Bug class: state-machine bypass (closing with a reservation out, or
    # open slots before expiry).
    busy = attack.scene["busy"]
    req = attack.key("requester")
    ix = instructions.close_batch(req, busy.address, [market.table(busy)])
    await attack.refused(ix, ReservationsOutstanding)
    other = attack.scene["other"]
    ix = instructions.close_batch(req, other.address, [market.table(other)])
    await attack.refused(ix, BatchNotDone)


async def test_fail_close_batch_with_fees_sent_elsewhere(attack: Attack) -> None:
    # Bug class: substituted destination (fees swept to an account the attacker controls).
    thief = Keypair().pubkey()
    await attack.market.backend.airdrop(thief, 10**9)
    await attack.substituted(
        [
            ("treasury", thief, InvalidOwner),
            ("treasury", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_close_batch_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted([("batch", config_pda()[0], InvalidAccountData)])


async def test_fail_close_batch_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["batch", "treasury"], InvalidOwner)


async def test_fail_close_batch_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts (the batch closed into itself, or as its
    # own treasury).
    await attack.twice(
        [
            ("batch", "treasury", DuplicateAccount),
            ("treasury", "batch", InvalidAccountData),
            ("requester", "batch", InvalidOwner),
        ]
    )


async def test_fail_close_batch_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_close_batch_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_close_batch_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_close_batch_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_close_batch_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()
    await attack.truncated_data()


async def test_fail_close_batch_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_close_batch_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_close_batch_with_several_faults(market: Market, attack: Attack) -> None:
    # Bug class: a refusal that names the wrong fault. Two or more faults at
    # once: the rule docs/protocol.md ("Order of checks") lists first wins.
    busy = attack.scene["busy"]  # item 0 reserved, item 1 open
    req = attack.key("requester")
    stranger = Keypair()
    await market.backend.airdrop(stranger.pubkey(), 10**9)
    foreign = market.table(attack.scene["other"])
    t0, t1 = attack.scene["tables"]
    cases = [
        # A stranger, a reservation out, open items, no table: the signer first.
        (instructions.close_batch(stranger.pubkey(), busy.address, []), Unauthorized),
        # A reservation out, open items, no table: the reservation.
        (instructions.close_batch(req, busy.address, []), ReservationsOutstanding),
        # Open items before expiry, and another batch's table: not done.
        (instructions.close_batch(req, attack.scene["other"].address, [t0]), BatchNotDone),
    ]
    for ix, error in cases:
        signers = [stranger] if error is Unauthorized else None
        await attack.refused(ix, error, signers, what=error.__name__)
    # Done, with one table too many and it foreign: the count first.
    metas = [AccountMeta(t, False, True) for t in (foreign, t0, t1)]
    await attack.refused(attack.with_remaining(metas), TablesOutstanding, what="3 tables")
    # The right count, the first a foreign one and the second another
    # program's: the tables in the order passed.
    other_owner = await attack.clone(t1, Keypair().pubkey())
    metas = [AccountMeta(t, False, True) for t in (foreign, other_owner)]
    await attack.refused(attack.with_remaining(metas), WrongTable, what="foreign, then not ours")
    metas = [AccountMeta(t, False, True) for t in (other_owner, foreign)]
    await attack.refused(attack.with_remaining(metas), InvalidOwner, what="not ours, then foreign")


async def test_close_batch_returns_the_skill_requirement_rent(
    market: Market, tmp_path: Path
) -> None:
    s = await skill_scene(market, tmp_path)
    req = market.requester
    bs = batch_skills_pda(s.batch.address)[0]
    accounts = [s.batch.address, market.table(s.batch), bs]
    rent = sum([await market.rent(a) for a in accounts])
    assert await market.rent(bs) > 0
    await req.cancel_batch(s.batch.address)
    before = await req.balance()
    await req.close_batch(s.batch.address)
    receipt = req.last_receipt
    assert receipt is not None
    # Every account gone, and its rent back with the requester (no escrow
    # was left: cancelling refunded it).
    for a in accounts:
        assert await market.backend.get_account(a) is None
    assert await req.balance() - before == rent - receipt.fee
    assert receipt.events[-1].fields["returned"] == rent


async def test_fail_close_batch_with_a_wrong_skill_requirement(
    market: Market, tmp_path: Path
) -> None:
    # Bug class: substituted remaining account (another batch's BatchSkills,
    # a fake one, one of another owner, a missing one, a read-only one).
    s = await skill_scene(market, tmp_path)
    req = market.requester
    other = await market.batch(n_items=2, salt=b"o")
    await req.require_skills(other.address, [(s.skill.address, 10)])
    mine, theirs = batch_skills_pda(s.batch.address)[0], batch_skills_pda(other.address)[0]
    t = market.table(s.batch)
    close = instructions.close_batch
    with pytest.raises(BatchNotDone):  # not closable yet: nothing moves
        await req.send([close(req.address, s.batch.address, [t, mine])])
    await req.cancel_batch(s.batch.address)
    cases = [
        (close(req.address, s.batch.address, [t]), BatchSkillsOutstanding),
        (close(req.address, s.batch.address, [t, theirs]), InvalidPda),
        # A program-owned account of another type at its place (fake PDA):
        # an account too many, as a table passed twice is.
        (close(req.address, s.batch.address, [t, s.skill.address]), TablesOutstanding),
        (close(req.address, s.batch.address, [t, Keypair().pubkey()]), InvalidOwner),
        (close(req.address, s.batch.address, [t, mine, mine]), TablesOutstanding),
    ]
    ro_mine = close(req.address, s.batch.address, [t])
    ro_mine.accounts = [*ro_mine.accounts, AccountMeta(mine, is_signer=False, is_writable=False)]
    cases.append((ro_mine, AccountNotWritable))
    for ix, error in cases:
        async with market.lamports(req.address, s.batch.address, t, mine, theirs) as bal:
            with pytest.raises(error):
                await req.send([ix])
            await bal.assert_unchanged(fee_payer=req.address)
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([close(stranger.address, s.batch.address, [t, mine])])
    await req.send([close(req.address, s.batch.address, [t, mine])])
    assert await market.backend.get_account(mine) is None
    assert await market.backend.get_account(theirs) is not None


async def test_a_lifted_requirement_closes_with_or_without_its_account(
    market: Market, tmp_path: Path
) -> None:
    s = await skill_scene(market, tmp_path)
    req = market.requester
    other = await market.batch(n_items=2, salt=b"o")
    for b in (s.batch, other):
        await req.require_skills(b.address, [(s.skill.address, 10)])
        await req.require_skills(b.address, [])
        await req.cancel_batch(b.address)
    # Lifted: the account is optional; passed, it closes too.
    await req.send([instructions.close_batch(req.address, other.address, [market.table(other)])])
    assert await market.backend.get_account(batch_skills_pda(other.address)[0]) is not None
    await req.close_batch(s.batch.address)
    assert await market.backend.get_account(batch_skills_pda(s.batch.address)[0]) is None
