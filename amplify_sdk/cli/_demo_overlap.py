"""The demo's dynamic overlap: the main batch's items posted again at the same
price and redundancy, the same crowd working round after round; between
rounds the requester settles the items whose consensus is already confident
(`confident_items`, `settle_items`), so their open slots are refunded and no
one is paid to answer them again. Measured against the fixed overlap of the
main batch: assignments and lamports paid, and the consensus accuracy of
each (the same aggregation on both)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from solders.pubkey import Pubkey

from ..clients._requester import RequesterClient
from ..quality._results import ResultRow, batch_results
from ..quality.labels import Labels, confident_items, dataset_labels
from ._crowd import Crowd

#: The posterior at which the demo stops collecting answers for an item, on
#: at least two answers (`amplify batch settle --min-confidence`).
MIN_CONFIDENCE = 0.99
MIN_ANSWERS = 2
#: The share of its usual round a worker takes between two settlements: the
#: requester settles every half round (with whole rounds, an item's third slot
#: is mostly taken before its first two answers are in).
SHARE = 0.5

Post = Callable[..., Awaitable[Pubkey]]


@dataclass(frozen=True)
class OverlapRun:
    batch: Pubkey
    #: The batch and its tables (closed at the end).
    accounts: list[Pubkey]
    assignments: int
    settled_items: int
    settled_slots: int
    paid: int
    refunded: int
    accuracy: float
    rounds: int


def accuracy(labels: Labels, truth: list[int]) -> float:
    """The share of items whose consensus label is the true one (answers are
    the label's index as text, as the crowd gives them)."""
    rows = labels.rows
    right = sum(int(r.label.decode()) == truth[r.item] for r in rows)
    return right / max(len(rows), 1)


def labels_of(results: list[ResultRow]) -> Labels:
    return dataset_labels([r.as_answer for r in results])


async def settle_confident(req: RequesterClient, batch: Pubkey, labels: Labels) -> int:
    """Settle the confident items that still have open slots; the items settled."""
    picks = confident_items(labels, MIN_CONFIDENCE, min_answers=MIN_ANSWERS)
    todo = sorted(await req.open_slots(batch, picks))
    if not todo:
        return 0
    return sum(o.ok for o in await req.settle_items(batch, todo))


async def dynamic_overlap(
    req: RequesterClient,
    crowd: Crowd,
    truth: list[int],
    post: Post,
    max_rounds: int = 50,
) -> OverlapRun:
    """Post the items again (`post` names and uploads the batch) and let the
    crowd work them with settling between rounds."""
    batch = await post()
    rounds = 0
    while (await req.get_batch(batch)).open_slots and rounds < max_rounds:
        rounds += 1
        if not await crowd.round(batch, truth, share=SHARE):
            break
        results = await batch_results(req.backend, batch)
        await settle_confident(req, batch, labels_of(results))
    b = await req.get_batch(batch)
    results = await batch_results(req.backend, batch)
    settled_items = sum(
        int(np.asarray(t.settled().any(axis=1)).sum()) for t in await req.get_tables(b)
    )
    accounts = [batch, *(t.address for t in await req.get_tables(b))]
    # Every slot completed or settled: the batch is done and closes at once.
    await req.close_batch(batch)
    return OverlapRun(
        batch=batch,
        accounts=accounts,
        assignments=b.completed_count,
        settled_items=settled_items,
        settled_slots=b.cancelled_slots,
        paid=b.price * b.completed_count,
        refunded=b.refunded_total,
        accuracy=accuracy(labels_of(results), truth),
        rounds=rounds,
    )


def saving(fixed: list[ResultRow], price: int, run: OverlapRun, truth: list[int]) -> dict[str, Any]:
    """The report's `dynamic_overlap` section: fixed overlap (the main batch)
    beside dynamic overlap, on the same items, crowd and aggregation."""
    fixed_assignments = len(fixed)
    return {
        "min_confidence": MIN_CONFIDENCE,
        "min_answers": MIN_ANSWERS,
        "fixed": {
            "assignments": fixed_assignments,
            "lamports": fixed_assignments * price,
            "accuracy": accuracy(labels_of(fixed), truth),
        },
        "dynamic": {
            "batch": run.batch,
            "assignments": run.assignments,
            "lamports": run.paid,
            "refunded": run.refunded,
            "settled_items": run.settled_items,
            "settled_slots": run.settled_slots,
            "accuracy": run.accuracy,
            "rounds": run.rounds,
        },
        "assignments_saved": fixed_assignments - run.assignments,
        "lamports_saved": fixed_assignments * price - run.paid,
    }
