"""A plain-Python reference of the reputation formula, written from
docs/reputation.md (not from the program or the SDK), for tests to derive
expected scores from."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULTS = {
    "prior_mean": 2_500,
    "neutral": 4_000,
    "distinct_cap": 4,
    "prior_weight": 20_000_000,
    "horizon": 25_000_000,
    "requester_horizon": 25_000_000,
    "max_weight_per_rating": 100_000,
    "max_weight_per_requester": 10_000_000,
    "qualifying_weight": 250_000,
}


@dataclass
class Worker:
    s: int = 0
    w: int = 0
    count: int = 0
    raters: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(8)])


@dataclass
class Requester:
    id: int
    s: int = 0
    w: int = 0


def fade(s: int, w: int, h: int, add_w: int, value: int) -> tuple[int, int]:
    """Weight faded by h/(h+add_w); the sum scaled by the same ratio."""
    faded = w * h // (h + add_w)
    s = 0 if w == 0 else s * faded // w
    return s + value * add_w, faded + add_w


def rate(
    p: dict[str, int], wk: Worker, rq: Requester, stars: int, fee: int
) -> tuple[int, int, int]:
    """(adjusted, weight, new score) of one rating."""
    x = stars * 1000
    mean = p["neutral"] if rq.w == 0 else rq.s // rq.w
    # Lenient raters are discounted by their excess over neutral; nobody is lifted.
    adjusted = max(1000, x - max(0, mean - p["neutral"]))
    w0 = min(fee, p["max_weight_per_rating"])
    # A harsh rater (average below neutral) weighs in proportion to its average.
    w_rated = w0 * mean // p["neutral"] if mean < p["neutral"] else w0
    entry = next((e for e in wk.raters if e[0] == rq.id), None)
    if entry is None:
        # An empty place first, else the one that carried the least weight.
        entry = min(wk.raters, key=lambda e: (e[0] != 0, e[1]))
        entry[0], entry[1] = rq.id, 0
    w = min(w_rated, max(0, p["max_weight_per_requester"] - entry[1]))
    if w:
        # Every requester's share of the worker's weight fades with it.
        for e in wk.raters:
            e[1] = e[1] * p["horizon"] // (p["horizon"] + w)
        entry[1] += w
        wk.s, wk.w = fade(wk.s, wk.w, p["horizon"], w, adjusted)
    if w0:
        rq.s, rq.w = fade(rq.s, rq.w, p["requester_horizon"], w0, x)
    wk.count += 1
    qualified = sum(1 for e in wk.raters if e[0] and e[1] >= p["qualifying_weight"])
    prior = p["prior_weight"] // min(max(qualified, 1), p["distinct_cap"])
    score = (p["prior_mean"] * prior + wk.s) // (prior + wk.w)
    return adjusted, w, score
