"""What a bulk call did, item by item, as the CLI reports it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..protocol._models import ItemOutcome


def outcome_summary(outcomes: list[ItemOutcome]) -> dict[str, Any]:
    refused = Counter(
        f"{o.error.name} ({o.error.code})" for o in outcomes if not o.ok and o.error is not None
    )
    return {
        "ok": [o.item for o in outcomes if o.ok],
        "refused": dict(refused),
        "signatures": sorted({str(o.signature) for o in outcomes if o.signature}),
    }
