"""`create_batch`: parameters, fee snapshot (rounded up), deadline ticks, the
roster's room, and every refusal."""

from __future__ import annotations

import pytest
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack, non_canonical_pda
from amplify_sdk import PROGRAM_ID, BatchStatus, ProgramError, instructions
from amplify_sdk.errors import (
    AlreadyExists,
    ArithmeticOverflow,
    ExpiryTooFar,
    ForgeableGateError,
    InvalidAccountData,
    InvalidExpiry,
    InvalidInstructionData,
    InvalidMinRating,
    InvalidOwner,
    InvalidPda,
    InvalidPrice,
    InvalidRedundancy,
    InvalidReservation,
    MissingSigner,
    PriceBelowFee,
    ProtocolPaused,
    RosterTooLarge,
    UnreachableRating,
    UriTooLong,
)
from amplify_sdk.protocol import batch_pda, config_pda, load_idl, treasury_pda
from conftest import report
from gates import twin_ceiling
from market import Market, swap, with_data


def params(**overrides: object) -> dict[str, object]:
    p: dict[str, object] = {
        "price": 10_000,
        "bond": 500,
        "redundancy": 3,
        "min_rating": 0,
        "per_worker_cap": 0,
        "max_active": 100,
        "reservation_secs": 3600,
        "expires_at": 0,
        "encrypted": False,
        "roster_capacity": 16,
        "key_agent": Pubkey.default(),
        "instructions_hash": bytes(32),
        "base_uri": "ipfs://bafy/",
    }
    p.update(overrides)
    return p


async def test_create_batch_records_its_parameters(market: Market) -> None:
    req = market.requester
    now = await req.now()
    b = await req.create_batch(
        price=10_001,
        redundancy=3,
        bond=777,
        min_rating=3_500,
        per_worker_cap=40,
        max_active=25,
        reservation_secs=900,
        expires_at=now + 86_400,
        roster_capacity=10,
        base_uri="ipfs://bafy/",
        instructions_hash=b"\x07" * 32,
        batch_id=42,
    )
    report("create_batch CU", req.last_receipt.compute_units if req.last_receipt else 0)
    assert b.address == batch_pda(req.address, 42)[0]
    assert (b.price, b.bond, b.redundancy, b.min_rating) == (10_001, 777, 3, 3_500)
    assert (b.per_worker_cap, b.max_active, b.reservation_secs) == (40, 25, 900)
    assert b.status == BatchStatus.OPEN and b.requester == req.address == b.key_agent
    # 5% of 10,001 is 500.05: the fee rounds up to a whole lamport.
    assert b.fee_bps == 500 and b.fee_per_item == 501
    # A live node's clock may move between the read and the send.
    assert now <= b.created_at <= now + market.clock_slack and b.expires_at == now + 86_400
    # Deadlines are u16 ticks: the tick is the smallest that covers expiry + reservation.
    span = 86_400 + 900
    assert b.tick_secs == -(-span // 65_535)
    assert (b.roster_capacity, b.roster_len, b.roster) == (10, 0, ())
    assert b.base_uri == "ipfs://bafy/" and b.instructions_hash == b"\x07" * 32
    assert b.manifest_hash == bytes(32) and b.item_count == 0
    acc = await market.backend.get_account(b.address)
    assert acc is not None and acc.owner == PROGRAM_ID
    # Fixed part + base URI + 42 bytes per roster place; rent only.
    assert len(acc.data) == 376 + 4 + len("ipfs://bafy/") + 8 + 10 * 42
    assert acc.lamports == await market.backend.minimum_balance(len(acc.data))
    config = await req.get_config()
    assert config.batch_count == b.batch_number + 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"price": 0}, InvalidPrice),
        ({"redundancy": 0}, InvalidRedundancy),
        ({"redundancy": 65}, InvalidRedundancy),
        ({"min_rating": 5_001}, InvalidMinRating),
        ({"reservation_secs": 0}, InvalidReservation),
        ({"max_active": 0}, InvalidReservation),
        ({"expires_at": -1}, InvalidExpiry),
        ({"base_uri": "u" * 201}, UriTooLong),
        ({"roster_capacity": 0}, RosterTooLarge),
        ({"roster_capacity": 300}, RosterTooLarge),  # over 10 KiB in one instruction
    ],
)
async def test_fail_create_batch_with_bad_parameters(
    market: Market, overrides: dict[str, object], error: type[ProgramError]
) -> None:
    # Bug class: out-of-range parameters.
    req = market.requester
    now = await req.now()
    p = params(**{"expires_at": now + 3600, **overrides})
    if p["expires_at"] == -1:
        p["expires_at"] = now  # "now" is not in the future
    ix = instructions.create_batch(req.address, 7, **p)
    async with market.lamports(req.address) as bal:
        with pytest.raises(error):
            await req.send([ix])
        await bal.assert_unchanged(fee_payer=req.address)
    assert await market.backend.get_account(batch_pda(req.address, 7)[0]) is None


async def test_fail_create_batch_with_the_protocol_paused_or_the_id_taken(market: Market) -> None:
    # Bug class: state-machine bypass (a batch while paused) and re-initialization.
    req = market.requester
    await req.create_batch(price=1_000, batch_id=5)
    with pytest.raises(AlreadyExists):
        await req.create_batch(price=1_000, batch_id=5)
    await market.admin.set_paused(True)
    with pytest.raises(ProtocolPaused):
        await req.create_batch(price=1_000, batch_id=6)


async def test_fail_create_batch_with_forged_accounts(market: Market) -> None:
    # Bug class: fake PDA and missing signer.
    req = market.requester
    now = await req.now()
    base = instructions.create_batch(req.address, 9, **params(expires_at=now + 60))
    # Bug class: fake PDA (another requester's seeds, or a keypair address).
    for fake in (batch_pda(Keypair().pubkey(), 9)[0], Keypair().pubkey()):
        with pytest.raises(InvalidPda):
            await req.send([swap(base, "batch", fake)])
    # Bug class: missing signer (the requester named but not signing).
    other = await market.other_requester()
    forged = swap(
        instructions.create_batch(other.address, 9, **params(expires_at=now + 60)),
        "requester",
        signer=False,
    )
    with pytest.raises(MissingSigner):
        await req.send([forged])


async def test_fail_create_batch_with_an_expiry_its_ticks_cannot_keep_short(
    market: Market,
) -> None:
    # Bug class: unbounded rounding (issue 16, long ticks: a deadline rounds up
    # to a tick and a tick grows with the expiry, so a 60-second reservation
    # lasted 13.4 hours on a 100-year batch, holding a slot on one bond).
    req, secs = market.requester, 60
    century = 100 * 365 * 24 * 3600
    ticks = load_idl().constants["MAX_TICK"]
    assert ticks == 65_535
    # What a 60 s reservation lasted at most there: one tick of the old rule
    # (docs/protocol.md: a 48,121-second tick, 13.4 hours; at the longest
    # expiry accepted, a u32 tick: about 136 years).
    old_tick = -(-(century + secs) // ticks)
    assert old_tick == 48_121 and round(old_tick / 3600, 1) == 13.4
    assert round((2**32 - 1) / (365.25 * 86_400)) == 136
    before = old_tick + secs
    sent = len(req.receipts)
    with pytest.raises(ExpiryTooFar):
        await req.create_batch(price=10_000, reservation_secs=secs, expires_in=century)
    assert len(req.receipts) == sent  # refused before sending
    now = await req.now()
    longest = (ticks - 1) * secs  # 65,534 reservations
    # docs/protocol.md: 45.5 days (3,932,040 s) for 60 s, 7.5 years for an hour.
    assert longest == 3_932_040 and round(longest / 86_400, 1) == 45.5
    assert round((ticks - 1) * 3600 / (365.25 * 86_400), 1) == 7.5
    for expires in (now + century, now + longest + 1 + market.clock_slack):
        ix = instructions.create_batch(
            req.address, 12, **params(reservation_secs=secs, expires_at=expires)
        )
        async with market.lamports(req.address, batch_pda(req.address, 12)[0]) as bal:
            with pytest.raises(ExpiryTooFar):
                await req.send([ix])
            await bal.assert_unchanged(fee_payer=req.address)
    with pytest.raises(ExpiryTooFar):
        await req.create_batch(price=10_000, reservation_secs=secs, expires_in=longest + 1)

    # The longest batch a 60 s reservation allows: a tick of at most 60 s, so a
    # reservation made at its very end still lapses within two reservations.
    b = await market.batch(n_items=1, price=10_000, reservation_secs=secs, expires_in=longest)
    assert b.tick_secs <= secs
    market.backend.warp(b.expires_at - await req.now() - 1 - market.clock_slack)
    w = await market.worker()
    accepted_at = await w.now()
    assert (await w.accept_tasks(b.address, [0]))[0].ok
    ((_, deadline),) = await w.reservations(b.address)
    after = deadline - accepted_at
    assert secs <= after < 2 * secs
    report("long ticks: a 60 s reservation on a 100-year batch, before", f"{before:,} s")
    report("long ticks: the same reservation on the longest batch allowed now", f"{after} s")


@pytest.mark.parametrize(
    "tail",
    [
        b"",  # nothing
        b"\x01" * 10,  # truncated
        None,  # base_uri that is not UTF-8
    ],
    ids=["empty", "truncated", "uri-not-utf8"],
)
async def test_fail_create_batch_with_malformed_data(market: Market, tail: bytes | None) -> None:
    # Bug class: malformed instruction data (truncated, a URI that is not UTF-8).
    req = market.requester
    now = await req.now()
    ix = instructions.create_batch(req.address, 11, **params(expires_at=now + 60, base_uri="ab"))
    disc = load_idl().instructions["create_batch"].discriminator
    data = bytes(ix.data)
    # tail None: the URI's two bytes replaced by bytes that are not UTF-8.
    body = data[:-2] + b"\xff\xfe" if tail is None else disc + tail
    with pytest.raises(InvalidInstructionData):
        await req.send([with_data(ix, body)])


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    req = market.requester
    existing = await req.create_batch(price=1_000, batch_id=41)
    now = await req.now()
    ix = instructions.create_batch(req.address, 42, **params(expires_at=now + 7 * 24 * 3600))
    payer = await market.other_requester()
    return Attack(market, ix, [req.wallet], payer, [], {"existing": existing, "now": now})


async def test_fail_create_batch_with_integer_extremes(attack: Attack) -> None:
    # Bug class: u64/u32/u16/i64 extremes (a price whose fee overflows, an
    # expiry no u16 tick reaches, the widest ranges of every counter).
    now = attack.scene["now"]
    u64, i64 = 2**64 - 1, 2**63 - 1
    await attack.arguments(
        [
            ({"price": u64}, ArithmeticOverflow),
            ({"price": 1}, PriceBelowFee),
            ({"redundancy": 0}, InvalidRedundancy),
            ({"redundancy": 65}, InvalidRedundancy),
            ({"redundancy": 255}, InvalidRedundancy),
            ({"min_rating": 5_001}, InvalidMinRating),
            ({"min_rating": 65_535}, InvalidMinRating),
            ({"min_rating": 5_000}, UnreachableRating),  # above the ceiling, 4,584
            ({"reservation_secs": 0}, InvalidReservation),
            ({"max_active": 0}, InvalidReservation),
            ({"expires_at": now}, InvalidExpiry),
            ({"expires_at": -(2**63)}, InvalidExpiry),
            ({"expires_at": i64}, ExpiryTooFar),  # a tick far longer than a reservation
            ({"roster_capacity": 65_535}, RosterTooLarge),
            ({"base_uri": "u" * 201}, UriTooLong),
        ]
    )
    # The widest values that fit are accepted.
    await attack.expect_ok(
        attack.with_args(
            price=2**64 // 1_000,
            bond=u64,
            redundancy=64,
            min_rating=4_584,  # the ceiling at the default parameters
            per_worker_cap=2**32 - 1,
            max_active=65_535,
            reservation_secs=2**32 - 1,
            base_uri="u" * 200,
        )
    )


async def test_fail_create_batch_with_the_batch_at_another_address(attack: Attack) -> None:
    # Bug class: fake PDA (another requester's seeds, another id, a keypair
    # address, a non-canonical bump, an existing batch).
    req = attack.key("requester")
    seeds = [b"batch", bytes(req), (42).to_bytes(8, "little")]
    await attack.substituted(
        [
            ("batch", batch_pda(Keypair().pubkey(), 42)[0], InvalidPda),
            ("batch", batch_pda(req, 43)[0], InvalidPda),
            ("batch", Keypair().pubkey(), InvalidPda),
            ("batch", non_canonical_pda(seeds), InvalidPda),
            ("batch", attack.scene["existing"].address, AlreadyExists),
        ]
    )


async def test_fail_create_batch_with_an_existing_batch(attack: Attack) -> None:
    # Bug class: re-initialization (a batch reset with its escrow inside).
    await attack.expect_ok()
    await attack.refused(attack.ix, AlreadyExists)


async def test_fail_create_batch_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion (the treasury where the config goes).
    await attack.substituted([("config", treasury_pda()[0], InvalidAccountData)])


async def test_fail_create_batch_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged config with a zero fee).
    await attack.other_owner(["config"], InvalidOwner)


async def test_fail_create_batch_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("config", "batch", AlreadyExists),
            ("requester", "batch", InvalidPda),
            ("requester", "config", InvalidOwner),
        ]
    )
    assert attack.key("config") == config_pda()[0]


async def test_fail_create_batch_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_create_batch_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_create_batch_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_create_batch_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_create_batch_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_create_batch_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_create_batch_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_create_batch_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()


async def test_fail_create_batch_with_lying_vector_lengths(attack: Attack) -> None:
    # Bug class: vector lengths that lie (more than the data holds, u32::MAX, one less).
    await attack.lying_lengths()


DEFAULT_REPUTATION = {
    "prior_mean": 2_500,
    "neutral": 4_000,
    "distinct_cap": 4,
    "prior_weight": 20_000_000,
    "horizon": 25_000_000,
    "requester_horizon": 25_000_000,
    "max_weight_per_rating": 100_000,
    "max_weight_per_requester": 10_000_000,
    "qualifying_weight": 250_000,
}


@pytest.mark.parametrize(
    "changes",
    [
        {},  # the defaults: 4,584, the figure the issue measured
        {
            "prior_mean": 3_000,
            "distinct_cap": 2,
            "horizon": 10_000_000,
            "requester_horizon": 10_000_000,
            "max_weight_per_rating": 2_000_000,
        },
    ],
)
async def test_fail_create_batch_with_an_unreachable_min_rating(
    market: Market, changes: dict[str, int]
) -> None:
    # Bug class: a gate nobody can pass. min_rating 5,000 was accepted though
    # no worker can reach it: the batch could never be worked, its escrow
    # idle until expiry. The ceiling follows the current parameters.
    rep = {**DEFAULT_REPUTATION, **changes}
    if changes:
        await market.admin.send([instructions.set_reputation_params(market.admin.address, rep)])
    config = await market.admin.get_config()
    assert config.reputation.model_dump() == rep
    ceiling = twin_ceiling(rep)
    if not changes:
        assert ceiling == 4_584
    req = market.requester
    now = await req.now()

    def ix(batch_id: int, min_rating: int) -> Instruction:
        p = params(expires_at=now + 3600, min_rating=min_rating)
        return instructions.create_batch(req.address, batch_id, **p)

    # The program: the ceiling accepted, one above refused (raw instructions,
    # past the SDK's own check).
    await req.send([ix(31, ceiling)])
    assert (await req.get_batch(batch_pda(req.address, 31)[0])).min_rating == ceiling
    async with market.lamports(req.address) as bal:
        with pytest.raises(UnreachableRating):
            await req.send([ix(32, ceiling + 1)])
        await bal.assert_unchanged(fee_payer=req.address)
    assert await market.backend.get_account(batch_pda(req.address, 32)[0]) is None
    # The SDK refuses before sending anything.
    sent = len(req.receipts)
    with pytest.raises(UnreachableRating):
        await req.create_batch(price=10_000, min_rating=ceiling + 1, batch_id=33)
    assert len(req.receipts) == sent
    # (Capped at one item: a gate worth less than forging it.)
    b = await req.create_batch(price=10_000, min_rating=ceiling, per_worker_cap=1, batch_id=34)
    assert b.min_rating == ceiling


# -- gates whose price exceeds their prize (more in tests/test_gate_price.py) ------------


async def test_fail_create_batch_with_a_gate_worth_more_than_forging_it(market: Market) -> None:
    # Bug class: a rating gate cheaper to forge than what it protects (an
    # attacker with many keys buys an identity past it with a Sybil ring and
    # takes more than the ring's fees). Refused before sending, unless allowed.
    req = market.requester
    config = await req.get_config()
    price, rating = 100_000, 4_000
    payout = price - -(-price * config.fee_bps // 10_000)  # what a worker keeps: price − fee
    gate = await req.gate_price(price=price, min_rating=rating)
    assert gate is not None and gate.payout == payout
    cost = gate.forge_cost  # what the test above pays on chain
    assert cost is not None
    safe = cost // payout
    sent = len(req.receipts)
    # Uncapped: one identity can take the whole batch.
    with pytest.raises(ForgeableGateError) as uncapped:
        await req.create_batch(price=price, min_rating=rating, batch_id=51)
    e = uncapped.value
    assert (e.min_rating, e.forge_cost, e.prize, e.safe_cap) == (rating, cost, None, safe)
    assert "\n" not in str(e) and f"{cost:,}" in str(e)
    assert f"per_worker_cap <= {safe:,}" in str(e) and "allow_forgeable_gate=True" in str(e)
    # One item more than the forge cost pays for.
    with pytest.raises(ForgeableGateError) as capped:
        await req.create_batch(price=price, min_rating=rating, per_worker_cap=safe + 1, batch_id=52)
    assert capped.value.prize == (safe + 1) * payout > cost
    assert f"{(safe + 1) * payout:,} lamports" in str(capped.value)
    assert len(req.receipts) == sent
    for batch_id in (51, 52):
        assert await market.backend.get_account(batch_pda(req.address, batch_id)[0]) is None
    # At the cap the cost pays for, the batch opens and its figures are kept.
    b = await req.create_batch(price=price, min_rating=rating, per_worker_cap=safe, batch_id=53)
    assert b.per_worker_cap == safe and req.last_gate is not None
    assert req.last_gate.prize == safe * payout <= cost and not req.last_gate.forgeable
    # The requester's explicit override.
    b = await req.create_batch(
        price=price, min_rating=rating, batch_id=54, allow_forgeable_gate=True
    )
    assert b.min_rating == rating and req.last_gate is not None and req.last_gate.forgeable
    # No gate, nothing to price.
    await req.create_batch(price=price, batch_id=55)
    assert req.last_gate is None
    # A gate below the prior: a fresh identity's first 5-star, on work paying the
    # least fee there is (1 lamport), passes it; no cap makes it worth forging.
    with pytest.raises(ForgeableGateError) as low:
        await req.create_batch(price=price, min_rating=2_000, per_worker_cap=1, batch_id=56)
    assert (low.value.forge_cost, low.value.prize, low.value.safe_cap) == (1, payout, 0)
    assert "no cap helps" in str(low.value) and "per_worker_cap <=" not in str(low.value)
