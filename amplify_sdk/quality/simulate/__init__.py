"""A market simulation of the reputation formula (docs/reputation.md, "Simulation").

    python -m amplify_sdk.quality.simulate [--seed N] [--plot PATH] [--json]

Runs the formula exactly as the chain does — the SDK's bit-exact twin
(`amplify_sdk.quality.reputation`), one vector step (`Reputation.apply_round`) per
round of items — over a population of workers and requesters, and measures
what a user of the marketplace asks of a reputation system:

- **Honest, careless and spamming workers** take one item per round from a
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
  (a pair), or by a ring of four requesters, on 100,000-lamport items
  (5,000-lamport fees), each requester keeping its own average at neutral
  with one 1-star rating of a decoy worker for every three 5-stars (the
  cheapest shape test_reputation.py's ring search finds).

Key figures (`SimulationReport`): the items a new honest worker needs to pass
a 4-star gate; how far one 1-star rating among 50 good ones moves a worker;
how fast an established worker that turns to spam falls below a 3-star gate
(a worker that spams from the start never rises above the prior); the
highest score one colluding requester, and a ring, can buy, and what the
cheapest ring pays to pass a 4-star gate against what the gate protects.

Everything is integer arithmetic in the twin; randomness comes from one
`numpy.random.Generator` seeded with `seed`, so a seed reproduces a run.
"""

from ._market import ring_search, simulate_reputation
from ._setup import GATE_3, GATE_4, GATED_CAP, GATED_PRICE, PRICES, RING
from .plot import plot
from .report import (
    ClassTrajectory,
    Collusion,
    HonestToGate,
    OneBadRating,
    SimulationReport,
    Spread,
    Turncoat,
)

__all__ = [
    "GATED_CAP",
    "GATED_PRICE",
    "GATE_3",
    "GATE_4",
    "PRICES",
    "RING",
    "ClassTrajectory",
    "Collusion",
    "HonestToGate",
    "OneBadRating",
    "SimulationReport",
    "Spread",
    "Turncoat",
    "plot",
    "ring_search",
    "simulate_reputation",
]
