"""The simulated market's make-up: the prices requesters post, their rating
habits, what each class of worker's work is worth, the colluding lanes, and
the gates the key figures are about."""

from __future__ import annotations

from ...protocol._fee import DEFAULT_FEE_BPS

#: The market's fee rate: the one `initialize` sets by default (a batch's fee
#: per item is `protocol._fee.fee_of(price, FEE_BPS)`, as `create_batch` charges it).
FEE_BPS = DEFAULT_FEE_BPS
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
#: What an item is worth (probabilities of 1..5 stars) for each class that
#: works for the market.
QUALITY = {
    "honest": (0.0, 0.0, 0.0, 0.15, 0.85),
    "careless": (0.1, 0.3, 0.4, 0.2, 0.0),
    "spammer": (1.0, 0.0, 0.0, 0.0, 0.0),
}
# Turncoats work like honest workers until they turn, then like spammers.
QUALITY["turncoat"] = QUALITY["honest"]
#: Colluders buy 5-star ratings on 100,000-lamport items (fee 5,000), one
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


__all__ = ["CLASSES", "GATED_CAP", "GATED_PRICE", "GATE_3", "GATE_4", "PRICES", "RING"]
