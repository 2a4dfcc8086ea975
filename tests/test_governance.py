"""AMP governance on the real SPL Token program and the upgradeable loader:
staking, the treasury shared among stakers, proposals, votes, execution,
emissions."""

from __future__ import annotations

import pytest
from governance import FULL_WEIGHT_PRICE, RELEASE, earn_fees, make_dao, write_buffer
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.sysvar import CLOCK, RENT

from amplify_sdk import PROGRAM_ID, Amplify, TransactionError, VoterClient, instructions
from amplify_sdk.chain._embedded import EmbeddedBackend
from amplify_sdk.clients._admin import AMP, AMP_DECIMALS
from amplify_sdk.clients._voter import ABSTAIN, AGAINST, FOR
from amplify_sdk.errors import (
    AlreadyExists,
    FeeTooHigh,
    InsufficientHeld,
    InsufficientStake,
    NothingToClaim,
    ProposalExpired,
    ProposalNotActive,
    QuorumNotMet,
    StakeLocked,
    ThresholdNotMet,
    TimelockActive,
    Unauthorized,
    VotingActive,
    VotingClosed,
)
from amplify_sdk.protocol import Proposal, ProposalStage, program_bytes
from amplify_sdk.protocol._pda import BPF_LOADER_UPGRADEABLE, governance_pda, program_data_pda
from amplify_sdk.protocol._token import associated_token_address, token_balance
from conftest import report
from market import SOL, Market


async def test_governance_takes_over_admin_and_upgrades(market: Market) -> None:
    dao = await make_dao(market, [100 * AMP])
    g = await dao.voters[0].governance()
    assert (await market.admin.get_config()).admin == governance_pda()[0] == g.address
    data = (await market.backend.get_account(program_data_pda())).data  # type: ignore[union-attr]
    assert data[13:45] == bytes(governance_pda()[0])
    # The old admin key can no longer change what proposals govern.
    with pytest.raises(Unauthorized):
        await market.admin.set_paused(True)
    params = (await market.admin.get_config()).reputation.model_dump()
    with pytest.raises(Unauthorized):
        await market.admin.send([instructions.set_reputation_params(market.admin.address, params)])


async def test_a_fee_change_applies_to_new_batches_only(market: Market) -> None:
    dao = await make_dao(market, [100 * AMP, 50 * AMP])
    a, b = dao.voters
    await a.stake(100 * AMP)
    await b.stake(50 * AMP)
    before = await market.batch(n_items=1, price=100_000)
    p = await a.propose({"SetFee": {"fee_bps": 200}})
    await a.vote(p.address, FOR)
    await b.vote(p.address, AGAINST)
    with pytest.raises(VotingActive):
        await b.execute(p.address)
    assert (await stage(a, p)) is ProposalStage.VOTING
    market.backend.warp(101)
    with pytest.raises(TimelockActive):
        await b.execute(p.address)
    assert (await stage(a, p)) is ProposalStage.TIMELOCKED
    market.backend.warp(10)
    assert (await stage(a, p)) is ProposalStage.EXECUTABLE
    await b.execute(p.address)
    assert (await stage(a, p)) is ProposalStage.EXECUTED
    assert (await market.admin.get_config()).fee_bps == 200
    after = await market.batch(n_items=1, price=100_000, salt=b"new")
    assert (before.fee_per_item, after.fee_per_item) == (5_000, 2_000)
    assert (await market.requester.get_batch(before.address)).fee_per_item == 5_000
    with pytest.raises(ProposalNotActive):  # executed once only
        await b.execute(p.address)


async def test_proposals_refused(market: Market) -> None:
    dao = await make_dao(market, [100 * AMP, 5 * AMP, 900 * AMP])
    a, small, whale = dao.voters
    await a.stake(100 * AMP)
    await small.stake(5 * AMP)
    with pytest.raises(InsufficientStake):  # below min_stake_to_propose
        await small.propose({"SetPaused": {"paused": True}})
    with pytest.raises(FeeTooHigh):  # above the hard ceiling, refused when proposed
        await a.propose({"SetFee": {"fee_bps": 1_001}})
    await whale.stake(900 * AMP)
    # Quorum: 20% of 1,005 AMP staked. The small holder alone is not enough.
    p = await a.propose({"SetPaused": {"paused": True}})
    await small.vote(p.address, FOR)
    market.backend.warp(111)
    with pytest.raises(QuorumNotMet):
        await small.execute(p.address)
    assert (await stage(a, p)) is ProposalStage.DEFEATED
    # Threshold: the whale votes against.
    q = await a.propose({"SetPaused": {"paused": True}})
    await a.vote(q.address, FOR)
    await whale.vote(q.address, AGAINST)
    market.backend.warp(111)
    with pytest.raises(ThresholdNotMet):
        await a.execute(q.address)
    # Expiry: passed but left past its execution window.
    r = await a.propose({"SetPaused": {"paused": True}})
    await whale.vote(r.address, FOR)
    market.backend.warp(111 + 1_001)
    with pytest.raises(ProposalExpired):
        await a.execute(r.address)
    assert (await stage(a, r)) is ProposalStage.EXPIRED
    with pytest.raises(VotingClosed):
        await a.vote(r.address, ABSTAIN)
    assert (await market.admin.get_config()).paused is False


async def test_parameter_actions_need_only_their_fields(market: Market) -> None:
    # Struct parameters are given without their padding (`_pad`, zeros); the
    # executed proposals apply exactly what was proposed.
    dao = await make_dao(market, [100 * AMP])
    (a,) = dao.voters
    assert await a.amp_decimals() == AMP_DECIMALS
    await a.stake(100 * AMP)
    config = await market.admin.get_config()
    reputation = config.reputation.model_dump() | {"prior_mean": 2_500}
    emission = {"per_assignment": 7, "cap": 70, "min_stars": 5}
    params = (await a.governance()).params.model_dump() | {"quorum_bps": 3_000}
    proposals = [
        await a.propose({"SetReputationParams": {"params": reputation}}),
        await a.propose({"SetEmission": {"params": emission}}),
        await a.propose({"SetGovernanceParams": {"params": params}}),
    ]
    for p in proposals:
        await a.vote(p.address, FOR)
    market.backend.warp(111)
    for p in proposals:
        await a.execute(p.address)
    g = await a.governance()
    assert (await market.admin.get_config()).reputation.model_dump() == reputation
    assert g.emission.model_dump() == emission and g.params.model_dump() == params


async def stage(voter: VoterClient, p: Proposal) -> ProposalStage:
    return (await voter.fetch(Proposal, p.address)).stage(await voter.now())


async def test_the_same_tokens_never_vote_twice(market: Market) -> None:
    dao = await make_dao(market, [100 * AMP, 100 * AMP])
    a, c = dao.voters
    await a.stake(100 * AMP)
    p = await a.propose({"SetPaused": {"paused": True}})
    await a.vote(p.address, FOR)
    with pytest.raises(AlreadyExists):  # re-vote
        await a.vote(p.address, AGAINST)
    with pytest.raises(StakeLocked):  # unstake to move the tokens during the vote
        await a.unstake(100 * AMP)
    market.backend.warp(100)
    # After the vote the tokens are free; moved to another wallet and staked
    # again they cannot vote on the ended proposal.
    await a.unstake(100 * AMP)
    await c.stake(100 * AMP)
    with pytest.raises(VotingClosed):
        await c.vote(p.address, FOR)
    tally = await a.fetch(type(p), p.address)
    assert (tally.votes_for, tally.votes_against) == (100 * AMP, 0)


async def test_spend_only_from_what_the_treasury_holds(market: Market) -> None:
    # Fees that arrived before anyone staked are held: the protocol's own.
    await earn_fees(market, 20)
    dao = await make_dao(market, [100 * AMP])
    (a,) = dao.voters
    g = await a.governance()
    fee = 5_000
    assert g.held == 20 * fee
    await a.stake(100 * AMP)
    # An existing account (a new one would need at least its rent-exempt minimum).
    recipient = (await market.worker(register=False)).address
    start = await market.backend.get_balance(recipient)
    too_much = await a.propose({"Spend": {"recipient": recipient, "lamports": g.held + 1}})
    ok = await a.propose({"Spend": {"recipient": recipient, "lamports": g.held}})
    for p in (too_much, ok):
        await a.vote(p.address, FOR)
    market.backend.warp(111)
    with pytest.raises(InsufficientHeld):
        await a.execute(too_much.address)
    await a.execute(ok.address)
    assert await market.backend.get_balance(recipient) - start == 20 * fee
    assert (await a.governance()).held == 0


async def test_upgrade_by_proposal_only(market: Market) -> None:
    dao = await make_dao(market, [100 * AMP])
    (a,) = dao.voters
    await a.stake(100 * AMP)
    buffer = await write_buffer(market, governance_pda()[0])
    spill = Keypair().pubkey()
    before = (await market.backend.get_account(program_data_pda())).data  # type: ignore[union-attr]
    # Without a passed proposal nobody can upgrade: the loader wants the
    # governance PDA's signature.
    direct = Instruction(
        BPF_LOADER_UPGRADEABLE,
        (3).to_bytes(4, "little"),
        [
            AccountMeta(program_data_pda(), False, True),
            AccountMeta(PROGRAM_ID, False, True),
            AccountMeta(buffer, False, True),
            AccountMeta(spill, False, True),
            AccountMeta(RENT, False, False),
            AccountMeta(CLOCK, False, False),
            AccountMeta(governance_pda()[0], False, False),
        ],
    )
    with pytest.raises(TransactionError):
        await market.admin.send([direct])
    p = await a.propose({"UpgradeProgram": {"buffer": buffer, "spill": spill}})
    await a.vote(p.address, FOR)
    market.backend.warp(111)
    held = [await market.backend.get_balance(x) for x in (buffer, program_data_pda())]
    await a.execute(p.address)
    after = (await market.backend.get_account(program_data_pda())).data  # type: ignore[union-attr]
    assert after[4:12] != before[4:12]  # redeployed in a later slot
    assert await market.backend.get_account(buffer) is None  # the buffer was consumed
    # The loader pays the spill what the buffer held and what the ProgramData
    # no longer needs: every lamport accounted for.
    after_pd = await market.backend.get_balance(program_data_pda())
    assert await market.backend.get_balance(spill) == held[0] + held[1] - after_pd > 0
    # The upgraded program still runs.
    b = await market.batch(n_items=2, salt=b"after")
    assert b.item_count == 2
    report("upgrade executed", "ok")


async def v0_protocol_past_simd_0500(monkeypatch: pytest.MonkeyPatch) -> Market:
    """The v0 program, deployed before its cluster activated SIMD-0500, on a
    chain where v0 can no longer be deployed (AMPLIFY_PROGRAM=v3 configures
    the chain; the program is given explicitly)."""
    monkeypatch.setenv("AMPLIFY_PROGRAM", "v3")
    backend = EmbeddedBackend(program=program_bytes("v0"))
    wallet = Keypair()
    await backend.airdrop(wallet.pubkey(), 1_000 * SOL)
    backend.set_upgrade_authority(wallet.pubkey())
    amp = Amplify(backend, wallet)
    admin = amp.admin()
    await admin.initialize(await admin.create_amp_mint())
    return Market(amp, backend, admin, amp.requester())


async def test_upgrade_by_proposal_from_v0_to_v3_past_simd_0500(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 21: on a cluster past SIMD-0500 the governed v0 program can still be
    # fixed, by an upgrade to the v3 build; an upgrade to v0 fails there.
    market = await v0_protocol_past_simd_0500(monkeypatch)
    assert isinstance(market.backend, EmbeddedBackend)
    svm = market.backend.svm
    dao = await make_dao(market, [100 * AMP])
    (a,) = dao.voters
    await a.stake(100 * AMP)
    await earn_fees(market, 4)  # fees in the treasury
    half = await market.batch(n_items=3, salt=b"half")  # work in progress
    w = await market.worker()
    await w.accept_tasks(half.address, range(3))

    async def upgrade_to(code: bytes) -> Pubkey:
        buffer = await write_buffer(market, governance_pda()[0], code=code)
        p = await a.propose({"UpgradeProgram": {"buffer": buffer, "spill": Keypair().pubkey()}})
        await a.vote(p.address, FOR)
        market.backend.warp(111)
        return p.address

    stale = await upgrade_to(program_bytes("v0"))
    with pytest.raises(TransactionError) as refused:
        await a.execute(stale)
    assert "Detected sbpf_version required by the executable which are not enabled" in (
        refused.value.logs
    )
    proposal = await upgrade_to(program_bytes("v3"))
    before = dict(svm.get_program_accounts(PROGRAM_ID))
    await a.execute(proposal)
    after = dict(svm.get_program_accounts(PROGRAM_ID))
    data = (await market.backend.get_account(program_data_pda())).data  # type: ignore[union-attr]
    assert data[45:].rstrip(b"\0") == program_bytes("v3").rstrip(b"\0")
    # Every account of the protocol is as it was, but the two the execution
    # writes: the proposal (executed) and governance's record of it.
    assert set(after) == set(before)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {proposal, governance_pda()[0]}
    # And everything works on v3: the work in progress ends, new work runs.
    await w.submit_results(half.address, [(i, b"\x01") for i in range(3)])
    await market.requester.rate_assignments(half.address, [(i, w.address, 5) for i in range(3)])
    await market.requester.close_batch(half.address)
    await earn_fees(market, 2)
    await a.unstake(100 * AMP)


async def test_workers_earn_amp_for_well_rated_work_up_to_the_cap(market: Market) -> None:
    await make_dao(market, [100 * AMP])  # emission: 1,000 per full-weight rating of 4+, cap 4,500
    # A fee of max_weight_per_rating (100,000 at 5%): every rating at full weight.
    b = await market.batch(n_items=6, price=FULL_WEIGHT_PRICE)
    w = await market.worker()
    await w.accept_tasks(b.address, range(6))
    await w.submit_results(b.address, [(i, b"\x01") for i in range(6)])
    stars = [5, 4, 4, 5, 3, 4]  # five rated 4 or more
    await market.requester.rate_assignments(
        b.address, [(i, w.address, s) for i, s in enumerate(stars)]
    )
    p = await w.get_worker_profile(w.address)
    assert (p.well_rated, p.emission_credit, p.emission_paid) == (5, 5 * 1_000, 0)
    assert await w.claim_emissions() == 4_500  # 5,000 earned, the cap's 4,500 paid
    g = await market.amp.voter().governance()
    assert g.emitted == 4_500
    tokens = associated_token_address(w.address, g.amp_mint)
    acc = await market.backend.get_account(tokens)
    assert acc is not None and token_balance(acc.data) == 4_500
    p = await w.get_worker_profile(w.address)
    assert (p.emission_credit, p.emission_paid) == (5_000, 4_500)  # the rest kept
    with pytest.raises(NothingToClaim):  # nothing left under the cap
        await w.claim_emissions()


async def test_every_governance_event_is_emitted_and_decodes(market: Market) -> None:
    dao = await make_dao(market, [100 * AMP])  # GovernanceInitialized
    (a,) = dao.voters
    await a.stake(100 * AMP)  # Staked
    _, w = await earn_fees(market, 3)
    market.backend.warp(RELEASE)
    await a.claim()  # RewardsClaimed
    p = await a.propose({"SetPaused": {"paused": False}})  # ProposalCreated
    await a.vote(p.address, FOR)  # VoteCast
    market.backend.warp(111)
    await a.execute(p.address)  # ProposalExecuted
    b = await market.batch(n_items=1, salt=b"em")
    await w.accept_tasks(b.address, [0])
    await w.submit_results(b.address, [(0, b"\x01")])
    await market.requester.rate_assignments(b.address, [(0, w.address, 5)])
    await w.claim_emissions()  # EmissionsClaimed
    seen = {e.name: e.fields for c in (market.admin, a, w) for r in c.receipts for e in r.events}
    expected = {
        "GovernanceInitialized",
        "Staked",
        "RewardsClaimed",
        "ProposalCreated",
        "VoteCast",
        "ProposalExecuted",
        "EmissionsClaimed",
    }
    assert expected <= set(seen)
    # The sole staker gets the three fees, less at most a lamport of rounding
    # (shares are floored: the program never pays more than it holds).
    assert seen["RewardsClaimed"]["owner"] == a.address
    assert 3 * 5_000 - 1 <= seen["RewardsClaimed"]["lamports"] <= 3 * 5_000
    assert seen["VoteCast"]["weight"] == 100 * AMP
    assert seen["ProposalCreated"]["action"] == bytes([4, 0])  # SetPaused, false
