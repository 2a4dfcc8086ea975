"""`cast_vote(choice)`: one vote per holder and proposal, weighing its whole
stake, which stays locked until the vote ends; and every way to pass it the
wrong accounts or data."""

from __future__ import annotations

import pytest
from governance import make_dao
from solders.keypair import Keypair

from adversarial import Attack, non_canonical_pda
from amplify_sdk import instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.clients._voter import AGAINST, FOR
from amplify_sdk.errors import (
    AlreadyExists,
    DuplicateAccount,
    InsufficientStake,
    InvalidAccountData,
    InvalidChoice,
    InvalidOwner,
    InvalidPda,
    ProposalNotActive,
    VotingClosed,
)
from amplify_sdk.protocol import Proposal, config_pda
from amplify_sdk.protocol._pda import stake_pda, vote_pda
from market import Market, swap


@pytest.fixture
async def attack(market: Market) -> Attack:
    dao = await make_dao(market, [100 * AMP, 100 * AMP, 100 * AMP])
    a, b, c = dao.voters
    await a.stake(50 * AMP)
    await b.stake(30 * AMP)
    await c.stake(10 * AMP)
    await c.unstake(10 * AMP)  # a stake account holding nothing
    p = await a.propose({"SetPaused": {"paused": False}})
    q = await a.propose({"SetPaused": {"paused": True}})
    ix = instructions.cast_vote(b.address, p.address, AGAINST)
    payer = await market.other_requester()
    scene = {"a": a, "b": b, "c": c, "p": p.address, "q": q.address}
    return Attack(market, ix, [b.wallet], payer, [stake_pda(a.address)[0], q.address], scene)


async def test_cast_vote_weighs_the_stake_and_locks_it(attack: Attack) -> None:
    b = attack.scene["b"]
    await attack.expect_ok()
    p = await b.fetch(Proposal, attack.scene["p"])
    assert (p.votes_for, p.votes_against, p.votes_abstain) == (0, 30 * AMP, 0)
    assert (await b.stake_account()).locked_until == p.voting_ends_at
    v = await b.vote_of(p.address, b.address)
    assert v is not None and (v.weight, v.choice, v.voter) == (30 * AMP, AGAINST, b.address)


async def test_fail_cast_vote_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer.
    await attack.missing_signers()
    await attack.expect_ok()


async def test_fail_cast_vote_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_cast_vote_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted program or sysvar (a forged clock would reopen a vote).
    await attack.substituted_programs()


async def test_fail_cast_vote_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_cast_vote_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_cast_vote_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_cast_vote_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_cast_vote_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_cast_vote_with_an_invalid_choice(attack: Attack) -> None:
    # Bug class: u8 extremes (a choice past abstain would count nowhere).
    await attack.arguments([({"choice": 3}, InvalidChoice), ({"choice": 255}, InvalidChoice)])


async def test_fail_cast_vote_with_a_second_vote(attack: Attack) -> None:
    # Bug class: double voting (the vote record exists once per voter and proposal).
    await attack.expect_ok()
    await attack.refused(attack.with_args(choice=FOR), AlreadyExists)


async def test_fail_cast_vote_with_someone_elses_stake(attack: Attack) -> None:
    # Bug class: substituted account of the right type (voting with another
    # holder's weight), and a stake that holds nothing.
    a, c = attack.scene["a"], attack.scene["c"]
    await attack.substituted([("stake_account", stake_pda(a.address)[0], InsufficientStake)])
    ix = instructions.cast_vote(c.address, attack.scene["p"], FOR)
    await attack.refused(ix, InsufficientStake, [c.wallet], "empty stake")
    thief = Keypair()
    await attack.market.backend.airdrop(thief.pubkey(), 10**9)
    forged = instructions.cast_vote(thief.pubkey(), attack.scene["p"], FOR)
    stolen = swap(forged, "stake_account", stake_pda(attack.key("voter"))[0])
    await attack.refused(stolen, InsufficientStake, [thief], "stranger with b's stake")


async def test_fail_cast_vote_with_a_vote_record_elsewhere(attack: Attack) -> None:
    # Bug class: fake PDA (a record of another proposal or voter would let the
    # same stake vote twice).
    p, q = attack.scene["p"], attack.scene["q"]
    voter = attack.key("voter")
    await attack.substituted(
        [
            ("vote_record", vote_pda(q, voter)[0], InvalidPda),
            ("vote_record", vote_pda(p, attack.scene["a"].address)[0], InvalidPda),
            ("vote_record", Keypair().pubkey(), InvalidPda),
            ("vote_record", non_canonical_pda([b"vote", bytes(p), bytes(voter)]), InvalidPda),
        ]
    )


async def test_fail_cast_vote_with_the_vote_over(market: Market, attack: Attack) -> None:
    # Bug class: time-window bypass.
    market.backend.warp(99 - market.clock_slack)
    await attack.expect_ok(attack.with_args(choice=FOR))  # the last second counts
    ix = instructions.cast_vote(attack.scene["a"].address, attack.scene["p"], FOR)
    market.backend.warp(1 + market.clock_slack)
    await attack.refused(ix, VotingClosed, [attack.scene["a"].wallet])


async def test_fail_cast_vote_with_an_executed_proposal(market: Market, attack: Attack) -> None:
    # Bug class: state-machine bypass (votes after execution).
    a = attack.scene["a"]
    await a.vote(attack.scene["q"], FOR)
    market.backend.warp(110)
    await a.execute(attack.scene["q"])
    ix = instructions.cast_vote(attack.key("voter"), attack.scene["q"], FOR)
    await attack.refused(ix, ProposalNotActive)


async def test_fail_cast_vote_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("proposal", config_pda()[0], InvalidAccountData),
            ("proposal", attack.key("stake_account"), InvalidAccountData),
            ("stake_account", config_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_cast_vote_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged proposal or stake).
    await attack.other_owner(["proposal", "stake_account"], InvalidOwner)


async def test_fail_cast_vote_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("proposal", "stake_account", DuplicateAccount),
            ("stake_account", "proposal", InvalidAccountData),
            ("proposal", "vote_record", AlreadyExists),
        ]
    )
