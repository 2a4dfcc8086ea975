"""What it costs to forge a rating gate: the cheapest way an attacker with
many keys lifts a fresh worker identity to a `min_rating`, found by running
the reputation twin (bit-exact with the program) over ring shapes, every
shape a lane of one vector run (docs/reputation.md, "Gates whose price
exceeds their prize").

Shapes tried, each with 1 to 8 requester keys (the worker's rater places)
taking turns and a fee per 5-star rating of `max_weight_per_rating` (the
most weight a rating carries; `fee_divisors` tries fractions of it too):

- a **decoy ring**: each requester follows a 5-star to the identity with a
  1-star to a decoy at `(5000 − neutral) / (neutral − 1000)` of the fee (a
  third at the defaults, rounded down or up), so its own average stays at
  `neutral` and its 5s are read as 5s;
- **naive rings**: one requester, or several, rating 5 stars only (their 5s
  are discounted to `neutral` once their average is 5).

A shape stops once it passes the gate, once it has paid more than the
cheapest of its kind that passed (or `WORSE` times the cheapest of all), or
once its score provably cannot reach the gate (`_reach`). Each pass is
refined: its last 5-star pays only the fee that just gets it through. After
`MAX_ROUNDS` rounds the search stops and the cost is what the shapes still
running had paid: a lower bound (`ForgeCost.exact` False), which the check
uses as the cost. Results are cached per (parameters, fee rate, gate).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..clients._gate import (
    DECOY_RING,
    ONE_REQUESTER,
    SEVERAL_REQUESTERS,
    ForgeCost,
    Ring,
    register_forge_search,
)
from ..protocol._ceiling import MAX_SCORE
from ..protocol._models import ReputationParams
from ._reputation_state import MIN_SCORE, RATERS, RequesterStates, WorkerStates
from .reputation import Reputation

#: Rounds (one rating per shape each) the search runs at most; past them the
#: cost is reported as a lower bound (`ForgeCost.exact` False).
MAX_ROUNDS = 10_000
#: Fees per 5-star tried: the per-rating weight cap divided by these. The cap
#: itself is the cheapest (a heavier rating fades the past less per lamport;
#: docs/reputation.md), so the check tries it alone; `forge_cost(...,
#: fee_divisors=...)` tries others.
FEE_DIVISORS = (1,)
#: A shape is dropped once it has paid this many times what the cheapest
#: passing shape paid: a kind of ring reported None costs at least that much.
WORSE = 3


def _shapes(
    p: ReputationParams, fee_bps: int, divisors: tuple[int, ...]
) -> list[tuple[str, int, int, int]]:
    """(kind, requesters, fee, decoy fee) of every shape."""
    if fee_bps == 0:
        fees = [0]
    else:
        fees = sorted({max(-(-p.max_weight_per_rating // d), 1) for d in divisors})
    out: list[tuple[str, int, int, int]] = []
    for fee in fees:
        for k in range(1, RATERS + 1):
            out.append((ONE_REQUESTER if k == 1 else SEVERAL_REQUESTERS, k, fee, 0))
            if MIN_SCORE < p.neutral < MAX_SCORE and fee > 0:
                num, den = fee * (MAX_SCORE - p.neutral), p.neutral - MIN_SCORE
                for d in sorted({max(num // den, 1), -(-num // den)}):
                    out.append((DECOY_RING, k, fee, d))
    return out


def _round(
    twin: Reputation,
    ws: WorkerStates,
    rs: RequesterStates,
    t: int,
    lanes: np.ndarray,
    ring: np.ndarray,
    first: np.ndarray,
    fee: np.ndarray,
    decoy_fee: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Rating `t` of each lane in `lanes`: (is it a decoy's, fee paid)."""
    k = ring[lanes]
    decoy = (decoy_fee[lanes] > 0) & ((t // k) % 2 == 1)
    fees = np.where(decoy, decoy_fee[lanes], fee[lanes])
    twin.apply_round(
        ws,
        rs,
        np.where(decoy, n + lanes, lanes),
        first[lanes] + t % k,
        np.where(decoy, 1, 5),
        fees.astype(np.uint64),
        check=False,
    )
    return decoy, fees


@lru_cache(maxsize=256)
def forge_cost(
    params: ReputationParams,
    fee_bps: int,
    gate: int,
    fee_divisors: tuple[int, ...] = FEE_DIVISORS,
) -> ForgeCost:
    """The cheapest ring of each kind that lifts a fresh identity to `gate`
    milli-stars under `params` at a fee rate of `fee_bps` (a kind is None when
    none of its shapes got there for less than `WORSE` × the cheapest)."""
    twin = Reputation(params)
    p = twin.params
    shapes = _shapes(p, fee_bps, fee_divisors)
    n = len(shapes)
    ring = np.array([s[1] for s in shapes], np.int64)
    fee = np.array([s[2] for s in shapes], np.int64)
    decoy_fee = np.array([s[3] for s in shapes], np.int64)
    kinds = np.array([s[0] for s in shapes])
    first = np.concatenate([[0], np.cumsum(ring)[:-1]]).astype(np.int64)
    reach = _reach(p, ring, decoy_fee > 0)
    ws, rs = WorkerStates.zeros(2 * n), RequesterStates.create(int(ring.sum()))
    spent = np.zeros(n, np.int64)
    best: dict[str, Ring | None] = {ONE_REQUESTER: None, SEVERAL_REQUESTERS: None, DECOY_RING: None}
    bound = np.full(n, np.iinfo(np.int64).max, np.int64)
    active = np.arange(n)
    # At a 0% fee no rating weighs anything: once every key has rated, nothing moves.
    rounds = RATERS if fee_bps == 0 else MAX_ROUNDS
    t = 0
    while active.size and t < rounds:
        before = (_copy(ws), _copy_r(rs))
        decoy, fees = _round(twin, ws, rs, t, active, ring, first, fee, decoy_fee, n)
        score = ws.rating[active].astype(np.int64)
        through = ~decoy & (score >= gate)
        for lane in active[through].tolist():
            if spent[lane] >= bound[lane]:
                continue
            r = _refine(
                twin, shapes[lane], before, lane, int(first[lane]), t, int(spent[lane]), gate
            )
            got = best[r.kind]
            if got is None or r.lamports < got.lamports:
                best[r.kind] = got = r
            overall = min(g.lamports for g in best.values() if g is not None)
            bound = np.where(kinds == r.kind, np.minimum(bound, got.lamports), bound)
            bound = np.minimum(bound, WORSE * overall)
        spent[active] += fees
        keep = ~through & (spent[active] < bound[active])
        # Once each of its requesters has rated, a shape's score cannot pass
        # `reach` (below): a shape that cannot reach the gate stops.
        keep &= (t < ring[active]) | (reach[active] >= gate)
        active = active[keep]
        t += 1
    if not active.size or fee_bps == 0:
        return ForgeCost(gate=gate, rings=best)
    # Cut short: a shape still running might yet pass for less than it paid so far.
    cut = int(spent[active].min())
    found = ForgeCost(gate=gate, rings=best).lamports
    return ForgeCost(gate, best, exact=False, bound=cut if found is None else min(found, cut))


def _reach(p: ReputationParams, ring: np.ndarray, decoys: np.ndarray) -> np.ndarray:
    """Above what each shape's score stays once each of its requesters has
    rated once. The score is a mean of `prior_mean` (weight P) and the
    worker's sum S over its weight W. From then on every rating adds at most
    `value` (5,000 in a decoy ring; `neutral` in a naive one: 5-stars from a
    requester averaging 5 are read as `neutral`), and the first ratings, read
    as 5,000, keep at most their weight `first_w`: S ≤ (5,000 − value)·first_w
    + value·W. W stays below `horizon + max_weight_per_rating` and below the
    requesters' caps (plus the flooring's slack), P above `prior_weight /
    min(requesters, distinct_cap)`; `(pm·P + S)/(P + W)` is then largest at one
    end of W's range."""
    top_w = np.minimum(
        p.horizon + p.max_weight_per_rating,
        ring * p.max_weight_per_requester + RATERS * MAX_ROUNDS,
    )
    prior = p.prior_weight // np.minimum(ring, p.distinct_cap)
    value = np.where(decoys, MAX_SCORE, p.neutral)
    lift = p.prior_mean * prior + (MAX_SCORE - value) * ring * p.max_weight_per_rating
    out: np.ndarray = np.maximum(lift // prior, (lift + value * top_w) // (prior + top_w))
    reached: np.ndarray = np.maximum(out, p.prior_mean) + 1
    return reached


def _refine(
    twin: Reputation,
    shape: tuple[str, int, int, int],
    before: tuple[WorkerStates, RequesterStates],
    lane: int,
    first: int,
    t: int,
    spent: int,
    gate: int,
) -> Ring:
    """The ring of `shape` that passed at its rating `t`, that last 5-star at
    the least fee that still passes (from the states `before` it)."""
    kind, k, fee, d = shape
    ws, rs = before
    w0 = _row(ws, lane)
    r0 = _copy_r(rs)
    r0 = RequesterStates(*(a[first + t % k : first + t % k + 1].copy() for a in _fields(r0)))

    def passes(last: int) -> bool:
        w, r = _copy(w0), _copy_r(r0)
        twin.apply_round(w, r, [0], [0], [5], np.array([last], np.uint64), check=False)
        return int(w.rating[0]) >= gate

    lo, hi = (1 if fee else 0), fee
    while lo < hi:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid + 1
    decoys = sum(1 for u in range(t) if d and (u // k) % 2 == 1)
    ring = Ring(kind, k, fee, d, t - decoys + 1, decoys, hi)
    assert ring.lamports == spent + hi, (ring, spent)
    return ring


def _fields(rs: RequesterStates) -> tuple[np.ndarray, ...]:
    return (rs.id, rs.stars_sum, rs.weight, rs.rated_weight, rs.ratings_given)


def _row(ws: WorkerStates, i: int) -> WorkerStates:
    return WorkerStates(
        ws.score_sum[i : i + 1].copy(),
        ws.weight[i : i + 1].copy(),
        ws.rating[i : i + 1].copy(),
        ws.rating_count[i : i + 1].copy(),
        ws.rater_ids[i : i + 1].copy(),
        ws.rater_weights[i : i + 1].copy(),
    )


def _copy(ws: WorkerStates) -> WorkerStates:
    return WorkerStates(
        ws.score_sum.copy(),
        ws.weight.copy(),
        ws.rating.copy(),
        ws.rating_count.copy(),
        ws.rater_ids.copy(),
        ws.rater_weights.copy(),
    )


def _copy_r(rs: RequesterStates) -> RequesterStates:
    return RequesterStates(*(a.copy() for a in _fields(rs)))


register_forge_search(forge_cost)

__all__ = ["FEE_DIVISORS", "MAX_ROUNDS", "WORSE", "forge_cost"]
