"""The reputation formula off chain: a numpy twin of the program's
`state::reputation`, bit for bit (docs/reputation.md).

One rating of `stars` on work that paid `fee` lamports of protocol fee:

1. `x = stars × 1000` (milli-stars).
2. `m` = the requester's fee-weighted, fading mean of the stars it gives
   (`neutral` while it has none); `adjusted = max(x − max(m − neutral, 0), 1000)`:
   a lenient rater is discounted, no rating is ever raised.
3. `w0 = min(fee, max_weight_per_rating)`; `w = w0 · m / neutral` while
   `m < neutral` (a harsh rater weighs less), else `w0`; then capped by what is left of
   this requester's allowance for this worker (`max_weight_per_requester`,
   tracked in the worker's eight `raters`: a requester not tracked yet takes
   an empty place, or the lightest one).
4. If `w > 0` the worker's `(S, W)` fade by `horizon / (horizon + w)` and take
   `adjusted × w`; if `w0 > 0` the requester's `(stars_sum, weight)` fade by
   `requester_horizon / (requester_horizon + w0)` and take `x × w0`.
5. `score = (prior_mean·P + S) / (P + W)`, `P = prior_weight / clamp(q, 1,
   distinct_cap)`, q = the raters whose weight reached `qualifying_weight`.

Every division floors, as on chain. Everything is unsigned 64-bit: the
parameter bounds (`validate_params`, the program's `validate`) keep a weight
below 2 × 25,000,000 and a sum below 5,000 × that, so the largest product,
`S × faded weight`, stays below 1.25·10^19 < 2^64 — it would not fit int64, so
no signed type is used anywhere.

Vectorisation: a rating reads and writes exactly one worker and one requester,
so ratings that share neither commute. `Reputation.apply_stream` takes a
stream in order and puts each rating in the earliest *round* after the last
round that touched its worker or its requester (a wavefront schedule); the
ratings of one round touch distinct workers and distinct requesters and are
applied in one vector step. Each state sees its ratings in stream order, so
the result is the sequential one, exactly. `apply_round` takes a round the
caller built itself (the simulation does: one rating per worker per step).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from ..protocol._models import ReputationParams, RequesterProfile, WorkerProfile
from ..protocol._program_errors import ArithmeticOverflow, InvalidStars
from ._reputation_state import (
    DEFAULT_PARAMS,
    I64,
    MAX_HORIZON,
    MAX_SCORE,
    MILLI_STARS_PER_STAR,
    MIN_SCORE,
    U16,
    U32,
    U32_MAX,
    U64,
    Applied,
    RequesterState,
    RequesterStates,
    WorkerState,
    WorkerStates,
    nonzero,
    params_of,
    validate_params,
)

# -- the formula -------------------------------------------------------------------------


def _fade_and_add(s: U64, w: U64, h: int, add: U64, value: U64) -> tuple[U64, U64]:
    """`(s, w)` faded by `h / (h + add)`, then with `value × add` added. The
    sum is scaled by the faded weight's ratio (`s · faded / w`), as on chain,
    so the mean never drifts out of the range of the values added."""
    faded = w * np.uint64(h) // (np.uint64(h) + add)
    scaled = np.where(w == 0, np.uint64(0), s * faded // nonzero(w))
    return scaled + value * add, faded + add


def _score(p: ReputationParams, s: U64, w: U64, ids: U32, weights: npt.NDArray[Any]) -> U16:
    heavy = weights.astype(np.uint64) >= np.uint64(p.qualifying_weight)
    qualified = ((ids != 0) & heavy).sum(axis=1, dtype=np.uint64)
    divisor = np.clip(qualified, np.uint64(1), np.uint64(p.distinct_cap))
    prior = np.uint64(p.prior_weight) // divisor
    score = (np.uint64(p.prior_mean) * prior + s) // (prior + w)
    out: U16 = score.astype(np.uint16)
    return out


class Reputation:
    """The formula with one set of parameters (validated as the program does)."""

    def __init__(self, params: ReputationParams | Mapping[str, int] | None = None) -> None:
        self.params = params_of(params)
        validate_params(self.params)

    # -- vector API ---------------------------------------------------------------

    def apply_round(
        self,
        workers: WorkerStates,
        requesters: RequesterStates,
        worker_idx: npt.ArrayLike,
        requester_idx: npt.ArrayLike,
        stars: npt.ArrayLike,
        fee: npt.ArrayLike,
        *,
        check: bool = True,
    ) -> Applied:
        """Apply k ratings at once, updating `workers` and `requesters` in place.
        The k workers must be distinct, and so must the k requesters (each
        rating then reads state no other rating of the round writes);
        `check=False` skips verifying that, for callers that built the round so."""
        p = self.params
        wi = np.asarray(worker_idx, dtype=np.int64)
        ri = np.asarray(requester_idx, dtype=np.int64)
        st = np.asarray(stars, dtype=np.int64)
        fe = np.asarray(fee)
        if check:
            if len(np.unique(wi)) != len(wi) or len(np.unique(ri)) != len(ri):
                raise ValueError("a round rates each worker, and uses each requester, once")
            if fe.dtype.kind not in "ui" or bool((fe < 0).any()) or bool((fe >= 2**64).any()):
                raise ValueError("fees are lamports: integers from 0 to 2^64 - 1")
        if bool(((st < 1) | (st > 5)).any()):
            raise InvalidStars()
        if bool((workers.rating_count[wi] == U32_MAX).any()):
            raise ArithmeticOverflow()
        fe64: U64 = fe.astype(np.uint64)
        k = len(wi)

        # 1-2: the stars, read against the requester's mean.
        x = st.astype(np.uint64) * np.uint64(MILLI_STARS_PER_STAR)
        rw = requesters.weight[ri]
        rs = requesters.stars_sum[ri]
        neutral = np.uint64(p.neutral)
        mean = np.where(rw == 0, neutral, rs // nonzero(rw))
        # max(x − max(mean − neutral, 0), 1000) without an unsigned wrap below zero.
        excess = np.maximum(mean, neutral) - neutral
        adjusted = np.maximum(x, excess + np.uint64(MIN_SCORE)) - excess

        # 3: the weight, within this requester's allowance for this worker.
        w0 = np.minimum(fe64, np.uint64(p.max_weight_per_rating))
        ids = workers.rater_ids[wi]
        weights = workers.rater_weights[wi].astype(np.uint64)
        rid = requesters.id[ri]
        match = ids == rid[:, None]
        found = match.any(axis=1)
        # A requester not tracked yet takes the first empty place, else the
        # first of the lightest (Rust's min_by_key keeps the first minimum, so
        # does argmin): key = (taken, weight).
        key = ((ids != 0).astype(np.uint64) << np.uint64(32)) | weights
        at = np.where(found, match.argmax(axis=1), key.argmin(axis=1))
        rows = np.arange(k)
        held = np.where(found, weights[rows, at], np.uint64(0))
        cap = np.uint64(p.max_weight_per_requester)
        room = np.where(cap > held, cap - held, np.uint64(0))
        # A harsh rater (mean below neutral) weighs w0 · mean / neutral.
        w_rated = np.where(mean < neutral, w0 * mean // neutral, w0)
        w = np.minimum(w_rated, room)
        ids[rows, at] = rid
        weights[rows, at] = held
        # Every requester's share fades with the worker's weight (when this
        # rating carries weight), then this requester's takes w: ≤ cap.
        h = np.uint64(p.horizon)
        faded = weights * h // (h + w)[:, None]
        weights = np.where((w > 0)[:, None], faded, weights)
        weights[rows, at] += w
        workers.rater_ids[wi] = ids
        workers.rater_weights[wi] = weights.astype(np.uint32)

        # 4: fade and add — the worker's by w, the requester's by w0.
        ws, ww = workers.score_sum[wi], workers.weight[wi]
        ns, nw = _fade_and_add(ws, ww, p.horizon, w, adjusted)
        carried = w > 0
        ws = np.where(carried, ns, ws)
        ww = np.where(carried, nw, ww)
        workers.score_sum[wi] = ws
        workers.weight[wi] = ww
        ns, nw = _fade_and_add(rs, rw, p.requester_horizon, w0, x)
        paid = w0 > 0
        requesters.stars_sum[ri] = np.where(paid, ns, rs)
        requesters.weight[ri] = np.where(paid, nw, rw)
        requesters.rated_weight[ri] += w0
        requesters.ratings_given[ri] += np.uint64(1)
        workers.rating_count[wi] += np.uint32(1)

        # 5: the score.
        rating = _score(p, ws, ww, ids, weights)
        workers.rating[wi] = rating
        return Applied(adjusted.astype(np.uint16), w, rating)

    def apply_stream(
        self,
        workers: WorkerStates,
        requesters: RequesterStates,
        worker_idx: npt.ArrayLike,
        requester_idx: npt.ArrayLike,
        stars: npt.ArrayLike,
        fee: npt.ArrayLike,
    ) -> Applied:
        """Apply ratings in stream order (any workers and requesters, repeated
        at will), exactly as the chain would one after the other; vectorised
        over rounds of independent ratings (see the module's docstring)."""
        wi = np.asarray(worker_idx, dtype=np.int64)
        ri = np.asarray(requester_idx, dtype=np.int64)
        st = np.asarray(stars, dtype=np.int64)
        fe = np.asarray(fee)
        n = len(wi)
        if not len(ri) == len(st) == len(fe) == n:
            raise ValueError("worker_idx, requester_idx, stars and fee differ in length")
        if n and (fe.dtype.kind not in "ui" or bool((fe < 0).any())):
            raise ValueError("fees are lamports: integers from 0 to 2^64 - 1")
        workers.check()
        requesters.check()
        level = schedule(wi, ri)
        order = np.argsort(level, kind="stable")
        bounds = np.flatnonzero(np.diff(level[order])) + 1
        adjusted = np.zeros(n, np.uint16)
        weight = np.zeros(n, np.uint64)
        rating = np.zeros(n, np.uint16)
        for part in np.split(order, bounds) if n else []:
            out = self.apply_round(
                workers, requesters, wi[part], ri[part], st[part], fe[part], check=False
            )
            adjusted[part] = out.adjusted
            weight[part] = out.weight
            rating[part] = out.rating
        return Applied(adjusted, weight, rating)

    def scores(self, workers: WorkerStates) -> U16:
        """Every worker's score from its state now (step 5 alone): what the
        chain's `rating` will read after the next rating if the parameters
        changed since the last."""
        return _score(
            self.params, workers.score_sum, workers.weight, workers.rater_ids, workers.rater_weights
        )

    # -- scalar API -----------------------------------------------------------------

    def apply(
        self, worker: WorkerState, requester: RequesterState, stars: int, fee: int
    ) -> tuple[int, int, int]:
        """Apply one rating to `worker` and `requester` (updated in place), as
        `rate_assignments` does: returns (adjusted, weight, score)."""
        worker.check()
        requester.check()
        ws = WorkerStates.from_profiles([worker])
        rs = RequesterStates.from_profiles([requester])
        if not 0 <= fee < 2**64:
            raise ValueError("a fee is lamports: an integer from 0 to 2^64 - 1")
        out = self.apply_round(ws, rs, [0], [0], [stars], np.array([fee], np.uint64), check=False)
        new_w, new_r = ws.state(0), rs.state(0)
        worker.__dict__.update(new_w.__dict__)
        requester.__dict__.update(new_r.__dict__)
        a, w, s = out.tuples()[0]
        return a, w, s

    def predict(
        self,
        worker: WorkerProfile | WorkerState,
        requester: RequesterProfile | RequesterState,
        stars: int,
        fee: int,
    ) -> tuple[int, int, int]:
        """What one more rating would do, without changing anything:
        (adjusted, weight, the worker's new score)."""
        w = WorkerState.from_profile(worker) if isinstance(worker, WorkerProfile) else _copy(worker)
        r = (
            RequesterState.from_profile(requester)
            if isinstance(requester, RequesterProfile)
            else RequesterState(**requester.__dict__)
        )
        return self.apply(w, r, stars, fee)

    def score(self, worker: WorkerProfile | WorkerState) -> int:
        """The worker's score from its profile under these parameters (0 for a
        worker never rated, as on chain)."""
        s = WorkerState.from_profile(worker) if isinstance(worker, WorkerProfile) else worker
        s.check()
        if s.rating_count == 0:
            return 0
        return int(self.scores(WorkerStates.from_profiles([s]))[0])


def _copy(w: WorkerState) -> WorkerState:
    return WorkerState(w.score_sum, w.weight, w.rating, w.rating_count, list(w.raters))


def predict_score(
    profile: WorkerProfile | WorkerState, params: ReputationParams | Mapping[str, int] | None = None
) -> int:
    """A worker's score from its on-chain profile (`Config.reputation` for
    `params`; the defaults if None). Equals `profile.rating` unless the
    parameters changed since its last rating."""
    return Reputation(params).score(profile)


def schedule(worker_idx: npt.ArrayLike, requester_idx: npt.ArrayLike) -> I64:
    """The round of each rating of a stream: one after the last round that
    touched its worker or its requester. Within a round no worker and no
    requester repeats; across rounds each one's ratings keep stream order."""
    wi = np.asarray(worker_idx, dtype=np.int64).tolist()
    ri = np.asarray(requester_idx, dtype=np.int64).tolist()
    last_w: dict[int, int] = {}
    last_r: dict[int, int] = {}
    out = [0] * len(wi)
    for k, (w, r) in enumerate(zip(wi, ri, strict=True)):
        lvl = max(last_w.get(w, -1), last_r.get(r, -1)) + 1
        last_w[w] = last_r[r] = out[k] = lvl
    return np.asarray(out, dtype=np.int64)


def replay(
    params: ReputationParams | Mapping[str, int] | None,
    ratings: Iterable[tuple[int, int, int, int]],
    workers: int,
    requesters: int,
) -> tuple[WorkerStates, RequesterStates, Applied]:
    """Fresh states for `workers` workers and `requesters` requesters (ids
    1..m), then `ratings` as (worker, requester, stars, fee) in order."""
    rows = list(ratings)
    arr = np.array(rows, dtype=np.uint64).reshape(-1, 4) if rows else np.zeros((0, 4), np.uint64)
    ws, rs = WorkerStates.zeros(workers), RequesterStates.create(requesters)
    out = Reputation(params).apply_stream(
        ws, rs, arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2], arr[:, 3]
    )
    return ws, rs, out


__all__ = [
    "DEFAULT_PARAMS",
    "MAX_HORIZON",
    "MAX_SCORE",
    "MIN_SCORE",
    "Applied",
    "Reputation",
    "RequesterState",
    "RequesterStates",
    "WorkerState",
    "WorkerStates",
    "params_of",
    "predict_score",
    "replay",
    "schedule",
    "validate_params",
]
