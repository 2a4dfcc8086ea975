"""Test helpers for rating gates: the rating ceiling found by driving the
twin, and prices that pay a given protocol fee."""

from __future__ import annotations

from amplify_sdk.quality.reputation import Reputation, RequesterStates, WorkerStates


def twin_ceiling(params: dict[str, int]) -> int:
    """The highest score a worker reaches, found by driving the numpy twin of
    the formula (not the closed form under test): 5-star ratings at full
    weight, taking turns among as many requesters as the prior can be
    divided by, each at its neutral average (a fresh profile every rating),
    until the worker's weight stops moving."""
    rep = Reputation(params)
    raters = max(params["distinct_cap"], 1)
    ws = WorkerStates.zeros(1)
    best, still = 0, 0
    for i in range(100_000):
        before = int(ws.weight[0])
        done = rep.apply_round(
            ws,
            RequesterStates.create(raters),
            [0],
            [i % raters],
            [5],
            [params["max_weight_per_rating"]],
        )
        best = max(best, int(done.rating[0]))
        still = still + 1 if int(ws.weight[0]) == before else 0
        if still > raters:
            return best
    raise AssertionError("the twin never settled")


def price_with_fee(fee: int, fee_bps: int) -> int:
    """The least price whose protocol fee is `fee` (the fee is the price times
    the rate, rounded up: docs/protocol.md)."""
    price = (fee - 1) * 10_000 // fee_bps + 1
    assert -(-price * fee_bps // 10_000) == fee
    return price
