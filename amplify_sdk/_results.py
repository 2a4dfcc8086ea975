"""A batch's delivered results, read back from chain data: each
`ResultsSubmitted` event names the worker, the items, their answers (equal
widths, concatenated) and the payment; `AssignmentRated` events add the stars.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey
from solders.signature import Signature

from ._backend import Backend
from ._timeline import EventRecord, events


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


def rows_from_events(records: list[EventRecord]) -> list[ResultRow]:
    """Result rows (in delivery order) from a batch's events, with ratings."""
    stars: dict[tuple[int, Pubkey], int] = {}
    for r in records:
        if r.name == "AssignmentRated":
            stars[(r.fields["item_index"], r.fields["worker"])] = r.fields["stars"]
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
    return rows_from_events(
        await events(backend, batch, names={"ResultsSubmitted", "AssignmentRated"})
    )


def majority(rows: list[ResultRow]) -> dict[int, bytes | None]:
    """Each item's answer given by more than half of its results; None when
    no answer has a strict majority."""
    by_item: dict[int, list[bytes]] = defaultdict(list)
    for row in rows:
        by_item[row.item].append(row.answer)
    out: dict[int, bytes | None] = {}
    for item, answers in by_item.items():
        answer, n = Counter(answers).most_common(1)[0]
        out[item] = answer if 2 * n > len(answers) else None
    return out


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
