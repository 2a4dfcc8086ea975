"""The invariant engine (tests/invariant_model.py) run as a test.

Default profile (the test command): 200 derandomized examples of up to 25
steps each; every rule must be reached. Long profile: AMPLIFY_INVARIANTS=long
(optionally AMPLIFY_INVARIANT_EXAMPLES / AMPLIFY_INVARIANT_STEPS), randomized,
over 100,000 steps by default; it prints the steps and reach counts.
"""

from __future__ import annotations

import os
import time

from hypothesis import HealthCheck, settings

from conftest import report
from invariant_model import REACH, STARTED, STEPS, Engine

LONG = os.environ.get("AMPLIFY_INVARIANTS") == "long"
EXAMPLES = int(os.environ.get("AMPLIFY_INVARIANT_EXAMPLES", 2_500 if LONG else 200))
STEPS_PER_EXAMPLE = int(os.environ.get("AMPLIFY_INVARIANT_STEPS", 50))

TestInvariantEngine = Engine.TestCase
TestInvariantEngine.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS_PER_EXAMPLE,
    deadline=None,
    derandomize=not LONG,  # reach counts are asserted: the same examples every run
    suppress_health_check=list(HealthCheck),
    database=None,
)


def test_every_rule_was_reached() -> None:
    # Runs after the engine (pytest keeps file order).
    seconds = time.monotonic() - STARTED[0]
    rules = sorted({k.split(":")[0] for k in REACH})
    report("invariant engine", f"{STEPS[0]:,} steps checked in {seconds:.0f} s")
    for r in rules:
        outcomes = {k.split(":", 1)[1]: n for k, n in REACH.items() if k.startswith(r + ":")}
        report(f"  {r}", ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items())))
    expected = {
        "accept",
        "submit",
        "deliver_keys",
        "release",
        "rate",
        "pause_batch",
        "grow_roster",
        "cancel",
        "sweep",
        "close",
        "warp",
        "donate_treasury",
        "donate_batch",
        "garbage",
        "create_batch",
        "add_tasks",
        "init_governance",
        "stake",
        "unstake",
        "claim",
        "create_proposal",
        "cast_vote",
        "execute_proposal",
        "pause",
        "TasksAccepted",
        "ResultsSubmitted",
        "TasksReleased",
        "KeysDelivered",
    }
    assert expected <= set(rules), f"rules never reached: {expected - set(rules)}"
    if not LONG:
        assert STEPS[0] >= 2_000
        # The paths that matter, reached (not just tried).
        for k in (
            "accept:ok",
            "submit:ok",
            "release:ok",
            "rate:ok",
            "close:ok",
            "claim:ok",
            "cancel:ok",
            "deliver_keys:ok",
            "accept:refused:RatingTooLow",
            # Per item, as the events report them.
            "TasksAccepted:ok",
            "TasksAccepted:ItemFull",
            "TasksAccepted:AlreadyAccepted",
            "TasksAccepted:ActiveLimitReached",
            "TasksAccepted:WorkerCapReached",
            "ResultsSubmitted:ok",
            "ResultsSubmitted:NotReserved",
            "TasksReleased:ok",
            "TasksReleased:ReservationActive",
            "KeysDelivered:ok",
            "KeysDelivered:KeyAlreadyDelivered",
        ):
            assert REACH[k] >= 5, f"{k} reached {REACH[k]} times"
        # Governance runs only once the protocol is handed over and AMP staked;
        # a roster place passes on only once its worker holds nothing.
        for k in (
            "execute_proposal:ok",
            "create_batch:ok at a voted fee",
            "accept:ok reusing a place",
            "create_batch:refused:ExpiryTooFar",
        ):
            assert REACH[k] >= 3, f"{k} reached {REACH[k]} times"
