"""A worker's standing as people read it: the score with the evidence behind it
(docs/reputation.md, "Standing").

The score (`WorkerProfile.rating`) is a weighted mean of the prior (`prior_mean`
at weight `P = prior_weight / q`) and the worker's mean adjusted rating (at
its fee weight `W`). With the prior deliberately heavy (a Sybil defence), a
worker rated 5 stars on 100 items and one rated 2 stars both show about
2.50: the score alone hides the difference. `Standing` shows it: how many
ratings, their mean as rated (`score_sum / weight`, the prior left out), the
weight against the prior's, the distinct raters and how many of them
qualify, and the skills the worker holds. `evidence` says in words how much
of the score the worker's own ratings make (`W / (P + W)`).

Every surface that shows a worker (CLI `worker`, `market`, `batch grade`, the
demo, the web page) shows `Standing.text()` or `Standing.as_dict()`. Get one
with `WorkerProfile.standing(config.reputation)`,
`AmplifyClient.get_standing(worker)` or `standing(profile, params)`.

The market groups workers into `TIERS` by their mean stars as rated, once
their ratings carry `TIER_MIN_WEIGHT` lamports of fee weight: the mean
separates workers long before the score leaves the prior, and the weight
floor keeps a handful of cheap ratings out of the tiers.
"""

from __future__ import annotations

from ..protocol._standing import (
    EVIDENCE_BOUNDS,
    EVIDENCE_WORDS,
    MILLI_STARS_PER_STAR,
    TIER_BOUNDS,
    TIER_MIN_WEIGHT,
    TIERS,
    SkillValue,
    Standing,
    standing,
    stars_text,
    tier_index,
)

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
