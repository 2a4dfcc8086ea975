"""Helpers for the key agent tests on both backends."""

from __future__ import annotations

import statistics
from collections import Counter

from solders.pubkey import Pubkey

from amplify_sdk.chain import Backend
from amplify_sdk.chain._history import events


async def deliveries(backend: Backend, batch: Pubkey) -> tuple[Counter[tuple[Pubkey, int]], int]:
    """How many times each (worker, item) got a key in the batch's history,
    and in how many transactions."""
    counts: Counter[tuple[Pubkey, int]] = Counter()
    found = await events(backend, batch, {"KeysDelivered"})
    for e in found:
        for item in e.event.fields["items"]:
            counts[(e.event.fields["worker"], int(item))] += 1
    return counts, len({e.signature for e in found if e.event.fields["items"]})


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (
        f"n={len(ordered)} median={statistics.median(ordered) * 1000:.0f} ms "
        f"p90={p90 * 1000:.0f} ms max={ordered[-1] * 1000:.0f} ms"
    )
