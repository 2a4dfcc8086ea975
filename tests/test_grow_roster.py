"""`grow_roster`: room for more workers, with the roster's order preserved so
every worker already in it is still found (never given a second entry)."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.errors import (
    BatchCancelled,
    InvalidAccountData,
    InvalidOwner,
    RosterTooLarge,
    Unauthorized,
)
from amplify_sdk.protocol import config_pda, decode_account
from market import Market


async def test_grow_roster_keeps_workers_and_admits_new_ones(market: Market) -> None:
    b = await market.batch(n_items=20, roster_capacity=3, per_worker_cap=2)
    workers = [await market.worker() for _ in range(3)]
    for k, w in enumerate(workers):
        assert (await w.accept_tasks(b.address, [k]))[0].ok
    before_size = len(await market.data(b.address))
    before = await market.requester.balance()
    await market.requester.grow_roster(b.address, 5)
    receipt = market.requester.last_receipt
    assert receipt is not None
    grown = len(await market.data(b.address))
    assert grown - before_size == 5 * 42
    rent = await market.backend.minimum_balance(grown) - await market.backend.minimum_balance(
        before_size
    )
    assert before - await market.requester.balance() == rent + receipt.fee
    b2 = await market.requester.get_batch(b.address)
    assert (b2.roster_capacity, b2.roster_len) == (8, 3)
    assert [e.worker for e in b2.roster] == [w.address for w in workers]
    # Existing workers are found again (their cap holds: one more item each, then 2).
    for k, w in enumerate(workers):
        out = await w.accept_tasks(b.address, [10 + k, 15 + k])
        assert [o.ok for o in out] == [True, False]
    newcomer = await market.worker()
    assert (await newcomer.accept_tasks(b.address, [19]))[0].ok
    await market.assert_escrow_invariant(b.address)


async def test_grow_roster_leaves_the_new_places_empty(market: Market) -> None:
    # 16 places: the old `order` (4-byte length and 16 indices, 36 bytes) ran
    # past the first new place's 32-byte address into its counters.
    b = await market.batch(n_items=16, roster_capacity=16)
    workers = [await market.worker() for _ in range(16)]
    for k, w in enumerate(workers):
        assert (await w.accept_tasks(b.address, [k]))[0].ok
    await market.requester.grow_roster(b.address, 2)
    fields = decode_account("Batch", await market.data(b.address))
    assert len(fields["workers"]) == len(fields["order"]) == 18
    # Two new places (address, taken, active, pending), every byte zero.
    new = fields["workers"][16:]
    assert len(new) == 2 and not any(new.tobytes())
    assert fields["order"][16:].tolist() == [0, 0]
    b2 = await market.requester.get_batch(b.address)
    assert sorted(str(e.worker) for e in b2.roster) == sorted(str(w.address) for w in workers)


async def test_fail_grow_roster_with_bad_requests(market: Market) -> None:
    # Bug class: missing authority and u16 extremes.
    b = await market.batch(n_items=1, roster_capacity=4)
    stranger = await market.other_requester()
    with pytest.raises(Unauthorized):
        await stranger.send([instructions.grow_roster(stranger.address, b.address, 1)])
    with pytest.raises(RosterTooLarge):  # more than 10 KiB in one instruction
        await market.requester.send(
            [instructions.grow_roster(market.requester.address, b.address, 300)]
        )
    with pytest.raises(RosterTooLarge):  # more than 32,767 workers
        await market.requester.send(
            [instructions.grow_roster(market.requester.address, b.address, 32_765)]
        )
    await market.requester.cancel_batch(b.address)
    with pytest.raises(BatchCancelled):
        await market.requester.grow_roster(b.address, 1)


# -- adversarial ---------------------------------------------------------------


@pytest.fixture
async def attack(market: Market) -> Attack:
    b = await market.batch(n_items=2, roster_capacity=2)
    other = await market.batch(n_items=1, salt=b"other", requester=await market.other_requester())
    payer = await market.other_requester()
    ix = instructions.grow_roster(market.requester.address, b.address, 3)
    return Attack(market, ix, [market.requester.wallet], payer, [], {"b": b, "other": other})


async def test_fail_grow_roster_with_another_signer(attack: Attack) -> None:
    # Bug class: missing authority.
    stranger = Keypair()
    await attack.market.backend.airdrop(stranger.pubkey(), 10**9)
    await attack.refused(attack.swap("requester", stranger.pubkey()), Unauthorized, [stranger])
    await attack.substituted([("batch", attack.scene["other"].address, Unauthorized)])
    await attack.expect_ok()


async def test_fail_grow_roster_with_extreme_sizes(attack: Attack) -> None:
    # Bug class: u16 extremes (a roster past MAX_ROSTER, or past what one
    # instruction may grow an account by).
    await attack.arguments(
        [
            ({"extra": 65_535}, RosterTooLarge),
            ({"extra": 32_767 - 2 + 1}, RosterTooLarge),
            ({"extra": 300}, RosterTooLarge),  # 12,600 bytes: over the 10 KiB a call may add
        ]
    )
    await attack.expect_ok(attack.with_args(extra=240))


async def test_fail_grow_roster_with_a_cancelled_batch(market: Market, attack: Attack) -> None:
    # Bug class: state-machine bypass (rent locked into a dead batch).
    await market.requester.cancel_batch(attack.key("batch"))
    await attack.refused(attack.ix, BatchCancelled)


async def test_fail_grow_roster_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("batch", config_pda()[0], InvalidAccountData),
            ("batch", attack.market.table(attack.scene["b"]), InvalidAccountData),
        ]
    )


async def test_fail_grow_roster_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["batch"], InvalidOwner)


async def test_fail_grow_roster_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice([("requester", "batch", InvalidOwner)])


async def test_fail_grow_roster_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (an authority named but not signing).
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_grow_roster_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags (every account it writes, passed read-only).
    await attack.read_only()


async def test_fail_grow_roster_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a CPI target or clock the attacker chose).
    await attack.substituted_programs()


async def test_fail_grow_roster_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_grow_roster_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_grow_roster_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_grow_roster_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_grow_roster_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion (another type's discriminator).
    await attack.unknown_discriminators()
