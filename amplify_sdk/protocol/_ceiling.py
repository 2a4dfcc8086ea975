"""The highest score the reputation formula lets any worker reach: the
program refuses a batch gated above it (`UnreachableRating`), and the SDK
before sending (docs/reputation.md, "The ceiling")."""

from __future__ import annotations

from ._models import ReputationParams

#: Scores and ratings are in milli-stars: 1 star = 1,000, 5 stars = 5,000
#: (docs/reputation.md); the most any score can be.
MAX_SCORE = 5_000


def max_reachable_score(p: ReputationParams) -> int:
    """Every rating 5 stars at full weight from requesters at or below their
    `neutral` average, and as many distinct qualified raters as the weight
    allows: the worker's weight climbs to the least fixed point of
    `W -> floor(W*H/(H+w)) + w`, `floor((w-1)(H+w)/w) + 1`, where its score
    is `floor((prior_mean*P + 5000*W) / (P + W))`. The program's
    `reputation::max_reachable_score`, in Python (4,584 at the defaults)."""
    h, w = p.horizon, p.max_weight_per_rating
    top = (w - 1) * (h + w) // w + 1
    q = p.qualifying_weight
    qualified = 0 if q > p.max_weight_per_requester else top // q
    prior = p.prior_weight // min(max(qualified, 1), p.distinct_cap)
    return (p.prior_mean * prior + MAX_SCORE * top) // (prior + top)
