"""What the engine knows of the protocol without asking the SDK: fees, sizes,
the governance parameters it votes with, deterministic keys, and the trace
that makes a run comparable with another."""

from __future__ import annotations

import hashlib
from collections import Counter

from solders.keypair import Keypair

from amplify_sdk.clients._admin import AMP

SIGNATURE_FEE = 5_000  # lamports per signature (docs: LiteSVM charges mainnet's)
FEE_BPS = 500
MAX_TICK = 65_535
RATING_WINDOW = 7 * 24 * 3600
BATCH_FIXED = 376  # Batch fixed part (docs/protocol.md: 376 B + 4 + URI + 8 + 42 per place)
TABLE_HEADER = 100  # TaskTable fixed part + slot vector length
GOV_PARAMS = {
    "voting_period_secs": 100,
    "timelock_secs": 10,
    "execution_window_secs": 1_000,
    "quorum_bps": 2_000,
    "threshold_bps": 5_001,
    "min_stake_to_propose": 10 * AMP,
}
EMISSION = {"per_assignment": 0, "cap": 0, "min_stars": 4}
RELEASE = GOV_PARAMS["voting_period_secs"]  # fees pay out over a voting period
N_REQUESTERS, N_WORKERS, N_VOTERS = 2, 4, 2
HOLDING = 100 * AMP

#: How many times each rule ran, and how each ended ("rule:outcome").
REACH: Counter[str] = Counter()
STEPS: list[int] = [0]
#: When the first machine started (monotonic seconds; 0 before).
STARTED: list[float] = [0.0]
#: The run, step by step: every transaction sent (its instructions, the
#: second it ran at, how it ended, its compute units), hashed in order. Equal
#: digests, equal runs: tests/test_invariants.py compares one run alone with
#: the same run after other code (and other hypothesis tests) ran.
TRACE = [hashlib.sha256()]
#: The cluster clock every machine starts from (not the wall clock): a
#: batch's expiry is part of its instruction, so part of the trace.
START_TIME, START_SLOT = 1_750_000_000, 1_000


def keypair(name: str) -> Keypair:
    """The engine's keys come from their names, not from the OS: the
    addresses, and so every transaction, are a function of the draw alone."""
    return Keypair.from_seed(hashlib.sha256(b"amplify-invariants/" + name.encode()).digest())


def fee_of(price: int, bps: int = FEE_BPS) -> int:
    """The fee rate (5% until governance changes it) of the price, rounded up
    to a whole lamport (docs/protocol.md, Money)."""
    return -(-price * bps // 10_000)


def batch_size(roster_capacity: int, uri: int = 0) -> int:
    return BATCH_FIXED + 4 + uri + 8 + 42 * roster_capacity
