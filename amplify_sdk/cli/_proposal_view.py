"""How `amplify gov` reads governance and shows a proposal: its action in one
line, and the tallies, quorum, threshold and timing `list` and `show` print."""

from __future__ import annotations

from typing import Any

from solders.pubkey import Pubkey

from ..clients._voter import VoterClient
from ..protocol._exceptions import AccountNotFoundError
from ..protocol._fee import BPS
from ..protocol._models import Governance, Proposal, ProposalStage
from ..protocol._pda import governance_pda
from ._params import span, units, when


async def governance_of(voter: VoterClient) -> Governance:
    g = await voter.fetch_or_none(Governance, governance_pda()[0])
    if g is None:
        raise AccountNotFoundError(
            "governance is not initialized on this cluster (amplify gov init)"
        )
    return g


async def proposals_now(voter: VoterClient) -> tuple[list[Proposal], int, int]:
    await governance_of(voter)
    return await voter.proposals(), await voter.now(), await voter.amp_decimals()


def plain(value: Any) -> Any:
    """An action's fields without padding, addresses as text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, Pubkey):
        return str(value)
    return value


def summary(action: dict[str, Any], *, short: bool = False) -> str:
    """`SetFee fee_bps=300`: the variant and its fields (a struct's inline);
    `short` abbreviates addresses (`53Kw…zxKe`) for a table."""

    def shown(value: Any) -> str:
        text = str(value)
        return f"{text[:4]}…{text[-4:]}" if short and isinstance(value, Pubkey) else text

    ((name, fields),) = action.items()
    parts = []
    for key, value in fields.items():
        if isinstance(value, dict):
            parts += [f"{k}={shown(v)}" for k, v in value.items() if not k.startswith("_")]
        else:
            parts.append(f"{key}={shown(value)}")
    return " ".join([name, ", ".join(parts)]).strip()


def proposal_info(p: Proposal, now: int) -> dict[str, Any]:
    """Everything `list` and `show` print: tallies, quorum progress, the
    for-share against the threshold, the stage and its next moment."""
    stage = p.stage(now)
    decided = p.votes_for + p.votes_against
    info: dict[str, Any] = {
        "id": p.id,
        "address": p.address,
        "proposer": p.proposer,
        "action": plain(p.action),
        "summary": summary(p.action),
        "stage": stage.value,
        "votes_for": p.votes_for,
        "votes_against": p.votes_against,
        "votes_abstain": p.votes_abstain,
        "cast": p.cast,
        "staked_at_creation": p.staked_at_creation,
        "quorum_bps": p.quorum_bps,
        #: Votes the quorum needs (for + against + abstain), AMP base units.
        "quorum": p.quorum,
        #: Votes cast as a share of what the quorum needs (1.0 = met).
        "quorum_progress": p.cast / p.quorum if p.quorum else (1.0 if p.cast else 0.0),
        "quorum_met": p.quorum_met,
        "threshold_bps": p.threshold_bps,
        "for_share_bps": p.votes_for * BPS // decided if decided else 0,
        "threshold_met": p.threshold_met,
        "created_at": p.created_at,
        "voting_ends_at": p.voting_ends_at,
        "executable_at": p.executable_at,
        "expires_at": p.expires_at,
        "now": now,
    }
    nxt = {
        ProposalStage.VOTING: p.voting_ends_at,
        ProposalStage.TIMELOCKED: p.executable_at,
        ProposalStage.EXECUTABLE: p.expires_at,
    }.get(stage)
    #: Seconds until the stage ends (voting closes, the lock lifts, the window shuts).
    info["seconds_left"] = max(nxt - now, 0) if nxt is not None else None
    return info


def timing(info: dict[str, Any]) -> str:
    stage, left = info["stage"], info["seconds_left"]
    if stage == "voting":
        return f"voting ends in {span(left)}"
    if stage == "timelocked":
        return f"executable at {when(info['executable_at'])} (in {span(left)})"
    if stage == "executable":
        return f"executable now, until {when(info['expires_at'])} ({span(left)} left)"
    if stage == "defeated":
        return "quorum not met" if not info["quorum_met"] else "threshold not met"
    if stage == "expired":
        return f"expired at {when(info['expires_at'])}"
    return "executed"


def quorum_text(info: dict[str, Any], decimals: int) -> str:
    """Votes cast as a share of what the quorum needs: `150% of 90 AMP`."""
    return f"{info['quorum_progress']:.0%} of {units(info['quorum'], decimals)} AMP"


def threshold_text(info: dict[str, Any]) -> str:
    return f"{info['for_share_bps'] / 100:.2f}% for (needs {info['threshold_bps'] / 100:.2f}%)"


__all__ = [
    "governance_of",
    "plain",
    "proposal_info",
    "proposals_now",
    "quorum_text",
    "summary",
    "threshold_text",
    "timing",
]
