"""A batch's delivered results, read back from chain data: each
`ResultsSubmitted` event names the worker, the items, their answers (equal
widths, concatenated) and the payment; `WorkerRated` events (`AssignmentRated`
from `rate_assignments`) add the stars.

This is the one reader of delivered answers: `amplify_sdk.quality.grading` grades
these rows, and `majority` is `agreement.plurality_vote`'s consensus kept only
where it is a strict majority.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey
from solders.signature import Signature

from ..chain._backend import Backend
from ..chain._timeline import EventRecord, events
from .agreement import Answer, plurality_vote


@dataclass(frozen=True)
class ResultRow:
    item: int
    worker: Pubkey
    answer: bytes
    #: Lamports the worker received for this item (price minus fee).
    paid: int
    fee: int
    signature: Signature
    slot: int
    block_time: int | None
    result_uri: str
    stars: int | None = None

    @property
    def as_answer(self) -> Answer:
        """The row as `agreement`'s input."""
        return Answer(self.item, self.worker, self.answer)

    @property
    def label(self) -> str:
        """The answer as text when it is printable UTF-8 (a label), else ''."""
        try:
            text = self.answer.decode()
        except UnicodeDecodeError:
            return ""
        return text if text.isprintable() else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "worker": str(self.worker),
            "answer_hex": self.answer.hex(),
            "answer": self.label,
            "paid": self.paid,
            "fee": self.fee,
            "signature": str(self.signature),
            "slot": self.slot,
            "block_time": self.block_time,
            "result_uri": self.result_uri,
            "stars": self.stars,
        }


def rows_from_events(records: list[EventRecord], batch: Pubkey) -> list[ResultRow]:
    """Result rows of `batch` (in delivery order) from its events, with
    ratings. Events of other batches are skipped: a transaction that mentions
    this batch may also deliver to another."""
    records = [r for r in records if r.fields.get("batch") == batch]
    stars: dict[tuple[int, Pubkey], int] = {}
    for r in records:
        if r.name == "AssignmentRated":
            stars[(r.fields["item_index"], r.fields["worker"])] = r.fields["stars"]
        elif r.name == "WorkerRated":
            for rating in r.fields["ratings"]:
                stars[(rating["item"], r.fields["worker"])] = rating["stars"]
    rows: list[ResultRow] = []
    for r in records:
        if r.name != "ResultsSubmitted" or not r.fields["items"]:
            continue
        items: list[int] = list(r.fields["items"])
        answers: bytes = r.fields["answers"]
        width = len(answers) // len(items)
        n = len(items)
        worker = r.fields["worker"]
        for k, item in enumerate(items):
            rows.append(
                ResultRow(
                    item=item,
                    worker=worker,
                    answer=answers[k * width : (k + 1) * width],
                    paid=r.fields["paid"] // n,
                    fee=r.fields["fee"] // n,
                    signature=r.signature,
                    slot=r.slot,
                    block_time=r.block_time,
                    result_uri=r.fields["result_uri"],
                    stars=stars.get((item, worker)),
                )
            )
    return rows


async def batch_results(backend: Backend, batch: Pubkey) -> list[ResultRow]:
    """Every result delivered to `batch`, from its transaction history."""
    return rows_from_events(
        await events(backend, batch, names={"ResultsSubmitted", "AssignmentRated", "WorkerRated"}),
        batch,
    )


def majority(rows: list[ResultRow]) -> dict[int, bytes | None]:
    """Each item's answer given by more than half of its results; None when
    no answer has a strict majority."""
    if not rows:
        return {}
    # The vote's posterior is each answer's share of the item's answers.
    c = plurality_vote([row.as_answer for row in rows])
    best = c.posterior.argmax(axis=1)
    return {
        item: c.labels[int(b)] if c.posterior[i, b] > 0.5 else None
        for i, (item, b) in enumerate(zip(c.items, best, strict=True))
    }


def majority_ratings(
    rows: list[ResultRow], agree: int = 5, disagree: int = 1, min_answers: int = 2
) -> list[tuple[int, Pubkey, int]]:
    """(item, worker, stars) for every unrated result: `agree` stars when it
    matches its item's strict majority, `disagree` when it does not or when
    the item has none (no answer is confirmed). Items with fewer than
    `min_answers` answers are left unrated."""
    counts = Counter(row.item for row in rows)
    top = majority(rows)
    return [
        (row.item, row.worker, agree if row.answer == top[row.item] else disagree)
        for row in rows
        if row.stars is None and counts[row.item] >= min_answers
    ]


__all__ = ["ResultRow", "batch_results", "majority", "majority_ratings", "rows_from_events"]
