"""What `simulate_reputation` measures, and its plain-text rendering."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ...protocol._fee import fee_of
from ...protocol._models import ReputationParams
from ._setup import GATE_3, GATE_4, GATED_CAP, GATED_PRICE, PRICES, RING

# -- the report ---------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)


class ClassTrajectory(_Model):
    """How one class of workers' scores evolved: at each checkpoint (items
    each worker had done), the median and the 10th and 90th percentiles."""

    name: str
    workers: int
    items: list[int]
    median: list[int]
    p10: list[int]
    p90: list[int]
    #: The highest score any worker of the class had after any item.
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
    """Items a new honest worker needs until its score reaches the 4-star gate."""

    items: Spread
    #: The least fee weight (lamports) any honest worker's ratings had carried
    #: when it crossed: the formula needs `W ≥ 1.5 · prior_weight / distinct_cap`.
    carried_weight_min: int | None
    #: Qualified raters (distinct requesters whose ratings of the worker
    #: weighed `qualifying_weight` or more) at crossing: fewest and median.
    qualified_min: int | None
    qualified_median: int | None


class Turncoat(_Model):
    """Established workers turning to junk halfway through the run."""

    #: The round (item) after which they deliver junk.
    switch_at: int
    #: Their scores then: lowest and median.
    score_min: int
    score_median: int
    #: Junk items until they are below the 4-star gate, and below the 3-star
    #: gate, among those that were at or above that gate when they turned.
    items_below_4: Spread
    items_below_3: Spread
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


# -- text ---------------------------------------------------------------------------------


def _stars(milli: int | None) -> str:
    return "—" if milli is None else f"{milli / 1000:.3f}"


def _text(r: SimulationReport) -> str:
    lines = [
        f"Reputation simulation (seed {r.seed}): {r.rounds:,} items per worker, "
        f"{r.requesters} requesters (harsh / neutral / lenient), fees "
        + ", ".join(f"{fee_of(p, r.fee_bps):,}" for p in PRICES)
        + f" lamports ({r.seconds:.1f} s)",
        "",
        "Median score (stars) by items done [10th–90th percentile at the end]:",
    ]
    picks = _picks(r.classes[0].items)
    head = f"{'class':<22}{'n':>4}" + "".join(f"{t:>9,}" for t in picks)
    lines += [head + f"{'   end range':>16}{'  max':>7}{'  ≥4★':>6}"]
    for k in r.classes:
        at = [k.median[k.items.index(t)] for t in picks]
        lines.append(
            f"{k.name:<22}{k.workers:>4}"
            + "".join(f"{_stars(v):>9}" for v in at)
            + f"   {_stars(k.p10[-1])}–{_stars(k.p90[-1])}"
            + f"{_stars(k.max_score):>7}{k.above_4:>6}"
        )
    h = r.honest_to_gate
    t = h.items
    lines += [
        "",
        "Key figures:",
        f"- a new honest worker passes a 4-star gate after {_n(t.median)} items "
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
        f"- turncoats (honest for {tc.switch_at:,} items, then junk; at "
        f"{_stars(tc.score_min)}–{_stars(tc.score_median)}) fall below a 4-star gate after "
        f"{_n(tc.items_below_4.median)} junk items (median; range {_n(tc.items_below_4.min)}–"
        f"{_n(tc.items_below_4.max)}; {tc.items_below_4.reached} of {tc.items_below_4.of} "
        f"above it) and below a 3-star gate after {_n(tc.items_below_3.median)} (range "
        f"{_n(tc.items_below_3.min)}–{_n(tc.items_below_3.max)}; "
        f"{tc.items_below_3.reached} of {tc.items_below_3.of} above it)",
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


def _picks(items: list[int]) -> list[int]:
    """About eight checkpoints to show: round numbers where they exist."""
    end = items[-1]
    want = [100, 1_000, 2_500, 5_000, 10_000, 15_000, 20_000, 30_000, 50_000]
    out = [min(items, key=lambda t: abs(t - w)) for w in want if w < end]
    return sorted({*out, end})


__all__ = [
    "ClassTrajectory",
    "Collusion",
    "HonestToGate",
    "OneBadRating",
    "SimulationReport",
    "Spread",
]
