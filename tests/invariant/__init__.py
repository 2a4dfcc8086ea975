"""The invariant engine: a hypothesis state machine over the real program in
the embedded SVM, against a model written from the spec (docs/protocol.md,
docs/governance.md, docs/reputation.md), not from the SDK's helpers.

Two requesters, four workers, two AMP holders, a donor and an admin act on
batches of different prices, bonds, redundancy, caps, active limits, rating
gates and lifetimes, encrypted or not. Bundles hold live reservations and
completed assignments, so submissions, releases, key deliveries and ratings
act on real state most of the time; cancellations, sweeps, closes, pauses,
roster growth, roster places passing to newcomers, time, lamports sent to
batches and to the treasury, malformed instructions, and governance
(hand-over, stake, unstake, claim with fees flowing) mix in.

Every step is one transaction (or a few, for set-up of a batch). The model
predicts each instruction's fate: refused whole with an exact error (then
every tracked account must be unchanged to the byte but for the fee its
payer paid, as its failed receipt says), or its per-item outcomes, and every
lamport that moves. After every step the invariants below are checked
against the chain: every tracked account's lamports equal the model's;
lamports are conserved (what all accounts hold plus every fee paid is what
they held at the start); no program account exists that the model does not
know; each touched batch's counters, roster and slots equal the model's; no
roster place holds two slots of an item; caps and active limits hold; the escrow
equation holds; the treasury balances to the lamport; AMP is conserved; no
assignment was ever paid twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from reproducible import reproducible_draws

from .accept import AcceptRules
from .batches import BatchRules
from .governance import GovernanceRules
from .invariants import Invariants
from .life import LifeRules
from .spec import REACH, STARTED, STEPS, TRACE
from .work import WorkRules


class Engine(BatchRules, AcceptRules, WorkRules, LifeRules, GovernanceRules, Invariants):
    """The state machine: every rule family and the invariants. Hypothesis
    collects rules by name across the classes, whichever defines them."""


def engine() -> Engine:
    """The factory hypothesis runs. Derandomized runs are seeded from the
    digest of the factory's source: this function's, which stays put, rather
    than the Engine class's, which changed with every edit of any rule."""
    return Engine()


def run_engine(examples: int, steps: int) -> str:
    """A derandomized run of the engine; returns its trace's digest. The
    counters (REACH, STEPS) are left as they were."""
    reach, steps_before, started = Counter(REACH), STEPS[0], STARTED[0]
    TRACE[0] = hashlib.sha256()
    try:
        with reproducible_draws():
            run_state_machine_as_test(
                engine,
                settings=settings(
                    max_examples=examples,
                    stateful_step_count=steps,
                    deadline=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                    database=None,
                ),
            )
        return TRACE[0].hexdigest()
    finally:
        REACH.clear()
        REACH.update(reach)
        STEPS[0], STARTED[0] = steps_before, started


__all__ = ["REACH", "STARTED", "STEPS", "TRACE", "Engine", "engine", "run_engine"]
