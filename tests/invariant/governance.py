"""Governance: hand-over, stake, unstake, claims with fees flowing, fee votes."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import (
    precondition,
    rule,
)

from amplify_sdk import TransactionError, instructions
from amplify_sdk.clients._admin import AMP
from amplify_sdk.protocol import _program_errors as E
from amplify_sdk.protocol import (
    treasury_pda,
)
from amplify_sdk.protocol._models import Governance
from amplify_sdk.protocol._pda import (
    governance_pda,
    mint_authority_pda,
    proposal_pda,
    stake_pda,
    vault_pda,
    vote_pda,
)
from amplify_sdk.protocol._token import (
    set_mint_authority,
    set_upgrade_authority,
    token_balance,
)

from .base import (
    EngineBase,
    Refused,
)
from .model import (
    GovM,
)
from .spec import (
    EMISSION,
    GOV_PARAMS,
    N_REQUESTERS,
    N_VOTERS,
    N_WORKERS,
)


class GovernanceRules(EngineBase):
    @precondition(lambda self: not self.gov.exists)
    @rule()
    def init_governance(self) -> None:
        admin = self.admin
        g, vault = governance_pda()[0], vault_pda()[0]
        self.track(g, vault)
        self.send(
            admin,
            [
                set_upgrade_authority(admin.address, g),
                set_mint_authority(self.mint, admin.address, mint_authority_pda()[0]),
                instructions.initialize_governance(admin.address, self.mint, GOV_PARAMS, EMISSION),
            ],
            label="init_governance",
        )
        gov_len = len(self.svm.get_account(g).data)  # type: ignore[union-attr]
        self.move(admin.address, g, self.rent(gov_len))
        self.move(admin.address, vault, self.rent(165))
        self.gov.exists = True
        self.gov.update(self.now())
        self.paused_by_gov = self.paused

    @precondition(lambda self: self.gov.exists)
    @rule(
        v=st.integers(0, N_VOTERS - 1), amount=st.sampled_from([1, 10 * AMP, 40 * AMP, 101 * AMP])
    )
    def stake(self, v: int, amount: int) -> None:
        voter = self.voters[v]
        ix = instructions.stake(voter.address, self.ata(voter), amount)
        tokens = token_balance(self.svm.get_account(self.ata(voter)).data)  # type: ignore[union-attr]
        if amount > tokens:
            # The token program refuses the transfer (insufficient funds, 1).
            self.send(voter, [ix], refused=Refused(TransactionError, 1), label="stake")
            return
        first = v not in self.gov.staked
        if first:
            self.track(stake_pda(voter.address)[0])
        self.send(voter, [ix], label="stake")
        if first:
            size = len(self.svm.get_account(stake_pda(voter.address)[0]).data)  # type: ignore[union-attr]
            self.move(voter.address, stake_pda(voter.address)[0], self.rent(size))
        self.gov.update(self.now())
        self.gov.settle(v)
        self.gov.staked[v] = self.gov.staked.get(v, 0) + amount

    @precondition(lambda self: self.gov.exists and bool(self.gov.staked))
    @rule(v=st.integers(0, N_VOTERS - 1), amount=st.sampled_from([1, 10 * AMP, 40 * AMP]))
    def unstake(self, v: int, amount: int) -> None:
        voter = self.voters[v]
        ix = instructions.unstake(voter.address, self.ata(voter), amount)
        if v not in self.gov.staked:
            self.send(voter, [ix], refused=Refused(E.InvalidOwner), label="unstake")
            return
        if amount > self.gov.staked[v]:
            self.send(voter, [ix], refused=Refused(E.InsufficientStake), label="unstake")
            return
        self.send(voter, [ix], label="unstake")
        self.gov.update(self.now())
        self.gov.settle(v)
        self.gov.staked[v] -= amount

    @precondition(lambda self: self.gov.exists and any(self.gov.staked.values()))
    @rule(b=EngineBase.batches, w=st.integers(0, N_WORKERS - 1), v=st.integers(0, N_VOTERS - 1))
    def earn_and_claim(self, b: int, w: int, v: int) -> None:
        """Fees flowing to stakers: work is paid in a live batch, the fees
        swept, an hour passes, a staker claims."""
        now = self.now()
        live = [
            k
            for k, m in sorted(self.model.items())
            if not m.closed and m.status == "open" and now < m.expires and m.min_rating == 0
        ]
        if live:
            b = live[b % len(live)]
        self.work(b, w, 3, True)
        # Fees pay out over a voting period (100 s here): an hour passes
        # before the claim.
        self.warp(3_601)
        stakers = [k for k, amount in sorted(self.gov.staked.items()) if amount]
        self.claim(stakers[v % len(stakers)])

    @precondition(lambda self: self.gov.exists and bool(self.gov.staked))
    @rule(v=st.integers(0, N_VOTERS - 1))
    def claim(self, v: int) -> None:
        voter = self.voters[v]
        ix = instructions.claim(voter.address)
        if v not in self.gov.staked:
            self.send(voter, [ix], refused=Refused(E.InvalidOwner), label="claim")
            return
        trial = GovM(
            **{k: (dict(x) if isinstance(x, dict) else x) for k, x in vars(self.gov).items()}
        )
        trial.update(self.now())
        trial.settle(v)
        amount = trial.pending.get(v, 0)
        if amount == 0:
            self.send(voter, [ix], refused=Refused(E.NothingToClaim), label="claim")
            return
        self.send(voter, [ix], label="claim")
        self.gov = trial
        self.gov.pending[v] = 0
        self.gov.claimed += amount
        self.gov.got[v] = self.gov.got.get(v, 0) + amount
        self.move(treasury_pda()[0], voter.address, amount)

    # A few votes per example: enough to run every rate, and the rest of the
    # machine keeps its share of the steps.
    @precondition(lambda self: self.gov.exists and self.votes_held < 3)
    @rule(
        p=st.integers(0, N_VOTERS - 1),
        bps=st.sampled_from([0, 100, 700, 1_000, 1_001]),
        # 0 for, 1 against, 2 abstain, None no vote; mostly for, so that
        # proposals pass often enough to change the fee.
        choices=st.lists(
            st.sampled_from([0, 0, 0, 1, 2, None]), min_size=N_VOTERS, max_size=N_VOTERS
        ),
        early=st.booleans(),
        eligible=st.booleans(),
        backed=st.booleans(),
    )
    def govern_fee(
        self,
        p: int,
        bps: int,
        choices: list[int | None],
        early: bool,
        eligible: bool,
        backed: bool,
    ) -> None:
        """AMP holders change the fee: a proposal, votes weighed by stake,
        the time lock, execution. Batches open after it pay the new rate;
        batches already open keep theirs."""
        self.votes_held += 1
        min_stake = GOV_PARAMS["min_stake_to_propose"]
        can = [v for v, n in sorted(self.gov.staked.items()) if n >= min_stake]
        if eligible and not can:
            self.stake(p, 40 * AMP)  # someone stakes enough to propose
            can = [v for v, n in sorted(self.gov.staked.items()) if n >= min_stake]
        if eligible and can:  # else anyone, who may not propose
            p = can[p % len(can)]
        if backed:
            # Every staker for: the path that changes the fee, taken whatever
            # else the example draws.
            choices = [0] * N_VOTERS
        proposer = self.voters[p]
        gacc = self.svm.get_account(governance_pda()[0])
        assert gacc is not None
        g = Governance.from_account_data(governance_pda()[0], bytes(gacc.data))
        address = proposal_pda(g.proposal_count)[0]
        ix = instructions.create_proposal(
            proposer.address, g.proposal_count, {"SetFee": {"fee_bps": bps}}
        )
        refused = None
        if bps > 1_000:
            refused = Refused(E.FeeTooHigh)
        elif p not in self.gov.staked:
            refused = Refused(E.InvalidOwner)
        elif self.gov.staked[p] < GOV_PARAMS["min_stake_to_propose"]:
            refused = Refused(E.InsufficientStake)
        if refused is not None:
            self.track(address)
            self.send(proposer, [ix], refused=refused, label="create_proposal")
            return
        self.track(address)
        self.send(proposer, [ix], label="create_proposal")
        self.move(proposer.address, address, self.rent(len(self.svm.get_account(address).data)))  # type: ignore[union-attr]
        self.proposals.append(address)
        staked_at_creation = sum(self.gov.staked.values())
        tally = [0, 0, 0]
        for v, choice in enumerate(choices):
            if choice is None:
                continue
            voter = self.voters[v]
            record = vote_pda(address, voter.address)[0]
            self.track(record)
            ix = instructions.cast_vote(voter.address, address, choice)
            if v not in self.gov.staked:
                self.send(voter, [ix], refused=Refused(E.InvalidOwner), label="cast_vote")
                continue
            if self.gov.staked[v] == 0:
                self.send(voter, [ix], refused=Refused(E.InsufficientStake), label="cast_vote")
                continue
            self.send(voter, [ix], label="cast_vote")
            self.move(voter.address, record, self.rent(len(self.svm.get_account(record).data)))  # type: ignore[union-attr]
            self.vote_records.append(record)
            tally[choice] += self.gov.staked[v]
            # One vote per stake and proposal.
            if v == p:
                again = instructions.cast_vote(voter.address, address, choice)
                self.send(voter, [again], refused=Refused(E.AlreadyExists), label="cast_vote")
        executor = self.donor  # anyone may execute
        ix = instructions.execute_proposal(executor.address, address)
        if early:
            self.send(executor, [ix], refused=Refused(E.VotingActive), label="execute_proposal")
        params = GOV_PARAMS
        self.backend.warp(params["voting_period_secs"] + params["timelock_secs"] + 1)
        cast = sum(tally)
        votes_for, against, _ = tally
        if cast == 0 or cast * 10_000 < staked_at_creation * params["quorum_bps"]:
            refused = Refused(E.QuorumNotMet)
        elif votes_for == 0 or votes_for * 10_000 < (votes_for + against) * params["threshold_bps"]:
            refused = Refused(E.ThresholdNotMet)
        if refused is not None:
            self.send(executor, [ix], refused=refused, label="execute_proposal")
            return
        self.send(executor, [ix], label="execute_proposal")
        self.gov.update(self.now())
        self.fee_bps = bps
        self.send(executor, [ix], refused=Refused(E.ProposalNotActive), label="execute_proposal")
        # A batch opened now charges the voted rate (checked against the chain).
        self.create_batch(p % N_REQUESTERS, 10_007, 0, 2, 0, 300, 0, 300, 3_600, False, 3, 4, 0)
