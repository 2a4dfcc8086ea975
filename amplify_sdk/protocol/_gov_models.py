"""Typed views of the governance accounts: the governance itself (stake,
fee sharing, emission), each holder's stake, proposals (with their stage read
ahead of the program's checks) and vote records."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict
from solders.pubkey import Pubkey

from ._account import AccountModel
from ._codecs import decode_account, decode_type
from ._fee import BPS


class GovernanceParams(BaseModel):
    """How proposals are decided."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    voting_period_secs: int
    timelock_secs: int
    execution_window_secs: int
    quorum_bps: int
    threshold_bps: int
    min_stake_to_propose: int


class EmissionParams(BaseModel):
    """AMP minted to workers per well-rated assignment, up to a cap."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    per_assignment: int
    cap: int
    min_stars: int


class Governance(AccountModel):
    """AMP governance (PDA `["governance"]`): stake, the treasury's sharing
    among stakers (`reward_per_share`, 64.64 fixed point), proposals."""

    IDL_NAME: ClassVar[str] = "Governance"
    version: int
    bump: int
    vault_bump: int
    mint_authority_bump: int
    amp_mint: Pubkey
    vault: Pubkey
    total_staked: int
    reward_per_share: int
    distributed_upto: int
    held: int
    distributed: int
    claimed: int
    proposal_count: int
    emitted: int
    params: GovernanceParams
    emission: EmissionParams
    releasing: int
    release_end: int
    released_at: int


class StakeAccount(AccountModel):
    """One holder's stake (PDA `["stake", owner]`)."""

    IDL_NAME: ClassVar[str] = "StakeAccount"
    version: int
    bump: int
    owner: Pubkey
    amount: int
    reward_snapshot: int
    pending: int
    claimed: int
    locked_until: int


class ProposalStatus(IntEnum):
    """What the program records: a proposal is voting until it is executed."""

    VOTING = 0
    EXECUTED = 1


class ProposalStage(StrEnum):
    """Where a proposal stands at a given time (`Proposal.stage`): the
    program's checks in `cast_vote` and `execute_proposal`, read ahead."""

    #: Votes are accepted (`now < voting_ends_at`).
    VOTING = "voting"
    #: The vote ended without quorum or threshold: it can never execute.
    DEFEATED = "defeated"
    #: Passed, waiting for its time lock (`now < executable_at`).
    TIMELOCKED = "timelocked"
    #: Passed and executable by anyone until `expires_at`.
    EXECUTABLE = "executable"
    #: Passed but left unexecuted past its execution window.
    EXPIRED = "expired"
    EXECUTED = "executed"


class Proposal(AccountModel):
    """A proposal (PDA `["proposal", id]`); `action` decoded from its bytes as
    `{"VariantName": {fields}}`."""

    IDL_NAME: ClassVar[str] = "Proposal"
    version: int
    bump: int
    status: ProposalStatus
    id: int
    proposer: Pubkey
    created_at: int
    voting_ends_at: int
    executable_at: int
    expires_at: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    staked_at_creation: int
    quorum_bps: int
    threshold_bps: int
    action: dict[str, Any]

    @classmethod
    def _from_data(cls, address: Pubkey, data: bytes) -> Self:
        fields = decode_account(cls.IDL_NAME, data)
        raw = fields.pop("action")
        action = decode_type("ProposalAction", raw)
        wanted = {k: v for k, v in fields.items() if k in cls.model_fields}
        return cls(address=address, action=action, **wanted)

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def quorum(self) -> int:
        """Votes needed (for + against + abstain)."""
        return -(-self.staked_at_creation * self.quorum_bps // BPS)

    @property
    def quorum_met(self) -> bool:
        """Enough votes cast (for + against + abstain), and at least one."""
        return self.cast >= max(self.quorum, 1)

    @property
    def threshold_met(self) -> bool:
        """For-votes reach `threshold_bps` of for + against (and are not zero)."""
        decided = self.votes_for + self.votes_against
        return self.votes_for > 0 and self.votes_for * BPS >= decided * self.threshold_bps

    def passed(self) -> bool:
        """Quorum and threshold reached (by the votes cast so far)."""
        return self.quorum_met and self.threshold_met

    def stage(self, now: int) -> ProposalStage:
        """The proposal's stage at unix time `now` (the cluster's clock)."""
        if self.status == ProposalStatus.EXECUTED:
            return ProposalStage.EXECUTED
        if now < self.voting_ends_at:
            return ProposalStage.VOTING
        if not self.passed():
            return ProposalStage.DEFEATED
        if now < self.executable_at:
            return ProposalStage.TIMELOCKED
        if now > self.expires_at:
            return ProposalStage.EXPIRED
        return ProposalStage.EXECUTABLE


class VoteRecord(AccountModel):
    """One holder's vote on one proposal (PDA `["vote", proposal, voter]`)."""

    IDL_NAME: ClassVar[str] = "VoteRecord"
    version: int
    bump: int
    choice: int
    proposal: Pubkey
    voter: Pubkey
    weight: int


__all__ = [
    "EmissionParams",
    "Governance",
    "GovernanceParams",
    "Proposal",
    "ProposalStage",
    "ProposalStatus",
    "StakeAccount",
    "VoteRecord",
]
