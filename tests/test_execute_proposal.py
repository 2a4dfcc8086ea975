"""`execute_proposal()`: anyone carries out a passed proposal once, after its
vote and time lock and before it expires; and every way to pass it the wrong
accounts or data."""

from __future__ import annotations

import pytest
from governance import earn_fees, make_dao, write_buffer
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from adversarial import Attack
from amplify_sdk import instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.clients._voter import AGAINST, FOR, action_accounts
from amplify_sdk.errors import (
    DuplicateAccount,
    InsufficientHeld,
    InvalidAccountData,
    InvalidOwner,
    MissingSigner,
    ProposalExpired,
    ProposalNotActive,
    QuorumNotMet,
    ThresholdNotMet,
    TimelockActive,
    VotingActive,
    WrongActionAccounts,
)
from amplify_sdk.protocol import Proposal, config_pda, treasury_pda
from amplify_sdk.protocol._pda import governance_pda, program_data_pda, stake_pda
from conftest import report
from market import Market

FEE = 5_000


@pytest.fixture
async def attack(market: Market) -> Attack:
    await earn_fees(market, 4)  # held: fees from before anyone staked
    dao = await make_dao(market, [100 * AMP, 100 * AMP, 100 * AMP])
    a, b, c = dao.voters
    await a.stake(60 * AMP)
    await b.stake(30 * AMP)
    await c.stake(10 * AMP)
    recipient = (await market.worker(register=False)).address
    held = (await a.governance()).held
    assert held == 4 * FEE
    pause = await a.propose({"SetPaused": {"paused": True}})
    spend = await a.propose({"Spend": {"recipient": recipient, "lamports": held}})
    greedy = await a.propose({"Spend": {"recipient": recipient, "lamports": held + 1}})
    lost = await a.propose({"SetPaused": {"paused": True}})  # voted down
    quiet = await c.propose({"SetPaused": {"paused": True}})  # under quorum
    for p in (pause, spend, greedy):
        await a.vote(p.address, FOR)
    await b.vote(lost.address, AGAINST)
    await c.vote(lost.address, FOR)
    await c.vote(quiet.address, FOR)
    scene = {
        "a": a,
        "pause": pause,
        "spend": spend,
        "greedy": greedy,
        "lost": lost,
        "quiet": quiet,
        "recipient": recipient,
    }
    payer = await market.other_requester()
    ix = instructions.execute_proposal(payer.address, pause.address, action_accounts(pause))
    # Anyone executes: the payer itself signs as executor.
    watch = [p.address for p in (spend, greedy, lost, quiet)] + [recipient]
    market.backend.warp(110)  # past the vote (100 s) and the time lock (10 s)
    return Attack(market, ix, [], payer, watch, scene)


def execute(attack: Attack, key: str) -> Instruction:
    p = attack.scene[key]
    return instructions.execute_proposal(attack.payer.address, p.address, action_accounts(p))


async def test_execute_proposal_pauses_and_spends(market: Market, attack: Attack) -> None:
    await attack.expect_ok()
    assert (await market.admin.get_config()).paused is True
    recipient = attack.scene["recipient"]
    before = await market.backend.get_balance(recipient)
    await attack.expect_ok(execute(attack, "spend"))
    assert await market.backend.get_balance(recipient) == before + 4 * FEE
    assert (await attack.scene["a"].governance()).held == 0


async def test_fail_execute_proposal_with_a_missing_signer(attack: Attack) -> None:
    # Bug class: missing signer (the executor is anyone, but signs).
    other = Keypair()
    ix = attack.swap("executor", other.pubkey(), signer=False)
    await attack.refused(ix, MissingSigner, [], "unsigned executor")
    await attack.expect_ok()


async def test_fail_execute_proposal_with_read_only_accounts(attack: Attack) -> None:
    # Bug class: writable flags.
    await attack.read_only()


async def test_fail_execute_proposal_with_substituted_programs(attack: Attack) -> None:
    # Bug class: substituted sysvar (a forged clock would skip the time lock).
    await attack.substituted_programs()


async def test_fail_execute_proposal_with_missing_accounts(attack: Attack) -> None:
    # Bug class: short account list.
    await attack.missing_accounts()


async def test_fail_execute_proposal_with_truncated_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (truncated).
    await attack.truncated_data()


async def test_fail_execute_proposal_with_extended_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (trailing bytes).
    await attack.extended_data()


async def test_fail_execute_proposal_with_random_data(attack: Attack) -> None:
    # Bug class: malformed instruction data (random bytes).
    await attack.random_data()


async def test_fail_execute_proposal_with_an_unknown_discriminator(attack: Attack) -> None:
    # Bug class: instruction confusion.
    await attack.unknown_discriminators()


async def test_fail_execute_proposal_with_a_proposal_that_did_not_pass(attack: Attack) -> None:
    # Bug class: governance bypass (a proposal under quorum or voted down).
    await attack.refused(execute(attack, "quiet"), QuorumNotMet)
    await attack.refused(execute(attack, "lost"), ThresholdNotMet)


async def test_fail_execute_proposal_with_the_time_outside_its_window(
    market: Market, attack: Attack
) -> None:
    # Bug class: time-window bypass (during the vote, the time lock, after expiry).
    a = attack.scene["a"]
    p = await a.propose({"SetPaused": {"paused": True}})
    await a.vote(p.address, FOR)
    ix = instructions.execute_proposal(attack.payer.address, p.address, [])
    await attack.refused(ix, VotingActive)
    market.backend.warp(100)
    await attack.refused(ix, TimelockActive)
    market.backend.warp(10 + 1_000 + 1)
    await attack.refused(ix, ProposalExpired)


async def test_fail_execute_proposal_with_an_executed_proposal(attack: Attack) -> None:
    # Bug class: replay (an executed proposal stays executed).
    await attack.expect_ok()
    await attack.refused(attack.ix, ProposalNotActive)


async def test_fail_execute_proposal_with_a_spend_over_what_is_held(attack: Attack) -> None:
    # Bug class: over-spending the treasury (stakers' rewards are not the
    # protocol's to spend).
    await attack.refused(execute(attack, "greedy"), InsufficientHeld)


async def test_fail_execute_proposal_with_the_wrong_action_accounts(attack: Attack) -> None:
    # Bug class: substituted remaining account (paying someone the proposal
    # did not name).
    spend = execute(attack, "spend")
    thief = Keypair().pubkey()
    base = Attack(attack.market, spend, [], attack.payer, attack.watch)
    await base.refused(base.with_remaining([]), WrongActionAccounts, what="no recipient")
    await base.refused(
        base.with_remaining([AccountMeta(thief, False, True)]), WrongActionAccounts, what="thief"
    )
    await base.refused(
        base.with_remaining([AccountMeta(treasury_pda()[0], False, True)]),
        WrongActionAccounts,
        what="the treasury itself",
    )
    await base.expect_ok()


async def test_fail_execute_proposal_with_accounts_of_the_wrong_type(attack: Attack) -> None:
    # Bug class: type confusion.
    await attack.substituted(
        [
            ("proposal", config_pda()[0], InvalidAccountData),
            ("proposal", stake_pda(attack.scene["a"].address)[0], InvalidAccountData),
            ("governance", config_pda()[0], InvalidAccountData),
            ("config", treasury_pda()[0], InvalidAccountData),
        ]
    )


async def test_fail_execute_proposal_with_accounts_of_another_owner(attack: Attack) -> None:
    # Bug class: wrong owner (a forged proposal that "passed").
    await attack.other_owner(["proposal", "governance", "config", "treasury"], InvalidOwner)


async def test_fail_execute_proposal_with_the_same_account_in_two_roles(attack: Attack) -> None:
    # Bug class: duplicate accounts.
    await attack.twice(
        [
            ("proposal", "governance", DuplicateAccount),
            ("config", "treasury", DuplicateAccount),
            ("governance", "config", DuplicateAccount),
            ("governance", "treasury", DuplicateAccount),
        ]
    )


async def _passed(market: Market, action: dict[str, object]) -> Proposal:
    """A proposal of `action` that passed, its time lock over."""
    dao = await make_dao(market, [100 * AMP])
    (a,) = dao.voters
    await a.stake(100 * AMP)
    p = await a.propose(action)
    await a.vote(p.address, FOR)
    market.backend.warp(111)
    return p


def upgrade_authority(data: bytes) -> Pubkey | None:
    """ProgramData: tag u32, slot u64, Option<authority>."""
    return Pubkey.from_bytes(data[13:45]) if data[12] == 1 else None


async def test_fail_execute_proposal_with_a_buffer_for_the_program_data(market: Market) -> None:
    # Bug class: substituted remaining account (issue 16, upgrade-authority
    # grief: a loader buffer whose authority is governance passed as the
    # program data took the authority change and spent the passed proposal,
    # about 1.2M lamports per grief; the real execution then failed).
    heir = Keypair().pubkey()
    p = await _passed(market, {"SetUpgradeAuthority": {"new_authority": heir}})
    griefer = await market.other_requester()
    decoy = await write_buffer(market, governance_pda()[0], code=bytes(8))
    decoy_rent = await market.backend.get_balance(decoy)
    assert 1_150_000 < decoy_rent < 1_250_000  # "about 1.2M lamports per grief"
    real = action_accounts(p)
    forged = [AccountMeta(decoy, False, True), *real[1:]]
    ix = instructions.execute_proposal(griefer.address, p.address, forged)
    watch = [decoy, program_data_pda(), p.address, heir]
    attack = Attack(market, ix, [], griefer, watch)
    before = await griefer.balance()
    await attack.refused(ix, WrongActionAccounts, what="a governance buffer as program data")
    # The griefer's cost is now its refused transaction (nothing over RPC); the
    # buffer it needed is still its own, still governance's to sign for.
    report("upgrade-authority grief: the griefer's loss, refused", before - await griefer.balance())
    report("upgrade-authority grief: what the griefer had to fund (buffer rent)", decoy_rent)
    # The proposal stands and does what it says.
    await attack.expect_ok(instructions.execute_proposal(griefer.address, p.address, real))
    data = await market.data(program_data_pda())
    assert upgrade_authority(data) == heir


async def test_fail_execute_proposal_with_an_upgrade_from_other_loader_accounts(
    market: Market,
) -> None:
    # Bug class: substituted remaining account (an upgrade aimed at another
    # ProgramData, or from a buffer the proposal does not name).
    named = await write_buffer(market, governance_pda()[0], code=bytes(8))
    p = await _passed(market, {"UpgradeProgram": {"buffer": named, "spill": Keypair().pubkey()}})
    decoy = await write_buffer(market, governance_pda()[0], code=bytes(8))
    payer = await market.other_requester()
    real = list(action_accounts(p))
    attack = Attack(
        market,
        instructions.execute_proposal(payer.address, p.address, real),
        [],
        payer,
        [named, decoy, program_data_pda(), p.address],
    )
    for at, key, what in [
        (0, decoy, "a governance buffer as program data"),
        (0, Keypair().pubkey(), "any account as program data"),
        (2, decoy, "a buffer the proposal does not name"),
    ]:
        metas = list(real)
        metas[at] = AccountMeta(key, False, True)
        ix = instructions.execute_proposal(payer.address, p.address, metas)
        await attack.refused(ix, WrongActionAccounts, what=what)
