"""`unstake(amount)`: staked AMP back to the owner, rewards settled first,
refused while a vote it cast is open; and every way to pass it the wrong
accounts or data."""

from __future__ import annotations

import pytest
from governance import RELEASE, earn_fees, make_dao
from solders.keypair import Keypair

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.clients._voter import FOR
from amplify_sdk.errors import (
    DuplicateAccount,
    InsufficientStake,
    InvalidAccountData,
    InvalidOwner,
    InvalidPda,
    StakeLocked,
    Unauthorized,
)
from amplify_sdk.protocol import config_pda
from amplify_sdk.protocol._pda import stake_pda, vault_pda
from amplify_sdk.protocol._token import token_balance
from market import Market


@pytest.fixture
async def attack(market: Market) -> Attack:
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    a, b = dao.voters
    await a.stake(40 * AMP)
    await b.stake(30 * AMP)
    await earn_fees(market, 2)  # rewards to settle
    market.backend.warp(RELEASE)  # all paid out by the time a unstakes
    ix = instructions.unstake(a.address, await a.amp_tokens(), 10 * AMP)
    payer = await market.other_requester()
    scene = {"a": a, "b": b}
    return Attack(market, ix, [a.wallet], payer, [stake_pda(b.address)[0], vault_pda()[0]], scene)


async def test_unstake_returns_tokens_and_settles_rewards(market: Market, attack: Attack) -> None:
    a = attack.scene["a"]
    before = (await a.stake_account()).pending
    await attack.expect_ok()
    s = await a.stake_account()
    assert s.amount == 30 * AMP
    # The two swept fees (5,000 each) were shared 40:30 before the amount changed.
    assert s.pending - before == 10_000 * 40 // 70
    acc = await market.backend.get_account(attack.key("owner_tokens"))
    assert acc is not None and token_balance(acc.data) == 70 * AMP


async def test_fail_unstake_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer. The owner is named but does not sign.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_unstake_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_unstake_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (token program, clock).
    await attack.substituted_programs()


async def test_fail_unstake_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_unstake_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_unstake_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_unstake_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_unstake_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_unstake_with_another_owners_stake(attack: Attack) -> None:
    # Bug class: substituted account of the right type: withdrawing another
    # holder's stake (to one's own token account).
    await attack.substituted([("stake_account", attack.watch[0], Unauthorized)])
    await attack.expect_ok()


async def test_fail_unstake_with_a_stake_account_that_does_not_exist(attack: Attack) -> None:
    # Bug class: fake PDA (an address holding nothing).
    await attack.substituted([("stake_account", Keypair().pubkey(), InvalidOwner)])


async def test_fail_unstake_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("stake_account", config_pda()[0], InvalidAccountData),
            ("governance", config_pda()[0], InvalidAccountData),
            ("treasury", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_unstake_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["stake_account", "governance", "treasury"], InvalidOwner)


async def test_fail_unstake_with_a_vault_that_is_not_the_governance_vault(
    attack: Attack,
) -> None:
    # Bug class: substituted token account.
    await attack.substituted([("vault", attack.key("owner_tokens"), InvalidPda)])


async def test_fail_unstake_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("governance", "stake_account", DuplicateAccount),
            ("governance", "treasury", DuplicateAccount),
            ("stake_account", "treasury", DuplicateAccount),
        ]
    )


async def test_fail_unstake_with_extreme_amounts(attack: Attack) -> None:
    # Bug class: integer extremes (nothing, more than staked, u64::MAX).
    await attack.arguments(
        [
            ({"amount": 0}, InsufficientStake),
            ({"amount": 40 * AMP + 1}, InsufficientStake),
            ({"amount": 2**64 - 1}, InsufficientStake),
        ]
    )
    await attack.expect_ok(attack.with_args(amount=40 * AMP))


async def test_fail_unstake_with_a_vote_open(market: Market, attack: Attack) -> None:
    # Bug class: double voting (unstake, move, stake again, vote again).
    a = attack.scene["a"]
    p = await a.propose({"SetPaused": {"paused": False}})
    await a.vote(p.address, FOR)
    await attack.refused(attack.ix, StakeLocked)
    market.backend.warp(99 - market.clock_slack)
    await attack.refused(attack.ix, StakeLocked)
    # The vote ends at voting_ends_at: free from then on.
    market.backend.warp(1 + market.clock_slack)
    await attack.expect_ok()
