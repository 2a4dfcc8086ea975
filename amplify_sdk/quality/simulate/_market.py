"""The simulation itself: a population of workers and requesters, the market
run round by round on the reputation twin, and the side experiments (one bad
rating, the ring search)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ...protocol._fee import fee_of
from ...protocol._models import ReputationParams
from ..reputation import Reputation, RequesterStates, WorkerStates, params_of
from ._setup import (
    CLASSES,
    COLLUDE_PRICE,
    COLLUDE_SHARE,
    FEE_BPS,
    GATE_3,
    GATE_4,
    GATED_CAP,
    GATED_PRICE,
    HABIT_SHARES,
    HABITS,
    PRICE_SHARES,
    PRICES,
    QUALITY,
    RING,
    TURN_AT,
)
from .report import (
    ClassTrajectory,
    Collusion,
    HonestToGate,
    OneBadRating,
    SimulationReport,
    Spread,
    Turncoat,
)

I64 = npt.NDArray[np.int64]


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
    fee = np.array([fee_of(int(p), FEE_BPS) for p in price], dtype=np.int64)
    lane_ring = np.array([1] * pairs + [RING] * rings, dtype=np.int64)
    lane_requesters = np.full((lanes, RING), -1, dtype=np.int64)
    k = n_req
    for lane in range(lanes):
        lane_requesters[lane, : lane_ring[lane]] = np.arange(k, k + lane_ring[lane])
        k += int(lane_ring[lane])
    # Colluding requesters rate 5 or 1 themselves: their habit is not used.
    habit = np.concatenate([habit, np.full(k - n_req, list(HABITS).index("neutral"))])
    fee = np.concatenate([fee, np.full(k - n_req, fee_of(COLLUDE_PRICE, FEE_BPS), dtype=np.int64)])
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
    """Every market worker takes one item a round; every colluding lane makes
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
                # Turncoats deliver junk from the next item on.
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
    fees = [fee_of(GATED_PRICE, FEE_BPS), top_fee]
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
    `gate` on 100,000-lamport items — the strategy of test_reputation.py's
    `cost_to_pass`, every shape a lane of one vector run. A shape is dropped
    once it has paid more than the cheapest that passed (it cannot be the
    cheapest any more), or `limit` (10 × what the gate protects); None:
    dropped."""
    shapes = [(r, s, f) for r in SEARCH_RINGS for s in SEARCH_SHARES for f in (False, True)]
    n = len(shapes)
    fee = fee_of(COLLUDE_PRICE, FEE_BPS)
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
    return GATED_CAP * (GATED_PRICE - fee_of(GATED_PRICE, FEE_BPS))


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
    """Run the market for `rounds` rounds (items per worker) with `honest`
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
                items=checkpoints.tolist(),
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
        items=_spread(first, len(honest_rows)),
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
        items_below_4=_spread(tr.below_4[above_4], len(above_4)),
        items_below_3=_spread(tr.below_3[above_3], len(above_3)),
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


__all__ = ["ring_search", "simulate_reputation"]
