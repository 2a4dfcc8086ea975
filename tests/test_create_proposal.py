"""`create_proposal(action)`: a staker with enough AMP opens a proposal at the
next id; and every way to pass it the wrong accounts or data."""

from __future__ import annotations

import pytest
from governance import PARAMS, make_dao
from solders.keypair import Keypair

from adversarial import Attack, discriminator, non_canonical_pda
from amplify_sdk import instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.errors import (
    FeeTooHigh,
    InsufficientStake,
    InvalidAccountData,
    InvalidInstructionData,
    InvalidOwner,
    InvalidParams,
    InvalidPda,
)
from amplify_sdk.protocol import Proposal, config_pda
from amplify_sdk.protocol._pda import proposal_pda, stake_pda
from market import Market

REPUTATION = {
    "prior_mean": 2_500,
    "neutral": 4_000,
    "distinct_cap": 4,
    "_pad": bytes(3),
    "prior_weight": 10_000_000,
    "horizon": 25_000_000,
    "requester_horizon": 25_000_000,
    "max_weight_per_rating": 100_000,
    "max_weight_per_requester": 10_000_000,
    "qualifying_weight": 250_000,
}


@pytest.fixture
async def attack(market: Market) -> Attack:
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    a, small = dao.voters
    await a.stake(50 * AMP)
    await small.stake(PARAMS["min_stake_to_propose"] - 1)
    await a.propose({"SetPaused": {"paused": False}})  # id 0 exists; the next is 1
    ix = instructions.create_proposal(a.address, 1, {"SetPaused": {"paused": True}})
    payer = await market.other_requester()
    return Attack(market, ix, [a.wallet], payer, [proposal_pda(0)[0]], {"a": a, "small": small})


async def test_create_proposal_opens_the_next_id(market: Market, attack: Attack) -> None:
    a = attack.scene["a"]
    now = await a.now()
    await attack.expect_ok()
    p = await a.fetch(Proposal, proposal_pda(1)[0])
    assert (p.id, p.proposer, p.status) == (1, a.address, 0)
    # Opened at the transaction's clock: `now` itself on the embedded chain, a
    # moment later on a live node, whose clock follows the wall clock.
    opened = p.voting_ends_at - PARAMS["voting_period_secs"]
    assert now <= opened <= now + market.clock_slack
    assert p.executable_at == p.voting_ends_at + PARAMS["timelock_secs"]
    assert p.expires_at == p.executable_at + PARAMS["execution_window_secs"]
    assert p.staked_at_creation == 50 * AMP + PARAMS["min_stake_to_propose"] - 1
    assert p.action == {"SetPaused": {"paused": True}}
    assert (await a.governance()).proposal_count == 2


async def test_fail_create_proposal_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_create_proposal_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_create_proposal_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (clock, system program).
    await attack.substituted_programs()


async def test_fail_create_proposal_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_create_proposal_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_create_proposal_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_create_proposal_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_create_proposal_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_create_proposal_with_malformed_actions(attack: Attack) -> None:
    # Bug class: malformed enum (a tag past the last variant, a bool that is
    # neither 0 nor 1, a variant cut short).
    disc = discriminator("create_proposal")
    for args in (b"\x08\x00", b"\xff", b"\x04\x02", b"\x05" + bytes(39), b"\x00\xe8"):
        await attack.refused(attack.with_data(disc + args), InvalidInstructionData)


async def test_fail_create_proposal_with_invalid_actions(attack: Attack) -> None:
    # Bug class: out-of-range parameters, refused when proposed (voters must
    # judge a change that can be executed).
    bad_governance = {**PARAMS, "threshold_bps": 0}
    bad_quorum = {**PARAMS, "quorum_bps": 10_001}
    bad_reputation = {**REPUTATION, "horizon": 0}
    bad_emission = {"per_assignment": 1, "cap": 1, "min_stars": 6, "_pad": bytes(7)}
    await attack.arguments(
        [
            ({"action": {"SetFee": {"fee_bps": 1_001}}}, FeeTooHigh),
            ({"action": {"SetFee": {"fee_bps": 65_535}}}, FeeTooHigh),
            ({"action": {"SetReputationParams": {"params": bad_reputation}}}, InvalidParams),
            ({"action": {"SetGovernanceParams": {"params": bad_governance}}}, InvalidParams),
            ({"action": {"SetGovernanceParams": {"params": bad_quorum}}}, InvalidParams),
            ({"action": {"SetEmission": {"params": bad_emission}}}, InvalidParams),
        ]
    )
    await attack.expect_ok(attack.with_args(action={"SetFee": {"fee_bps": 1_000}}))


async def test_fail_create_proposal_with_too_little_stake(attack: Attack) -> None:
    # Bug class: missing authority (proposing needs min_stake_to_propose).
    small = attack.scene["small"]
    ix = instructions.create_proposal(small.address, 1, {"SetPaused": {"paused": True}})
    await attack.refused(ix, InsufficientStake, [small.wallet])
    # Another holder's stake account in the proposer's name.
    thief = Keypair()
    await attack.market.backend.airdrop(thief.pubkey(), 10**9)
    forged = attack.swap("proposer", thief.pubkey())
    await attack.refused(forged, InsufficientStake, [thief], "stranger with a's stake")
    await attack.refused(
        attack.swap("stake_account", stake_pda(small.address)[0]), InsufficientStake
    )


async def test_fail_create_proposal_with_the_proposal_at_another_address(attack: Attack) -> None:
    # Bug class: fake PDA. The id already taken, one ahead, a random address,
    # the next id with a non-canonical bump.
    await attack.substituted(
        [
            ("proposal", proposal_pda(0)[0], InvalidPda),
            ("proposal", proposal_pda(2)[0], InvalidPda),
            ("proposal", Keypair().pubkey(), InvalidPda),
            ("proposal", non_canonical_pda([b"proposal", (1).to_bytes(8, "little")]), InvalidPda),
        ]
    )


async def test_fail_create_proposal_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("stake_account", config_pda()[0], InvalidAccountData),
            ("governance", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_create_proposal_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner.
    await attack.other_owner(["stake_account", "governance"], InvalidOwner)


async def test_fail_create_proposal_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts. The governance read as the stake account
    # fails its type; the stake account as the proposal is no free address.
    await attack.twice(
        [
            ("governance", "stake_account", InvalidAccountData),
            ("stake_account", "governance", InvalidAccountData),
            ("stake_account", "proposal", InvalidPda),
            ("proposer", "proposal", InvalidPda),
        ]
    )
