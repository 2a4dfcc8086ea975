"""What a bulk call did, item by item, as the CLI reports it."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from ..protocol._models import ItemOutcome

#: The exit status of a bulk command that did part of what was asked.
PARTIAL = 3

#: What to do about an item the program refused, by error name.
_FIXES = {
    "ActiveLimitReached": "deliver reserved items (worker submit) before taking more",
    "ItemSettled": "the requester settled it (its label is confident): take other items",
    "NotReserved": "submit only items you reserved (worker browse BATCH lists them)",
    "ReservationExpired": "the reservation lapsed: accept the item again",
}


def outcome_summary(outcomes: list[ItemOutcome]) -> dict[str, Any]:
    refused = Counter(
        f"{o.error.name} ({o.error.code})" for o in outcomes if not o.ok and o.error is not None
    )
    return {
        "ok": [o.item for o in outcomes if o.ok],
        "refused": dict(refused),
        "signatures": sorted({str(o.signature) for o in outcomes if o.signature}),
    }


def finish(data: dict[str, Any], requested: int) -> int:
    """Add `requested` and `not_done` to a bulk result; the exit status: 0
    when everything asked for was done, else `PARTIAL` after one line on
    stderr saying what was not done and why (the result still goes to
    stdout, so `-o json` stays one document)."""
    not_done = max(requested - len(data["ok"]), 0)
    data["requested"], data["not_done"] = requested, not_done
    if not not_done:
        return 0
    reasons = ", ".join(f"{n}× {k}" for k, n in data["refused"].items()) or "not sent"
    fixes = [
        fix for name, fix in _FIXES.items() if any(k.startswith(name) for k in data["refused"])
    ]
    hint = f": {'; '.join(fixes)}" if fixes else ""
    done = f"error: {not_done:,} of {requested:,} items not done ({reasons}){hint}"
    print(f"{done}; exit code {PARTIAL}", file=sys.stderr)
    return PARTIAL
