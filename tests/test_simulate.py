"""The reputation simulation (`amplify_sdk.quality.simulate`): its key figures stay
within bounds derived from the formula and its parameters (docs/reputation.md)
— not numbers pasted from a run — and the command writes its report, JSON
and plot.

Notation (the formula's, all in milli-stars and lamports of fee weight):
`P` the prior weight, `P_min = prior_weight / distinct_cap` its least value,
`W` a worker's weight, `S/W` the average of its (adjusted) ratings, `H` the
horizon, `w` one rating's weight. The score is a weighted mean of
`prior_mean` (weight P) and S/W (weight W), floored; S/W never leaves the
range of the ratings added; W never exceeds `H + max_weight_per_rating` (the
fixed point of `W' = W·H/(H+w) + w` for the largest w)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from test_reputation import cost_to_pass

from amplify_sdk.protocol._fee import fee_of
from amplify_sdk.quality.reputation import MAX_SCORE, MIN_SCORE
from amplify_sdk.quality.simulate import (
    GATE_3,
    GATE_4,
    GATED_PRICE,
    PRICES,
    RING,
    SimulationReport,
)
from conftest import report

SEED = 0


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SimulationReport, Path]:
    # The command itself, as a user runs it; its JSON is the report. One
    # seed: a run takes a few seconds (the figures over more seeds are in
    # docs/reputation.md); every bound below holds for any seed.
    png = tmp_path_factory.mktemp("simulate") / "reputation.png"
    command = ["-m", "amplify_sdk.cli", "--output", "json", "simulate", "reputation"]
    command += ["--seed", str(SEED), "--plot", str(png)]
    done = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "Warning" not in done.stderr, done.stderr
    doc = json.loads(done.stdout)
    assert doc.pop("plot") == str(png)
    return SimulationReport.model_validate(doc), png


@pytest.fixture(scope="module")
def sim(run: tuple[SimulationReport, Path]) -> SimulationReport:
    return run[0]


def p_min(r: SimulationReport) -> int:
    return r.params.prior_weight // r.params.distinct_cap


def w_max(r: SimulationReport) -> int:
    """The most weight a worker can hold (see the module's docstring)."""
    return r.params.horizon + r.params.max_weight_per_rating


def top_fee(r: SimulationReport) -> int:
    """The heaviest rating the market's requesters give: its dearest fee, capped."""
    return min(max(fee_of(p, r.fee_bps) for p in PRICES), r.params.max_weight_per_rating)


def max_step(r: SimulationReport, w: int) -> float:
    """The most one rating of weight w can lower a score (exact value, before
    flooring). From the formula: old S and W fade by f = H/(H+w), the rating
    adds x' ≥ 1000 with weight w, and P does not rise (a rater's weight only
    grows; an evicted rater is the lightest, so never a qualified one unless
    all eight are, leaving seven, ≥ distinct_cap ≤ 7); a falling P only lifts a
    score above prior_mean. With s the score and a = S/W:
        drop = [W(1−f)(a − s) + w(s − x')] / (P + W·f + w),
    a − s = (a − prior_mean)·P/(P+W) ≤ (MAX − prior_mean)·P/(P+W), s − x' ≤ MAX − MIN,
    W(1−f) = W·w/(H+w), W·P/(P+W) ≤ P, and the denominator ≥ P + w:
        drop ≤ w·((MAX − prior_mean)/(H + w) + (MAX − MIN)/P_min)."""
    p = r.params
    return w * ((MAX_SCORE - p.prior_mean) / (p.horizon + w) + (MAX_SCORE - MIN_SCORE) / p_min(r))


# -- spammers -------------------------------------------------------------------------------


def test_a_spammer_never_rises_above_the_prior(sim: SimulationReport) -> None:
    # Junk is worth 1 star; a lenient requester rates it 2. The correction
    # never raises a rating, so every adjusted rating is ≤ 2,000 < prior_mean:
    # S/W ≤ 2,000 and the score, a mean of prior_mean and S/W with W > 0,
    # is strictly below prior_mean after the first rating.
    spam = sim.trajectory("spammer")
    assert sim.params.prior_mean > 2 * 1_000
    assert 0 < spam.max_score < sim.params.prior_mean
    assert spam.above_4 == 0 and max(spam.p90) < GATE_3
    report("spammer: highest score", spam.max_score)


def test_a_turncoat_falls_below_the_gates(sim: SimulationReport) -> None:
    # An established worker that turns to junk: each junk rating lowers the
    # score by at most max_step(w) ≤ w · per_weight, so falling from its score
    # at the switch to below 3 stars takes at least (score − 3,000) / per_weight
    # of junk weight, and at least (score − 3,000) / max_step(top fee) items.
    t = sim.turncoat
    step = max_step(sim, top_fee(sim))
    per_weight = step / top_fee(sim)
    assert t.score_min >= GATE_4  # they had passed the gate when they turned
    below_3, below_4 = t.items_below_3, t.items_below_4
    assert below_3.reached == below_3.of == below_4.reached  # all fell within the run
    assert below_3.min is not None and below_4.min is not None
    assert t.junk_weight_min is not None
    # −1: the reported scores are floored, the bounds are on exact values.
    assert t.junk_weight_min >= (t.score_min - GATE_3 - 1) / per_weight
    assert below_3.min >= (t.score_min - GATE_3 - 1) / step
    assert below_4.min >= (t.score_min - GATE_4 - 1) / step
    assert below_4.min <= below_3.min  # the first below 3 stars was below 4 before
    report(
        "turncoat: junk items to fall below 4 / 3 stars, median (min–max)",
        f"{below_4.median} ({below_4.min}–{below_4.max}) / "
        f"{below_3.median} ({below_3.min}–{below_3.max})",
    )


# -- honest workers -------------------------------------------------------------------------


def test_an_honest_worker_needs_the_weight_the_gate_demands(sim: SimulationReport) -> None:
    # Score ≥ 4,000 with S ≤ 5,000·W needs 2,500·P + 5,000·W ≥ 4,000·(P + W):
    # W ≥ 1.5·P ≥ 1.5·P_min, and W is at most the weight its ratings carried
    # (fading only shrinks it). With at most one qualified rater P =
    # prior_weight, and even the most weight a worker can hold, all at 5
    # stars, stays below 4 stars: a worker needs two requesters that each
    # rated it qualifying_weight.
    p, h = sim.params, sim.honest_to_gate
    need = 1.5 * p_min(sim)
    one_rater_best = (p.prior_mean * p.prior_weight + MAX_SCORE * w_max(sim)) // (
        p.prior_weight + w_max(sim)
    )
    assert one_rater_best < GATE_4
    assert h.items.reached >= h.items.of // 2 and h.items.min is not None
    assert h.carried_weight_min is not None and h.carried_weight_min >= need
    assert h.qualified_min is not None and h.qualified_min >= 2
    # With fading, n ratings of weight at most w leave W ≤ (H + w)(1 −
    # (H/(H+w))^n) while W < H (there W' = W·H/(H+w) + w grows with W and
    # with w): reaching 1.5·P_min takes n ≥ ln(1 − 1.5·P_min/(H + w)) /
    # ln(H/(H + w)) items, w the market's top fee.
    w = top_fee(sim)
    assert need < p.horizon
    fastest = math.log(1 - need / (p.horizon + w)) / math.log(p.horizon / (p.horizon + w))
    assert h.items.min >= fastest >= need / w
    report(
        "honest: items to pass a 4-star gate, median (min–max) / the formula's least",
        f"{h.items.median} ({h.items.min}–{h.items.max}) / {math.ceil(fastest)}",
    )


def test_one_bad_rating_among_fifty_good_ones(sim: SimulationReport) -> None:
    # From the formula (max_step's notation), with P unchanged (one rating of
    # at most max_weight_per_rating < qualifying_weight qualifies nobody):
    #   drop = [W·w/(H+w)·(a − s) + w·(s − 1,000)] / (P + W·H/(H+w) + w),
    # and s ≤ a ≤ 5,000 (s is a mean of prior_mean and a, above prior_mean).
    # Both ends, ±2 for the floors of the two scores.
    p = sim.params
    assert p.max_weight_per_rating < p.qualifying_weight
    cases = sim.one_bad_rating
    assert len(cases) == 3
    for b in cases:
        assert b.before >= p.prior_mean  # so a = S/W ≥ s
        w, big_w, big_p, s, h = b.weight, b.worker_weight, b.prior_weight, b.before, p.horizon
        # A fresh requester's average reads as neutral: full weight, capped.
        assert w == min(b.fee, p.max_weight_per_rating)
        faded = big_w * h / (h + w)
        low = w * (s - MIN_SCORE) / (big_p + faded + w)
        high = (big_w * w / (h + w) * (MAX_SCORE - s) + w * (s - MIN_SCORE)) / (big_p + faded + w)
        assert low - 2 <= b.drop <= high + 2, b
        assert b.drop <= max_step(sim, w) + 2
    cheap, dear, established = cases
    # 50 ratings at a 10,000-lamport item's fee weigh at most 50 fees against
    # a prior of prior_weight: the exact drop, w·(s − 1,000 + …)/P, is below
    # one milli-star, so the floored scores differ by at most 1. At the
    # per-rating cap it is about w/(P + W) of the distance to 1 star.
    assert cheap.worker_weight <= 50 * fee_of(GATED_PRICE, sim.fee_bps) and cheap.drop <= 1
    assert dear.drop >= 1 and established.before >= GATE_4
    report(
        "one 1-star: drop in milli-stars (50 at fee 500 / 50 at the cap / established at the cap)",
        [b.drop for b in cases],
    )


# -- collusion ------------------------------------------------------------------------------


def test_one_colluding_requester_cannot_pass_a_four_star_gate(sim: SimulationReport) -> None:
    # One requester's ratings of a worker carry at most max_weight_per_requester
    # in all (W ≤ that), it alone can be the one qualified rater (P =
    # prior_weight), and S ≤ 5,000·W: the score is at most
    # (prior_mean·prior_weight + 5,000·cap) / (prior_weight + cap).
    p, c = sim.params, sim.collusion
    cap = p.max_weight_per_requester
    bound = (p.prior_mean * p.prior_weight + MAX_SCORE * cap) // (p.prior_weight + cap)
    assert bound < GATE_4
    assert c.pair_max_score <= bound
    assert sim.trajectory("colluding pair").above_4 == 0
    report(
        "one colluding requester: best score (bound) / fees paid",
        f"{c.pair_max_score} ({bound}) / {c.pair_fees_at_max:,}",
    )


def test_a_ring_pays_more_than_the_gate_protects(sim: SimulationReport) -> None:
    # A ring buys weight: each unit of W was carried by a rating whose fee was
    # at least its weight (w ≤ min(fee, cap)), and the gate needs W ≥ 1.5·P_min
    # (as for an honest worker), so it pays at least 1.5·P_min in fees — more
    # than a typical gate protects. Its best score: P ≥ P_min, W ≤ w_max.
    p, c = sim.params, sim.collusion
    floor_cost = 1.5 * p_min(sim)
    assert floor_cost > c.protected
    assert c.cheapest_fees is not None and c.ring_fees_to_gate is not None
    assert c.cheapest_fees >= floor_cost and c.ring_fees_to_gate >= floor_cost
    best = (p.prior_mean * p_min(sim) + MAX_SCORE * w_max(sim)) // (p_min(sim) + w_max(sim))
    assert GATE_4 <= c.ring_max_score <= best
    assert sim.trajectory(f"colluding ring of {RING}").above_4 > 0
    # The cheapest shape the vector search found costs exactly what the plain
    # reference (tests/reputation_ref.py, written from the docs) says.
    again = cost_to_pass(
        GATE_4, c.cheapest_ring, c.cheapest_share, 10 * c.protected, c.cheapest_free_decoys
    )
    assert again == c.cheapest_fees
    report(
        "cheapest ring past a 4-star gate: (ring, 5-stars per 1-star, free decoys) fees "
        "(least possible) / protected",
        f"({c.cheapest_ring}, {c.cheapest_share}, {c.cheapest_free_decoys}) "
        f"{c.cheapest_fees:,} ({floor_cost:,.0f}) / {c.protected:,}",
    )
    report(
        f"ring of {RING}: best score (bound) / fees to pass the gate",
        f"{c.ring_max_score} ({best}) / {c.ring_fees_to_gate:,}",
    )


# -- the command ----------------------------------------------------------------------------


def test_the_command_writes_the_report_and_the_plot(
    run: tuple[SimulationReport, Path], sim: SimulationReport
) -> None:
    png = run[1]
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    assert sim.seed == SEED and sim.seconds > 0
    text = sim.text()
    for c in sim.classes:
        assert c.name in text and len(c.items) == len(c.median) == len(c.p10) == len(c.p90)
        assert c.items[-1] == sim.rounds
    assert "4-star gate after" in text and f"{sim.collusion.protected:,}" in text
    report("simulation seconds", sim.seconds)
    report("plot (bytes)", f"{png} ({len(data):,})")


def test_the_module_runs_as_a_script_and_imports_no_matplotlib() -> None:
    # `python -m amplify_sdk.quality.simulate` (docs/reputation.md) stays a
    # command; the core install has no matplotlib, so only `plot` may import it.
    done = subprocess.run(
        [sys.executable, "-m", "amplify_sdk.quality.simulate", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "--plot" in done.stdout and not done.stderr
    probe = "import sys, amplify_sdk.quality.simulate; print('matplotlib' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "False"
