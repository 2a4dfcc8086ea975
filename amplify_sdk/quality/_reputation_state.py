"""The reputation twin's parameters and the states it works on: the bounds
the program enforces (`ReputationParams::validate`), its default parameters,
and each worker's and requester's running sums as numpy columns (many) or a
dataclass (one), read from and checked like the program's profiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..protocol._ceiling import MAX_SCORE
from ..protocol._models import ReputationParams, RequesterProfile, WorkerProfile
from ..protocol._program_errors import InvalidAccountData, InvalidParams

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
U16 = npt.NDArray[np.uint16]
I64 = npt.NDArray[np.int64]

MILLI_STARS_PER_STAR = 1_000
MIN_SCORE = 1_000
#: The largest horizon the program accepts: with it, every product fits u64.
MAX_HORIZON = 25_000_000
MAX_PRIOR_WEIGHT = 1_000_000_000_000
MAX_DISTINCT_CAP = 8
#: Requesters tracked per worker (`WorkerProfile.raters`).
RATERS = 8
U32_MAX = 2**32 - 1
#: A weight (worker's or requester's) never exceeds this: it starts at 0 and
#: `W' = W·H/(H+w) + w` keeps `W ≤ 2H` whenever `w ≤ H` (the bounds), with H at
#: most MAX_HORIZON.
MAX_STATE_WEIGHT = 2 * MAX_HORIZON

#: The parameters `initialize` sets (the program's `set_defaults`).
DEFAULT_PARAMS = ReputationParams(
    prior_mean=2_500,
    neutral=4_000,
    distinct_cap=4,
    prior_weight=20_000_000,
    horizon=25_000_000,
    requester_horizon=25_000_000,
    max_weight_per_rating=100_000,
    max_weight_per_requester=10_000_000,
    qualifying_weight=250_000,
)


def params_of(params: ReputationParams | Mapping[str, int] | None) -> ReputationParams:
    """`ReputationParams` from a model, a dict of the nine fields, or None (the defaults)."""
    if params is None:
        return DEFAULT_PARAMS
    if isinstance(params, ReputationParams):
        return params
    return ReputationParams(**params)


def validate_params(p: ReputationParams) -> None:
    """Raise `InvalidParams` unless `p` is within the bounds the program
    enforces (`ReputationParams::validate`); those bounds are what keeps
    every product of the formula within 64 bits."""
    ok = (
        MIN_SCORE <= p.prior_mean <= MAX_SCORE
        and MIN_SCORE <= p.neutral <= MAX_SCORE
        and 1 <= p.distinct_cap <= MAX_DISTINCT_CAP
        and 1 <= p.prior_weight <= MAX_PRIOR_WEIGHT
        and 1 <= p.horizon <= MAX_HORIZON
        and 1 <= p.requester_horizon <= MAX_HORIZON
        and 1 <= p.max_weight_per_rating <= min(p.horizon, p.requester_horizon)
        and 1 <= p.max_weight_per_requester <= U32_MAX
        and 1 <= p.qualifying_weight < 2**64
    )
    if not ok:
        raise InvalidParams()


def nonzero(a: U64) -> U64:
    """`a` with zeros replaced by ones: a divisor for lanes whose result is
    discarded (numpy evaluates every lane of a `where`)."""
    out: U64 = np.maximum(a, np.uint64(1))
    return out


# -- state ---------------------------------------------------------------------------


@dataclass
class WorkerStates:
    """The reputation fields of n workers' profiles, as arrays (row i = worker i)."""

    score_sum: U64
    weight: U64
    rating: U16
    rating_count: U32
    #: (n, 8): requester ids (0 = empty place) and the weight each carried.
    rater_ids: U32
    rater_weights: U32

    @classmethod
    def zeros(cls, n: int) -> WorkerStates:
        """n fresh profiles (never rated)."""
        return cls(
            score_sum=np.zeros(n, np.uint64),
            weight=np.zeros(n, np.uint64),
            rating=np.zeros(n, np.uint16),
            rating_count=np.zeros(n, np.uint32),
            rater_ids=np.zeros((n, RATERS), np.uint32),
            rater_weights=np.zeros((n, RATERS), np.uint32),
        )

    @classmethod
    def from_profiles(cls, profiles: Sequence[WorkerProfile | WorkerState]) -> WorkerStates:
        out = cls.zeros(len(profiles))
        for i, p in enumerate(profiles):
            s = p if isinstance(p, WorkerState) else WorkerState.from_profile(p)
            s.check()
            out.score_sum[i] = s.score_sum
            out.weight[i] = s.weight
            out.rating[i] = s.rating
            out.rating_count[i] = s.rating_count
            out.rater_ids[i] = [r for r, _ in s.raters]
            out.rater_weights[i] = [w for _, w in s.raters]
        return out

    def __len__(self) -> int:
        return len(self.weight)

    def state(self, i: int) -> WorkerState:
        """Worker i as a scalar `WorkerState`."""
        return WorkerState(
            score_sum=int(self.score_sum[i]),
            weight=int(self.weight[i]),
            rating=int(self.rating[i]),
            rating_count=int(self.rating_count[i]),
            raters=[
                (int(r), int(w))
                for r, w in zip(self.rater_ids[i], self.rater_weights[i], strict=True)
            ],
        )

    def check(self) -> None:
        """Raise `InvalidAccountData` unless every row keeps the program's
        invariant (`S/W` within 1–5 stars, weight within its bound): states
        built any other way than by this formula are refused, as on chain."""
        w = self.weight
        if (
            bool((w > MAX_STATE_WEIGHT).any())
            or bool((self.score_sum > w * MAX_SCORE).any())
            or bool((self.score_sum < w * MIN_SCORE).any())
        ):
            raise InvalidAccountData()


@dataclass
class RequesterStates:
    """The reputation fields of m requesters' profiles, as arrays."""

    id: U32
    stars_sum: U64
    weight: U64
    rated_weight: U64
    ratings_given: U64

    @classmethod
    def create(cls, m: int, first_id: int = 1) -> RequesterStates:
        """m fresh profiles with ids first_id, first_id + 1, ... (ids are
        given by `register_requester` from 1; 0 marks an empty rater place)."""
        if first_id < 1 or first_id + m - 1 > U32_MAX:
            raise ValueError("requester ids run from 1 to 2^32 - 1")
        return cls(
            id=np.arange(first_id, first_id + m, dtype=np.uint32),
            stars_sum=np.zeros(m, np.uint64),
            weight=np.zeros(m, np.uint64),
            rated_weight=np.zeros(m, np.uint64),
            ratings_given=np.zeros(m, np.uint64),
        )

    @classmethod
    def from_profiles(
        cls, profiles: Sequence[RequesterProfile | RequesterState]
    ) -> RequesterStates:
        out = cls.create(len(profiles))
        for i, p in enumerate(profiles):
            s = p if isinstance(p, RequesterState) else RequesterState.from_profile(p)
            s.check()
            out.id[i] = s.id
            out.stars_sum[i] = s.stars_sum
            out.weight[i] = s.weight
            out.rated_weight[i] = s.rated_weight
            out.ratings_given[i] = s.ratings_given
        return out

    def __len__(self) -> int:
        return len(self.id)

    def state(self, i: int) -> RequesterState:
        return RequesterState(
            id=int(self.id[i]),
            stars_sum=int(self.stars_sum[i]),
            weight=int(self.weight[i]),
            rated_weight=int(self.rated_weight[i]),
            ratings_given=int(self.ratings_given[i]),
        )

    def mean(self, neutral: int = DEFAULT_PARAMS.neutral) -> U64:
        """Each requester's mean (milli-stars) as the formula reads it."""
        return np.where(
            self.weight == 0, np.uint64(neutral), self.stars_sum // nonzero(self.weight)
        )

    def check(self) -> None:
        w = self.weight
        if (
            bool((self.id == 0).any())
            or bool((w > MAX_STATE_WEIGHT).any())
            or bool((self.stars_sum > w * MAX_SCORE).any())
            or bool((self.stars_sum < w * MIN_SCORE).any())
        ):
            raise InvalidAccountData()


@dataclass
class WorkerState:
    """One worker's reputation fields (what `WorkerProfile` holds), mutable."""

    score_sum: int = 0
    weight: int = 0
    rating: int = 0
    rating_count: int = 0
    raters: list[tuple[int, int]] = field(default_factory=lambda: [(0, 0)] * RATERS)

    @classmethod
    def from_profile(cls, p: WorkerProfile) -> WorkerState:
        return cls(
            score_sum=p.score_sum,
            weight=p.weight,
            rating=p.rating,
            rating_count=p.rating_count,
            raters=[(int(r["requester_id"]), int(r["weight"])) for r in p.raters],
        )

    def check(self) -> None:
        if len(self.raters) != RATERS or not all(
            0 <= r <= U32_MAX and 0 <= w <= U32_MAX for r, w in self.raters
        ):
            raise InvalidAccountData()
        if not (
            0 <= self.weight <= MAX_STATE_WEIGHT
            and self.weight * MIN_SCORE <= self.score_sum <= self.weight * MAX_SCORE
            and 0 <= self.rating_count <= U32_MAX
        ):
            raise InvalidAccountData()


@dataclass
class RequesterState:
    """One requester's rating habits (what `RequesterProfile` holds), mutable."""

    id: int
    stars_sum: int = 0
    weight: int = 0
    rated_weight: int = 0
    ratings_given: int = 0

    @classmethod
    def from_profile(cls, p: RequesterProfile) -> RequesterState:
        return cls(
            id=p.id,
            stars_sum=p.stars_sum,
            weight=p.weight,
            rated_weight=p.rated_weight,
            ratings_given=p.ratings_given,
        )

    def check(self) -> None:
        if not (
            1 <= self.id <= U32_MAX
            and 0 <= self.weight <= MAX_STATE_WEIGHT
            and self.weight * MIN_SCORE <= self.stars_sum <= self.weight * MAX_SCORE
            and 0 <= self.rated_weight < 2**64
            and 0 <= self.ratings_given < 2**64 - 1
        ):
            raise InvalidAccountData()


@dataclass(frozen=True)
class Applied:
    """What each rating did, in input order: the rating read against its
    requester (milli-stars), the weight it carried, the worker's new score —
    the `adjusted`, `weight` and `rating` fields of `AssignmentRated`."""

    adjusted: U16
    weight: U64
    rating: U16

    def __len__(self) -> int:
        return len(self.weight)

    def tuples(self) -> list[tuple[int, int, int]]:
        return list(
            zip(self.adjusted.tolist(), self.weight.tolist(), self.rating.tolist(), strict=True)
        )


__all__ = [
    "DEFAULT_PARAMS",
    "MAX_HORIZON",
    "MAX_SCORE",
    "MIN_SCORE",
    "Applied",
    "RequesterState",
    "RequesterStates",
    "WorkerState",
    "WorkerStates",
    "params_of",
    "validate_params",
]
