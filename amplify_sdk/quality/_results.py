"""A batch's delivered results, read back from chain data, from one of two
sources:

- **accounts**: a completed slot of a task table keeps its answer when it is
  one byte, or two bytes up to 65,278 (the IDL's `Slot`), and names its
  worker's roster place; the batch account maps places to workers. A few
  `getMultipleAccounts` calls read every answer, on any node.
- **history**: each `ResultsSubmitted` event names the worker, the items,
  their answers (equal widths, concatenated), the payment and the signature;
  `WorkerRated` events (`AssignmentRated` from `rate_assignments`) add the
  stars. One `getTransaction` per delivery, on a node that keeps the history.

`batch_results(..., source="auto")` reads the accounts when they hold every
answer exactly (no wider answers, no version 1 table, and no roster place
passed on after rated work), else the history.

This is the one reader of delivered answers: `amplify_sdk.quality.grading` grades
these rows, and `majority` is `agreement.plurality_vote`'s consensus kept only
where it is a strict majority.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from solders.pubkey import Pubkey
from solders.signature import Signature

from ..chain._backend import Backend
from ..chain._scan import tables_of
from ..chain._timeline import EventRecord, events
from ..protocol._exceptions import AccountNotFoundError
from ..protocol._idl import constant
from ..protocol._models import Batch, TaskTable
from .agreement import Answer, plurality_vote

Source = Literal["auto", "accounts", "history"]


class NotInAccounts(Exception):
    """The task tables do not hold every answer exactly (`source="accounts"`)."""


@dataclass(frozen=True)
class ResultRow:
    """One delivered result. Read from the accounts, what only the history
    knows is None: `signature`, `slot`, `block_time`, `result_uri`, and
    `stars` (`rated` says whether it was rated)."""

    item: int
    worker: Pubkey
    answer: bytes
    #: Lamports the worker received for this item (price minus fee).
    paid: int
    fee: int
    signature: Signature | None
    slot: int | None
    block_time: int | None
    result_uri: str | None
    stars: int | None = None
    rated: bool = False

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
            "signature": str(self.signature) if self.signature is not None else None,
            "slot": self.slot,
            "block_time": self.block_time,
            "result_uri": self.result_uri,
            "stars": self.stars,
            "rated": self.rated,
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
                    rated=(item, worker) in stars,
                )
            )
    return rows


def rows_from_tables(b: Batch, tables: list[TaskTable]) -> list[ResultRow]:
    """Result rows of batch `b` from its task tables, in item order (an
    item's slots in slot order); `NotInAccounts` when a completed slot does
    not keep its answer, or when its place may have passed on since."""
    if b.version < constant("BATCH_VERSION") and any(t.completed().any() for t in tables):
        raise NotInAccounts(f"batch version {b.version} does not count places passed on")
    rows: list[ResultRow] = []
    paid = b.price - b.fee_per_item
    for t in tables:
        done = t.completed()
        if b.places_reused and (done & t.flags).any():
            # Rated work frees its place for a new worker, who the slot then names.
            raise NotInAccounts(f"{b.places_reused} roster places passed on after rated work")
        for r, c in zip(*(x.tolist() for x in np.nonzero(done)), strict=True):
            answer = t.answer(r, c)
            if answer is None:
                raise NotInAccounts(f"item {t.first_item + r}: the answer is not kept in its slot")
            rows.append(
                ResultRow(
                    item=t.first_item + r,
                    worker=b.roster[int(t.holders[r, c]) - 1].worker,
                    answer=answer,
                    paid=paid,
                    fee=b.fee_per_item,
                    signature=None,
                    slot=None,
                    block_time=None,
                    result_uri=None,
                    rated=bool(t.flags[r, c]),
                )
            )
    return rows


async def batch_results(
    backend: Backend, batch: Pubkey, *, source: Source = "auto"
) -> list[ResultRow]:
    """Every result delivered to `batch`: from its task tables (`accounts`:
    item order, no signatures or stars; `NotInAccounts` when they do not
    hold every answer), its transaction history (`history`: delivery order,
    full rows), or the tables when they can and else the history (`auto`)."""
    if source != "history":
        acc = await backend.get_account(batch)
        if acc is not None:
            b = Batch.from_account_data(batch, acc.data)
            try:
                return rows_from_tables(b, await tables_of(backend, b))
            except (NotInAccounts, AccountNotFoundError):
                if source == "accounts":
                    raise
        elif source == "accounts":
            raise NotInAccounts(f"batch {batch} not found (closed?)")
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
        if not row.rated and counts[row.item] >= min_answers
    ]


__all__ = [
    "NotInAccounts",
    "ResultRow",
    "Source",
    "batch_results",
    "majority",
    "majority_ratings",
    "rows_from_events",
    "rows_from_tables",
]
