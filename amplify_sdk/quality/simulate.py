"""A market simulation of the reputation formula (docs/reputation.md, "Simulation").

    python -m amplify_sdk.quality.simulate [--seed N] [--plot PATH] [--json]

Runs the formula exactly as the chain does — the SDK's bit-exact twin
(`amplify_sdk.quality.reputation`), one vector step (`Reputation.apply_round`) per
round of tasks — over a population of workers and requesters, and measures
what a user of the marketplace asks of a reputation system:

- **Honest, careless and spamming workers** take one task per round from a
  requester drawn at random among the market's requesters (each requester
  meets each worker at most once per round). Honest work is worth 5 stars
  (sometimes 4), careless work 1–4, spam 1. **Turncoats** work honestly for
  the first half of the run, then deliver junk: how long an earned score
  shields a worker gone bad.
- **Harsh, neutral and lenient requesters** rate what they see one star
  lower, as it is, or one star higher (within 1–5), and each posts one
  price: 2,000, 10,000, 50,000 or 200,000 lamports an item (fees 100, 500,
  2,500 and 10,000 lamports at 5%).
- **Colluding workers**: a sybil worker rated 5 stars by its own requester
  (a pair), or by a ring of four requesters, on 100,000-lamport tasks
  (5,000-lamport fees), each requester keeping its own average at neutral
  with one 1-star rating of a decoy worker for every three 5-stars (the
  cheapest shape test_reputation.py's ring search finds).

Key figures (`SimulationReport`): the tasks a new honest worker needs to pass
a 4-star gate; how far one 1-star rating among 50 good ones moves a worker;
how fast an established worker that turns to spam falls below a 3-star gate
(a worker that spams from the start never rises above the prior); the
highest score one colluding requester, and a ring, can buy, and what the
cheapest ring pays to pass a 4-star gate against what the gate protects.

Everything is integer arithmetic in the twin; randomness comes from one
`numpy.random.Generator` seeded with `seed`, so a seed reproduces a run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from ..protocol._models import ReputationParams
from .reputation import (
    MAX_SCORE,
    MIN_SCORE,
    Reputation,
    RequesterStates,
    WorkerStates,
    params_of,
)

I64 = npt.NDArray[np.int64]

#: The protocol fee `initialize` sets (5%); a batch's fee per item is
#: `ceil(price × fee_bps / 10,000)`, as `create_batch` computes it.
FEE_BPS = 500
#: The gates the key figures are about, in milli-stars.
GATE_4 = 4_000
GATE_3 = 3_000
#: A typical gated batch (as in test_reputation.py): 10,000-lamport items and
#: a per-worker cap of 500, so passing the gate lets one identity take at most
#: 500 items — 500 × (10,000 − 500) lamports of pay — before its ratings
#: collapse. What an attack must cost more than.
GATED_PRICE = 10_000
GATED_CAP = 500

#: Item prices requesters post and the share of requesters posting each.
PRICES = (2_000, 10_000, 50_000, 200_000)
PRICE_SHARES = (0.2, 0.5, 0.2, 0.1)
#: Requester habits: how many stars they add to what the work is worth.
HABITS = {"harsh": -1, "neutral": 0, "lenient": 1}
HABIT_SHARES = (0.25, 0.5, 0.25)
#: What a task is worth (probabilities of 1..5 stars) for each class that
#: works for the market.
QUALITY = {
    "honest": (0.0, 0.0, 0.0, 0.15, 0.85),
    "careless": (0.1, 0.3, 0.4, 0.2, 0.0),
    "spammer": (1.0, 0.0, 0.0, 0.0, 0.0),
}
# Turncoats work like honest workers until they turn, then like spammers.
QUALITY["turncoat"] = QUALITY["honest"]
#: Colluders buy 5-star ratings on 100,000-lamport tasks (fee 5,000), one
#: decoy 1-star per `COLLUDE_SHARE` 5-stars keeping each requester at neutral.
COLLUDE_PRICE = 100_000
COLLUDE_SHARE = 3
RING = 4
#: Class names, in report order.
CLASSES = (
    "honest",
    "careless",
    "spammer",
    "turncoat",
    "colluding pair",
    f"colluding ring of {RING}",
)
#: Turncoats start delivering junk after this share of the run.
TURN_AT = 0.5


def fee_of(price: int, fee_bps: int = FEE_BPS) -> int:
    """The protocol fee on one item (rounded up, as on chain): the weight a
    rating of that item carries, before the per-rating cap."""
    return -(-price * fee_bps // 10_000)


# -- the report ---------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClassTrajectory(_Model):
    """How one class of workers' scores evolved: at each checkpoint (tasks
    each worker had done), the median and the 10th and 90th percentiles."""

    name: str
    workers: int
    tasks: list[int]
    median: list[int]
    p10: list[int]
    p90: list[int]
    #: The highest score any worker of the class had after any task.
    max_score: int
    #: Workers of the class at or above the 4-star gate at the end.
    above_4: int


class Spread(_Model):
    """A figure measured on several workers: median and range (None when no
    worker got there), and how many of how many did."""

    median: int | None
    min: int | None
    max: int | None
    reached: int
    of: int


class HonestToGate(_Model):
    """Tasks a new honest worker needs until its score reaches the 4-star gate."""

    tasks: Spread
    #: The least fee weight (lamports) any honest worker's ratings had carried
    #: when it crossed: the formula needs `W ≥ 1.5 · prior_weight / distinct_cap`.
    carried_weight_min: int | None
    #: Qualified raters (distinct requesters whose ratings of the worker
    #: weighed `qualifying_weight` or more) at crossing: fewest and median.
    qualified_min: int | None
    qualified_median: int | None


class Turncoat(_Model):
    """Established workers turning to junk halfway through the run."""

    #: The round (task) after which they deliver junk.
    switch_at: int
    #: Their scores then: lowest and median.
    score_min: int
    score_median: int
    #: Junk tasks until they are below the 4-star gate, and below the 3-star
    #: gate, among those that were at or above that gate when they turned.
    tasks_below_4: Spread
    tasks_below_3: Spread
    #: The fee weight their junk ratings carried until they were below 3
    #: stars: least (among those above 3 stars when they turned).
    junk_weight_min: int | None


class OneBadRating(_Model):
    """One 1-star rating, from a requester whose average is neutral, on a
    worker; its score before and after."""

    case: str
    fee: int
    #: The weight the 1-star carried (its fee, capped per rating).
    weight: int
    #: The worker's weight `W` and prior weight `P` before it.
    worker_weight: int
    prior_weight: int
    before: int
    after: int

    @property
    def drop(self) -> int:
        return self.before - self.after


class Collusion(_Model):
    """What buying 5-star ratings achieves, and costs (lamports of fee: the
    colluders' only loss, as the worker gets the rest of the price back)."""

    #: One colluding requester: the highest score its worker reached, and
    #: the fees paid until then (5-stars and decoys).
    pair_max_score: int
    pair_fees_at_max: int
    #: A ring of `RING` requesters: the highest score, the fees paid until
    #: then, and the least fees a ring paid when it first passed the 4-star gate.
    ring_max_score: int
    ring_fees_at_max: int
    ring_fees_to_gate: int | None
    #: The cheapest way past the 4-star gate among rings of 1–8 requesters,
    #: 1–6 5-stars per decoy 1-star, decoys paid or free (a real requester's
    #: own low ratings): its shape and its fees (None: no shape passed).
    cheapest_ring: int
    cheapest_share: int
    cheapest_free_decoys: bool
    cheapest_fees: int | None
    #: What a typical 4-star gate protects (`GATED_CAP` items of pay).
    protected: int


class SimulationReport(_Model):
    """What `simulate_reputation` measured (docs/reputation.md, "Simulation")."""

    seed: int
    rounds: int
    params: ReputationParams
    fee_bps: int
    requesters: int
    classes: list[ClassTrajectory]
    honest_to_gate: HonestToGate
    one_bad_rating: list[OneBadRating]
    turncoat: Turncoat
    collusion: Collusion
    seconds: float

    def trajectory(self, name: str) -> ClassTrajectory:
        return next(c for c in self.classes if c.name == name)

    def text(self) -> str:
        """The report as plain text: a table of scores by class, then the key figures."""
        return _text(self)


# -- the simulation -----------------------------------------------------------------------


@dataclass
class _Population:
    """Who is who: worker i's class, requester j's habit and fee."""

    worker_class: I64
    habit: I64
    fee: I64
    market_workers: I64
    market_requesters: I64
    #: Colluding lanes: the sybil worker, its decoy and its requesters.
    lane_worker: I64
    lane_decoy: I64
    lane_requesters: I64  # (lanes, RING); a pair uses column 0 only
    lane_ring: I64


def _population(
    rng: np.random.Generator, sizes: dict[str, int], pairs: int, rings: int
) -> _Population:
    market = [c for c in ("honest", "careless", "spammer", "turncoat") for _ in range(sizes[c])]
    n_market = len(market)
    lanes = pairs + rings
    worker_class = np.array(
        [CLASSES.index(c) for c in market]
        + [CLASSES.index("colluding pair")] * pairs
        + [CLASSES.index(f"colluding ring of {RING}")] * rings
        + [-1] * lanes,  # decoys: no class, not reported
        dtype=np.int64,
    )
    # A quarter more requesters than market workers: every round each worker
    # gets a different one, drawn at random.
    n_req = n_market + n_market // 4
    habit = rng.choice(len(HABITS), size=n_req, p=HABIT_SHARES)
    price = rng.choice(PRICES, size=n_req, p=PRICE_SHARES)
    fee = np.array([fee_of(int(p)) for p in price], dtype=np.int64)
    lane_ring = np.array([1] * pairs + [RING] * rings, dtype=np.int64)
    lane_requesters = np.full((lanes, RING), -1, dtype=np.int64)
    k = n_req
    for lane in range(lanes):
        lane_requesters[lane, : lane_ring[lane]] = np.arange(k, k + lane_ring[lane])
        k += int(lane_ring[lane])
    # Colluding requesters rate 5 or 1 themselves: their habit is not used.
    habit = np.concatenate([habit, np.full(k - n_req, list(HABITS).index("neutral"))])
    fee = np.concatenate([fee, np.full(k - n_req, fee_of(COLLUDE_PRICE), dtype=np.int64)])
    return _Population(
        worker_class=worker_class,
        habit=habit,
        fee=fee,
        market_workers=np.arange(n_market, dtype=np.int64),
        market_requesters=np.arange(n_req, dtype=np.int64),
        lane_worker=np.arange(n_market, n_market + lanes, dtype=np.int64),
        lane_decoy=np.arange(n_market + lanes, n_market + 2 * lanes, dtype=np.int64),
        lane_requesters=lane_requesters,
        lane_ring=lane_ring,
    )


#: stars given = RATED[habit, worth]: the habit's offset, within 1–5.
RATED = np.array(
    [[0] + [min(max(q + d, 1), 5) for q in range(1, 6)] for d in HABITS.values()], dtype=np.int64
)


def _cum(quality: tuple[float, ...]) -> npt.NDArray[np.float64]:
    """Thresholds for drawing 1..5 stars of worth from one uniform draw."""
    out: npt.NDArray[np.float64] = np.cumsum(quality)[:4]
    return out


def _qualified(p: ReputationParams, ws: WorkerStates, rows: I64) -> I64:
    """Each worker's qualified raters (as step 5 counts them)."""
    heavy = ws.rater_weights[rows].astype(np.uint64) >= np.uint64(p.qualifying_weight)
    out: I64 = ((ws.rater_ids[rows] != 0) & heavy).sum(axis=1).astype(np.int64)
    return out


@dataclass
class _Tracked:
    """What the market run recorded, per worker (-1: never)."""

    first_4: I64
    carried_at_4: I64
    qualified_at_4: I64
    best: I64
    snapshots: I64  # (checkpoints, workers)
    switch_score: I64
    below_4: I64
    below_3: I64
    junk_at_3: I64
    #: Per colluding lane: fees paid when its worker reached its best score,
    #: and when it first passed the 4-star gate.
    spent_at_best: I64
    spent_at_4: I64


def _market(
    twin: Reputation,
    rng: np.random.Generator,
    pop: _Population,
    rounds: int,
    step: int,
    switch: int,
) -> tuple[WorkerStates, _Tracked]:
    """Every market worker takes one task a round; every colluding lane makes
    one rating a round (of its sybil or of its decoy)."""
    p = twin.params
    n_w = len(pop.worker_class)
    ws, rs = WorkerStates.zeros(n_w), RequesterStates.create(len(pop.habit))
    market_w, market_r = pop.market_workers, pop.market_requesters
    classes = pop.worker_class[market_w]
    turncoats = np.flatnonzero(classes == CLASSES.index("turncoat"))
    cum = np.array([_cum(QUALITY[CLASSES[int(c)]]) for c in classes])
    lanes = len(pop.lane_worker)
    lane_idx = np.arange(lanes)
    given = np.zeros((lanes, RING), dtype=np.int64)  # ratings each colluding requester gave
    spent = np.zeros(lanes, dtype=np.int64)
    tr = _Tracked(
        first_4=np.full(n_w, -1, dtype=np.int64),
        carried_at_4=np.full(n_w, -1, dtype=np.int64),
        qualified_at_4=np.full(n_w, -1, dtype=np.int64),
        best=np.zeros(n_w, dtype=np.int64),
        snapshots=np.zeros((rounds // step, n_w), dtype=np.int64),
        switch_score=np.full(n_w, -1, dtype=np.int64),
        below_4=np.full(n_w, -1, dtype=np.int64),
        below_3=np.full(n_w, -1, dtype=np.int64),
        junk_at_3=np.full(n_w, -1, dtype=np.int64),
        spent_at_best=np.zeros(lanes, dtype=np.int64),
        spent_at_4=np.full(lanes, -1, dtype=np.int64),
    )
    carried = np.zeros(n_w, dtype=np.int64)
    carried_at_switch = np.zeros(len(turncoats), dtype=np.int64)
    junk = np.zeros(n_w, dtype=np.int64)
    n_m = len(market_w)
    # One round's ratings: market workers first (fixed), then the lanes.
    wi = np.concatenate([market_w, pop.lane_worker])
    ri = np.zeros(n_w - lanes, dtype=np.int64)
    stars = np.zeros(n_w - lanes, dtype=np.int64)
    fee = np.zeros(n_w - lanes, dtype=np.uint64)
    lane_fee = pop.fee[pop.lane_requesters[:, 0]]
    t = 0
    while t < rounds:
        # Draws for a chunk of rounds at once — who rates whom, what the work
        # is worth — ending at the switch, where turncoats' worth changes.
        size = min(500, rounds - t, switch - t if t < switch else rounds)
        perm = rng.permuted(np.tile(market_r, (size, 1)), axis=1)[:, :n_m]
        worth = 1 + (rng.random((size, n_m))[:, :, None] >= cum[None]).sum(axis=2)
        rated = RATED[pop.habit[perm], worth]
        for k in range(size):
            ri[:n_m] = perm[k]
            stars[:n_m] = rated[k]
            # Colluding lanes: requester `t % ring` of the lane rates; its own
            # count picks a decoy 1-star (the first of every COLLUDE_SHARE + 1)
            # or a 5-star for the sybil, as test_reputation.py's cost_to_pass.
            col = t % pop.lane_ring
            given[lane_idx, col] += 1
            decoy = given[lane_idx, col] % (COLLUDE_SHARE + 1) == 1
            wi[n_m:] = np.where(decoy, pop.lane_decoy, pop.lane_worker)
            ri[n_m:] = pop.lane_requesters[lane_idx, col]
            stars[n_m:] = np.where(decoy, 1, 5)
            fee[:] = pop.fee[ri]
            out = twin.apply_round(ws, rs, wi, ri, stars, fee, check=False)
            t += 1
            carried[wi] += out.weight.astype(np.int64)
            spent += lane_fee
            score = ws.rating.astype(np.int64)
            crossed = np.flatnonzero((score >= GATE_4) & (tr.first_4 < 0))
            if crossed.size:
                tr.first_4[crossed] = t
                tr.carried_at_4[crossed] = carried[crossed]
                tr.qualified_at_4[crossed] = _qualified(p, ws, crossed)
                lane = crossed - pop.lane_worker[0]
                lane = lane[(lane >= 0) & (lane < lanes)]
                tr.spent_at_4[lane] = spent[lane]
            higher = score[pop.lane_worker] > tr.best[pop.lane_worker]
            tr.spent_at_best[higher] = spent[higher]
            np.maximum(tr.best, score, out=tr.best)
            if t == switch:
                # Turncoats deliver junk from the next task on.
                tr.switch_score[turncoats] = score[turncoats]
                cum[turncoats] = _cum(QUALITY["spammer"])
                carried_at_switch = carried[turncoats]
            elif t > switch:
                junk[turncoats] = carried[turncoats] - carried_at_switch
                for below, gate in ((tr.below_4, GATE_4), (tr.below_3, GATE_3)):
                    now = turncoats[(score[turncoats] < gate) & (below[turncoats] < 0)]
                    below[now] = t - switch
                    if gate == GATE_3:
                        tr.junk_at_3[now] = junk[now]
            if t % step == 0:
                tr.snapshots[t // step - 1] = score
    return ws, tr


def _one_bad_rating(
    twin: Reputation, ws: WorkerStates, established: I64, first_id: int
) -> list[OneBadRating]:
    """(a) 50 five-star ratings from 50 distinct fresh requesters, then one
    1-star from a 51st, at a 10,000-lamport item's fee and at the largest
    weight a rating may carry; (b) one 1-star at that largest weight on an
    established honest worker of the market run (the median one). Fresh
    requesters' averages read as neutral: nothing discounted or lightened."""
    p = twin.params
    top_fee = p.max_weight_per_rating
    fees = [fee_of(GATED_PRICE), top_fee]
    lanes = len(fees)
    w50 = WorkerStates.zeros(lanes)
    r50 = RequesterStates.create(lanes * 51, first_id=first_id)
    fee = np.array(fees, dtype=np.uint64)
    rows = np.arange(lanes)
    for k in range(50):
        twin.apply_round(w50, r50, rows, rows * 51 + k, np.full(lanes, 5), fee, check=False)
    before = w50.rating.astype(np.int64)
    weight_before = w50.weight.astype(np.int64)
    prior_before = _prior(p, w50, rows)
    done = twin.apply_round(w50, r50, rows, rows * 51 + 50, np.ones(lanes), fee, check=False)
    out = [
        OneBadRating(
            case=f"50 five-stars at fee {f:,}, then one 1-star",
            fee=f,
            weight=int(done.weight[i]),
            worker_weight=int(weight_before[i]),
            prior_weight=int(prior_before[i]),
            before=int(before[i]),
            after=int(w50.rating[i]),
        )
        for i, f in enumerate(fees)
    ]
    if established.size:
        scores = ws.rating[established].astype(np.int64)
        i = int(established[np.argsort(scores, kind="stable")[len(scores) // 2]])
        one = _copy_worker(ws, i)
        fresh = RequesterStates.create(1, first_id=first_id + lanes * 51)
        before_one = int(one.rating[0])
        prior_one = _prior(p, one, np.zeros(1, dtype=np.int64))
        w_before = int(one.weight[0])
        done = twin.apply_round(one, fresh, [0], [0], [1], np.array([top_fee], np.uint64))
        out.append(
            OneBadRating(
                case=f"an established honest worker, one 1-star at fee {top_fee:,}",
                fee=top_fee,
                weight=int(done.weight[0]),
                worker_weight=w_before,
                prior_weight=int(prior_one[0]),
                before=before_one,
                after=int(one.rating[0]),
            )
        )
    return out


def _prior(p: ReputationParams, ws: WorkerStates, rows: I64) -> I64:
    q = np.clip(_qualified(p, ws, rows), 1, p.distinct_cap)
    out: I64 = p.prior_weight // q
    return out


def _copy_worker(ws: WorkerStates, i: int) -> WorkerStates:
    return WorkerStates(
        score_sum=ws.score_sum[i : i + 1].copy(),
        weight=ws.weight[i : i + 1].copy(),
        rating=ws.rating[i : i + 1].copy(),
        rating_count=ws.rating_count[i : i + 1].copy(),
        rater_ids=ws.rater_ids[i : i + 1].copy(),
        rater_weights=ws.rater_weights[i : i + 1].copy(),
    )


#: The ring search: ring sizes, 5-stars per decoy 1-star, decoys paid or free.
SEARCH_RINGS = (1, 2, 3, 4, 8)
SEARCH_SHARES = (1, 2, 3, 4, 6)


def ring_search(
    twin: Reputation, gate: int = GATE_4, limit: int | None = None
) -> list[tuple[int, int, bool, int | None]]:
    """For every ring shape (ring size, 5-stars per decoy 1-star, decoys
    free or paid), the fees (lamports) it pays to lift one fresh worker to
    `gate` on 100,000-lamport tasks — the strategy of test_reputation.py's
    `cost_to_pass`, every shape a lane of one vector run. A shape is dropped
    once it has paid more than the cheapest that passed (it cannot be the
    cheapest any more), or `limit` (10 × what the gate protects); None:
    dropped."""
    shapes = [(r, s, f) for r in SEARCH_RINGS for s in SEARCH_SHARES for f in (False, True)]
    n = len(shapes)
    fee = fee_of(COLLUDE_PRICE)
    cheapest = limit if limit is not None else 10 * _protected()
    ring = np.array([r for r, _, _ in shapes], dtype=np.int64)
    share = np.array([s for _, s, _ in shapes], dtype=np.int64)
    free = np.array([f for _, _, f in shapes], dtype=bool)
    first_req = np.concatenate([[0], np.cumsum(ring)[:-1]])
    ws = WorkerStates.zeros(2 * n)  # lane i: worker i, its decoy n + i
    rs = RequesterStates.create(int(ring.sum()))
    count = np.zeros(n, dtype=np.int64)
    given = np.zeros(int(ring.sum()), dtype=np.int64)
    spent = np.zeros(n, dtype=np.int64)
    cost: list[int | None] = [None] * n
    active = np.arange(n)
    while active.size:
        r = first_req[active] + count[active] % ring[active]
        count[active] += 1
        given[r] += 1
        decoy = given[r] % (share[active] + 1) == 1
        wi = np.where(decoy, n + active, active)
        stars = np.where(decoy, 1, 5)
        fees = np.full(active.size, fee, np.uint64)
        twin.apply_round(ws, rs, wi, r, stars, fees, check=False)
        passed = ~decoy & (ws.rating[active] >= gate)
        for lane in active[passed].tolist():
            cost[lane] = int(spent[lane]) + fee
            cheapest = min(cheapest, int(spent[lane]) + fee)
        spent[active] += np.where(decoy & free[active], 0, fee)
        active = active[~passed & (spent[active] < cheapest)]
    return [(r, s, f, c) for (r, s, f), c in zip(shapes, cost, strict=True)]


def _protected() -> int:
    return GATED_CAP * (GATED_PRICE - fee_of(GATED_PRICE))


def _spread(values: I64, of: int) -> Spread:
    got = values[values >= 0]
    if not got.size:
        return Spread(median=None, min=None, max=None, reached=0, of=of)
    return Spread(
        median=int(np.median(got)),
        min=int(got.min()),
        max=int(got.max()),
        reached=int(got.size),
        of=of,
    )


def _min(values: I64) -> int | None:
    got = values[values >= 0]
    return int(got.min()) if got.size else None


def simulate_reputation(
    seed: int = 0,
    *,
    rounds: int = 24_000,
    honest: int = 60,
    params: ReputationParams | None = None,
) -> SimulationReport:
    """Run the market for `rounds` rounds (tasks per worker) with `honest`
    honest workers and, in proportion, 40 careless, 30 spamming and 20
    turncoat workers, 10 colluding pairs and 6 rings per 60; then the side
    experiments (one bad rating, the ring search). Under `params` (the
    program's defaults if None). A few seconds at the defaults."""
    if rounds < 200 or honest < 1:
        raise ValueError("the market needs at least 200 rounds and one honest worker")
    t0 = time.perf_counter()
    p = params_of(params)
    twin = Reputation(p)
    rng = np.random.default_rng(seed)
    sizes = {
        "honest": honest,
        "careless": max(honest * 2 // 3, 1),
        "spammer": max(honest // 2, 1),
        "turncoat": max(honest // 3, 1),
    }
    pairs, rings = max(honest // 6, 1), max(honest // 10, 1)
    pop = _population(rng, sizes, pairs, rings)
    step = max(rounds // 200, 1)
    checkpoints = np.arange(step, rounds + 1, step, dtype=np.int64)
    switch = int(rounds * TURN_AT)
    ws, tr = _market(twin, rng, pop, rounds, step, switch)

    classes = []
    for c, name in enumerate(CLASSES):
        rows = np.flatnonzero(pop.worker_class == c)
        snap = tr.snapshots[:, rows]
        classes.append(
            ClassTrajectory(
                name=name,
                workers=len(rows),
                tasks=checkpoints.tolist(),
                median=np.median(snap, axis=1).astype(int).tolist(),
                p10=np.percentile(snap, 10, axis=1).astype(int).tolist(),
                p90=np.percentile(snap, 90, axis=1).astype(int).tolist(),
                max_score=int(tr.best[rows].max()),
                above_4=int((ws.rating[rows] >= GATE_4).sum()),
            )
        )
    honest_rows = np.flatnonzero(pop.worker_class == CLASSES.index("honest"))
    first = tr.first_4[honest_rows]
    crossed = honest_rows[first >= 0]
    to_gate = HonestToGate(
        tasks=_spread(first, len(honest_rows)),
        carried_weight_min=_min(tr.carried_at_4[crossed]),
        qualified_min=_min(tr.qualified_at_4[crossed]),
        qualified_median=int(np.median(tr.qualified_at_4[crossed])) if crossed.size else None,
    )
    turn_rows = np.flatnonzero(pop.worker_class == CLASSES.index("turncoat"))
    at_switch = tr.switch_score[turn_rows]
    # Falling below a gate counts only for those that were above it.
    above_4, above_3 = turn_rows[at_switch >= GATE_4], turn_rows[at_switch >= GATE_3]
    turncoat = Turncoat(
        switch_at=switch,
        score_min=int(at_switch.min()),
        score_median=int(np.median(at_switch)),
        tasks_below_4=_spread(tr.below_4[above_4], len(above_4)),
        tasks_below_3=_spread(tr.below_3[above_3], len(above_3)),
        junk_weight_min=_min(tr.junk_at_3[above_3]),
    )
    established = honest_rows[ws.rating[honest_rows] >= GATE_4]
    one_bad = _one_bad_rating(twin, ws, established, first_id=len(pop.habit) + 1)

    lanes = np.arange(len(pop.lane_worker))
    pair_lanes = lanes[pop.lane_ring == 1]
    ring_lanes = lanes[pop.lane_ring == RING]
    best = tr.best[pop.lane_worker]
    pl = pair_lanes[np.argmax(best[pair_lanes])]
    rl = ring_lanes[np.argmax(best[ring_lanes])]
    found = [s for s in ring_search(twin) if s[3] is not None]
    cheapest = min(found, key=lambda s: s[3] or 0) if found else (0, 0, False, None)
    collusion = Collusion(
        pair_max_score=int(best[pl]),
        pair_fees_at_max=int(tr.spent_at_best[pl]),
        ring_max_score=int(best[rl]),
        ring_fees_at_max=int(tr.spent_at_best[rl]),
        ring_fees_to_gate=_min(tr.spent_at_4[ring_lanes]),
        cheapest_ring=cheapest[0],
        cheapest_share=cheapest[1],
        cheapest_free_decoys=cheapest[2],
        cheapest_fees=cheapest[3],
        protected=_protected(),
    )
    return SimulationReport(
        seed=seed,
        rounds=rounds,
        params=p,
        fee_bps=FEE_BPS,
        requesters=len(pop.market_requesters),
        classes=classes,
        honest_to_gate=to_gate,
        one_bad_rating=one_bad,
        turncoat=turncoat,
        collusion=collusion,
        seconds=round(time.perf_counter() - t0, 2),
    )


# -- output -------------------------------------------------------------------------------


def _stars(milli: int | None) -> str:
    return "—" if milli is None else f"{milli / 1000:.3f}"


def _text(r: SimulationReport) -> str:
    lines = [
        f"Reputation simulation (seed {r.seed}): {r.rounds:,} tasks per worker, "
        f"{r.requesters} requesters (harsh / neutral / lenient), fees "
        + ", ".join(f"{fee_of(p, r.fee_bps):,}" for p in PRICES)
        + f" lamports ({r.seconds:.1f} s)",
        "",
        "Median score (stars) by tasks done [10th–90th percentile at the end]:",
    ]
    picks = _picks(r.classes[0].tasks)
    head = f"{'class':<22}{'n':>4}" + "".join(f"{t:>9,}" for t in picks)
    lines += [head + f"{'   end range':>16}{'  max':>7}{'  ≥4★':>6}"]
    for k in r.classes:
        at = [k.median[k.tasks.index(t)] for t in picks]
        lines.append(
            f"{k.name:<22}{k.workers:>4}"
            + "".join(f"{_stars(v):>9}" for v in at)
            + f"   {_stars(k.p10[-1])}–{_stars(k.p90[-1])}"
            + f"{_stars(k.max_score):>7}{k.above_4:>6}"
        )
    h = r.honest_to_gate
    t = h.tasks
    lines += [
        "",
        "Key figures:",
        f"- a new honest worker passes a 4-star gate after {_n(t.median)} tasks "
        f"(median; range {_n(t.min)}–{_n(t.max)}; {t.reached} of {t.of} within the run), "
        f"having carried at least {_n(h.carried_weight_min)} lamports of fee weight, "
        f"with {_n(h.qualified_min)}–{_n(h.qualified_median)} qualified raters (least–median)",
    ]
    for b in r.one_bad_rating:
        lines.append(
            f"- {b.case}: {_stars(b.before)} → {_stars(b.after)} "
            f"(−{b.drop} milli-stars, weight {b.weight:,})"
        )
    tc = r.turncoat
    c = r.collusion
    spam = r.trajectory("spammer").max_score
    cheapest = (
        f"a ring of {c.cheapest_ring} ({c.cheapest_share} 5-stars per "
        f"{'free' if c.cheapest_free_decoys else 'paid'} decoy 1-star) pays "
        f"{_n(c.cheapest_fees)} lamports of fees"
        if c.cheapest_fees is not None
        else "no ring shape passes within the budget"
    )
    lines += [
        f"- a spammer from the start never rises above {_stars(spam)}"
        f" (the prior is {_stars(r.params.prior_mean)})"
        + (": never near a 3-star gate" if spam < GATE_3 else ""),
        f"- turncoats (honest for {tc.switch_at:,} tasks, then junk; at "
        f"{_stars(tc.score_min)}–{_stars(tc.score_median)}) fall below a 4-star gate after "
        f"{_n(tc.tasks_below_4.median)} junk tasks (median; range {_n(tc.tasks_below_4.min)}–"
        f"{_n(tc.tasks_below_4.max)}; {tc.tasks_below_4.reached} of {tc.tasks_below_4.of} "
        f"above it) and below a 3-star gate after {_n(tc.tasks_below_3.median)} (range "
        f"{_n(tc.tasks_below_3.min)}–{_n(tc.tasks_below_3.max)}; "
        f"{tc.tasks_below_3.reached} of {tc.tasks_below_3.of} above it)",
        f"- one colluding requester lifts its worker to at most {_stars(c.pair_max_score)} "
        f"(after {c.pair_fees_at_max:,} lamports of fees)"
        + (": below a 4-star gate" if c.pair_max_score < GATE_4 else ": past a 4-star gate"),
        f"- a ring of {RING} reaches {_stars(c.ring_max_score)} "
        f"(after {c.ring_fees_at_max:,} lamports), passing 4 stars after "
        f"{_n(c.ring_fees_to_gate)} lamports",
        f"- cheapest way past a 4-star gate: {cheapest}; the gate protects "
        f"{c.protected:,} lamports ({GATED_CAP} items at {GATED_PRICE:,})",
    ]
    return "\n".join(lines)


def _n(v: int | None) -> str:
    return "—" if v is None else f"{v:,}"


def _picks(tasks: list[int]) -> list[int]:
    """About eight checkpoints to show: round numbers where they exist."""
    end = tasks[-1]
    want = [100, 1_000, 2_500, 5_000, 10_000, 15_000, 20_000, 30_000, 50_000]
    out = [min(tasks, key=lambda t: abs(t - w)) for w in want if w < end]
    return sorted({*out, end})


def plot(report: SimulationReport, path: str | Path) -> Path:
    """A PNG of the score trajectories by class (median and 10th–90th
    percentile band) with the 3- and 4-star gates. Agg backend: no display."""
    try:
        import matplotlib
    except ImportError as e:  # pragma: no cover -- a declared dependency
        raise RuntimeError("plotting needs matplotlib (pip install matplotlib)") from e
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5.5), layout="constrained")
    ax = fig.subplots()
    colors = ["#2ca02c", "#ff7f0e", "#d62728", "#17becf", "#9467bd", "#8c564b"]
    # Solid: workers as they are; dashed: workers gaming the system.
    styles = ["-", "-", "-", "--", "--", "--"]
    for c, color, style in zip(report.classes, colors, styles, strict=True):
        x = np.array(c.tasks)
        label = f"{c.name} ({c.workers})"
        ax.plot(x, np.array(c.median) / 1000, color=color, ls=style, label=label)
        ax.fill_between(
            x, np.array(c.p10) / 1000, np.array(c.p90) / 1000, color=color, alpha=0.15, lw=0
        )
    for gate, name in ((GATE_4, "4-star gate"), (GATE_3, "3-star gate")):
        ax.axhline(gate / 1000, color="#555555", ls="--", lw=0.8)
        ax.annotate(name, (report.rounds, gate / 1000), ha="right", va="bottom", fontsize=8)
    prior = report.params.prior_mean / 1000
    ax.axhline(prior, color="#999999", ls=":", lw=0.8)
    ax.annotate("prior", (report.rounds, prior), ha="right", va="bottom", fontsize=8)
    ax.set_xlabel("tasks done")
    ax.set_ylabel("score (stars)")
    ax.set_ylim(MIN_SCORE / 1000 - 0.1, MAX_SCORE / 1000 + 0.1)
    ax.set_xlim(0, report.rounds)
    ax.set_title(f"Reputation by worker class (seed {report.seed}; median, 10th–90th percentile)")
    ax.legend(loc="lower right", fontsize=8)
    out = Path(path)
    fig.savefig(out, dpi=110)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m amplify_sdk.quality.simulate",
        description="Simulate the reputation formula over a market of workers and requesters.",
    )
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--plot", type=Path, help="write a PNG of the score trajectories here")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    report = simulate_reputation(seed=args.seed)
    print(report.model_dump_json(indent=2) if args.json else report.text())
    if args.plot is not None:
        written = plot(report, args.plot)
        if not args.json:
            print(f"plot: {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = [
    "ClassTrajectory",
    "Collusion",
    "HonestToGate",
    "OneBadRating",
    "SimulationReport",
    "Spread",
    "fee_of",
    "main",
    "plot",
    "ring_search",
    "simulate_reputation",
]
