"""A worker's standing: the score with the evidence behind it, and the
market's tiers (the public module is `amplify_sdk.quality.standing`, which
says what each number means; docs/reputation.md, "Standing").

It sits in the protocol layer, beside the account models, so that
`WorkerProfile.standing` and every client can build one; it imports none of
them (it reads a profile and the parameters structurally).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from solders.pubkey import Pubkey

MILLI_STARS_PER_STAR = 1_000


class _Params(Protocol):
    """What the standing reads of `ReputationParams` (structural: this module
    sits below the models, which build a standing from a profile)."""

    @property
    def prior_weight(self) -> int: ...
    @property
    def qualifying_weight(self) -> int: ...
    @property
    def distinct_cap(self) -> int: ...


class _Profile(Protocol):
    """What the standing reads of a `WorkerProfile`."""

    @property
    def worker(self) -> Pubkey: ...
    @property
    def rating(self) -> int: ...
    @property
    def rating_count(self) -> int: ...
    @property
    def score_sum(self) -> int: ...
    @property
    def weight(self) -> int: ...
    @property
    def raters(self) -> list[dict[str, int]]: ...


#: Evidence levels by the share of the score the worker's own ratings make,
#: `W / (P + W)`: below the first bound the prior decides the score; from
#: the second on the ratings do.
EVIDENCE_BOUNDS = (0.25, 0.5)
EVIDENCE_WORDS = ("prior-bound", "evidence building", "evidence-led")

#: Fee weight (lamports of fee) a worker's ratings need before the market
#: puts it in a tier by its mean stars: 20 ratings of 10,000-lamport items
#: at the default 5% fee, 10,000 ratings of fee-1 work.
TIER_MIN_WEIGHT = 10_000
#: Mean-star bounds (milli-stars) of the rated tiers.
TIER_BOUNDS = (2_000, 3_000, 4_000)
TIERS = ("unrated", "little evidence", "mean <2★", "mean 2–3★", "mean 3–4★", "mean ≥4★")


class SkillValue(BaseModel):
    """One skill a worker holds: the skill's address, its issuer, the value
    (0–100) the issuer set."""

    model_config = ConfigDict(defer_build=True, frozen=True, arbitrary_types_allowed=True)

    skill: Pubkey
    issuer: Pubkey
    value: int

    def as_dict(self) -> dict[str, Any]:
        return {"skill": str(self.skill), "issuer": str(self.issuer), "value": self.value}


class Standing(BaseModel):
    """A worker's score with its evidence (see the module's docstring)."""

    model_config = ConfigDict(defer_build=True, frozen=True, arbitrary_types_allowed=True)

    worker: Pubkey
    #: The score in milli-stars, as the program keeps it (0: no rating yet).
    score: int
    #: Ratings received (all of them, faded or not).
    ratings: int
    #: The ratings' fee weight `W` now (lamports of fee, faded).
    weight: int
    #: The prior's weight `P = prior_weight / clamp(q, 1, distinct_cap)`.
    prior_weight: int
    #: Mean adjusted rating in milli-stars, `score_sum // weight` (None: no weight).
    mean: int | None
    #: Requesters tracked as raters (up to eight), and how many of them
    #: qualify (`qualifying_weight` or more): `q`, which divides the prior.
    raters: int
    qualified_raters: int
    skills: list[SkillValue] = []

    @property
    def evidence_share(self) -> float:
        """The share of the score the worker's own ratings make, `W / (P + W)`."""
        return self.weight / (self.prior_weight + self.weight) if self.weight else 0.0

    @property
    def evidence(self) -> str:
        """How much evidence stands behind the score, in words."""
        if self.ratings == 0:
            return "unrated"
        level = int(np.searchsorted(EVIDENCE_BOUNDS, self.evidence_share, side="right"))
        return EVIDENCE_WORDS[level]

    @property
    def tier(self) -> str:
        """The market tier (`TIERS`)."""
        return TIERS[tier_index(self.ratings, self.weight, self.mean or 0)]

    def text(self) -> str:
        """One line: '2.51★ (prior-bound) · 100 ratings · mean 4.90★ · weight
        50,000 of 20,000,000 prior · 1 rater, 0 qualifying'."""
        if self.ratings == 0:
            return "unrated · no ratings yet" + self._skills_text()
        mean = "–" if self.mean is None else f"{stars_text(self.mean)}★"
        return (
            f"{stars_text(self.score)}★ ({self.evidence}) · "
            f"{self.ratings:,} rating{'s' * (self.ratings != 1)} · mean {mean} · "
            f"weight {self.weight:,} of {self.prior_weight:,} prior · "
            f"{self.raters} rater{'s' * (self.raters != 1)}, {self.qualified_raters} qualifying"
            + self._skills_text()
        )

    def _skills_text(self) -> str:
        if not self.skills:
            return ""
        held = ", ".join(f"{str(s.skill)[:8]}… {s.value}" for s in self.skills)
        return f" · skills {held}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the words and the one-line text."""
        return {
            "score": self.score,
            "ratings": self.ratings,
            "weight": self.weight,
            "prior_weight": self.prior_weight,
            "evidence_share": round(self.evidence_share, 4),
            "evidence": self.evidence,
            "mean": self.mean,
            "raters": self.raters,
            "qualified_raters": self.qualified_raters,
            "tier": self.tier,
            "skills": [s.as_dict() for s in self.skills],
            "text": self.text(),
        }


def stars_text(milli: int) -> str:
    """Milli-stars as stars to two decimals, truncated (integer arithmetic, so
    every front-end prints the same; a score shown as 4.00 passes a 4-star
    gate): 4,999 → '4.99'."""
    return f"{milli // MILLI_STARS_PER_STAR}.{milli % MILLI_STARS_PER_STAR // 10:02d}"


def standing(
    profile: _Profile,
    params: _Params,
    skills: list[SkillValue] | None = None,
) -> Standing:
    """The standing of a worker profile (`WorkerProfile`) under `params` (the
    chain's `Config.reputation`, a `ReputationParams`)."""
    p = params
    ids = [int(r["requester_id"]) for r in profile.raters]
    weights = [int(r["weight"]) for r in profile.raters]
    tracked = [w for i, w in zip(ids, weights, strict=True) if i != 0]
    qualified = sum(w >= p.qualifying_weight for w in tracked)
    divisor = min(max(qualified, 1), p.distinct_cap)
    return Standing(
        worker=profile.worker,
        score=profile.rating,
        ratings=profile.rating_count,
        weight=profile.weight,
        prior_weight=p.prior_weight // divisor,
        mean=profile.score_sum // profile.weight if profile.weight else None,
        raters=len(tracked),
        qualified_raters=qualified,
        skills=list(skills or []),
    )


def tier_index(ratings: npt.ArrayLike, weight: npt.ArrayLike, mean: npt.ArrayLike) -> Any:
    """Index in `TIERS` of workers with these rating counts, fee weights and
    mean adjusted ratings (milli-stars); scalars or arrays."""
    n, w, m = np.asarray(ratings), np.asarray(weight), np.asarray(mean)
    rated = np.digitize(m, TIER_BOUNDS) + 2
    out = np.where(n == 0, 0, np.where(w < TIER_MIN_WEIGHT, 1, rated))
    return out.astype(np.intp) if out.ndim else int(out)


__all__ = [
    "EVIDENCE_BOUNDS",
    "EVIDENCE_WORDS",
    "MILLI_STARS_PER_STAR",
    "TIERS",
    "TIER_BOUNDS",
    "TIER_MIN_WEIGHT",
    "SkillValue",
    "Standing",
    "standing",
    "stars_text",
    "tier_index",
]
