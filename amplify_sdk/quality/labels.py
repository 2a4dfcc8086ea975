"""A labelled dataset from a batch's answers: one row per item with its
consensus label, how sure the consensus is, and how many answers and how
much agreement stand behind it; and each worker's estimated accuracy.

    labels = await batch_labels(client, batch)           # from chain history
    labels.write("labels.csv")                           # or .jsonl
    labels = dataset_labels(Encoded.from_arrays(items, workers, answers))

`method="auto"` (the default) picks one-coin Dawid–Skene while workers have
few answers each and the full Dawid–Skene once they have enough to learn a
confusion matrix (`FULL_MODEL_ANSWERS_PER_CLASS` answers per worker per
class pair, K² of them); docs/reputation.md ("Labels") gives the measured
accuracy of each against crowd-kit on planted crowds.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from solders.pubkey import Pubkey

from ..clients._client import AmplifyClient
from .agreement import Answer, Consensus, Encoded, Method, consensus, encode
from .gold import GoldOpening
from .grading import batch_answers, checked_gold

LabelMethod = Literal["auto", "one_coin", "dawid_skene", "plurality_vote"]
#: `auto` fits the full Dawid–Skene when the median worker has at least this
#: many answers per (true, given) class pair: K² parameters need that much.
FULL_MODEL_ANSWERS_PER_CLASS = 5


@dataclass(frozen=True)
class LabelRow:
    item: int
    label: Any
    #: The consensus posterior of `label` (1.0 on gold items).
    confidence: float
    answers: int
    #: The share of the item's answers equal to `label`.
    agreement: float


@dataclass(frozen=True)
class WorkerQuality:
    worker: Any
    answers: int
    #: The model's estimate of the share of this worker's answers that are
    #: right (its confusion matrix's diagonal weighted by the label prior).
    accuracy: float


@dataclass(frozen=True)
class Labels:
    consensus: Consensus
    rows: list[LabelRow]
    workers: list[WorkerQuality]

    @property
    def converged(self) -> bool:
        return self.consensus.converged

    def write(self, path: str | Path) -> int:
        """Write the rows as CSV, or JSON lines when the name ends in
        `.jsonl`; labels that are not printable UTF-8 go out as hex, and in
        CSV a label that starts like a spreadsheet formula gets a leading
        `'` (JSON lines keep it as it is)."""
        path = Path(path)
        rows = [_row_dict(r) for r in self.rows]
        with path.open("w", newline="") as f:
            if path.suffix == ".jsonl":
                for r in rows:
                    f.write(json.dumps(r) + "\n")
            else:
                writer = csv.DictWriter(f, list(rows[0]) if rows else list(_COLUMNS))
                writer.writeheader()
                writer.writerows({**r, "label": _inert(r["label"])} for r in rows)
        return len(rows)


_COLUMNS = ("item", "label", "confidence", "answers", "agreement")


def label_text(label: Any) -> str:
    """A label as people read it: bytes as text when printable, else hex."""
    if isinstance(label, bytes):
        try:
            text = label.decode()
        except UnicodeDecodeError:
            return label.hex()
        return text if text.isprintable() else label.hex()
    return str(label)


#: What a spreadsheet reads as the start of a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """A label as a CSV cell a spreadsheet shows as text: workers choose the
    labels, and a cell starting like a formula would run when the requester
    opens the file (OWASP's "CSV injection"); it gets a leading `'`."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row_dict(r: LabelRow) -> dict[str, Any]:
    return {
        "item": r.item,
        "label": label_text(r.label),
        "confidence": round(r.confidence, 6),
        "answers": r.answers,
        "agreement": round(r.agreement, 6),
    }


def pick_method(e: Encoded) -> Method:
    """`auto`'s choice for these answers (see the module's docstring)."""
    k = max(len(e.labels), 2)
    per_worker = np.bincount(e.worker, minlength=len(e.workers))
    enough = float(np.median(per_worker)) >= FULL_MODEL_ANSWERS_PER_CLASS * k * k
    return "dawid_skene" if enough else "one_coin"


def dataset_labels(
    answers: Sequence[Answer] | Encoded,
    gold: Mapping[int, Any] | None = None,
    method: LabelMethod = "auto",
) -> Labels:
    """The labelled dataset of these answers (see the module's docstring)."""
    e = encode(answers, (gold or {}).values())
    c = consensus(e, gold, pick_method(e) if method == "auto" else method)
    pick = c.label_index()
    n_i, k = len(c.items), len(c.labels)
    counts = np.bincount(e.item * k + e.label, minlength=n_i * k).reshape(n_i, k)
    per_item = counts.sum(axis=1)
    chosen = counts[np.arange(n_i), pick]
    confidence = c.posterior[np.arange(n_i), pick]
    rows = [
        LabelRow(item, c.labels[int(p)], float(conf), int(n), float(m / max(n, 1)))
        for item, p, conf, n, m in zip(c.items, pick, confidence, per_item, chosen, strict=True)
    ]
    answered = np.bincount(e.worker, minlength=len(c.workers))
    if c.confusion is not None:
        diag = np.einsum("wcc->wc", c.confusion)
        acc = diag @ c.prior
    else:
        acc = c.agreement
    workers = [
        WorkerQuality(w, int(n), float(a)) for w, n, a in zip(c.workers, answered, acc, strict=True)
    ]
    workers.sort(key=lambda q: -q.accuracy)
    return Labels(c, rows, workers)


def confident_items(
    labels: Labels,
    min_confidence: float,
    *,
    min_answers: int = 2,
    exclude: Iterable[int] = (),
) -> list[int]:
    """Items whose consensus label is confident enough to stop collecting
    answers (dynamic overlap, `RequesterClient.settle_items`): posterior of
    the label ≥ `min_confidence` on at least `min_answers` answers, in item
    order. `exclude` (say, gold items, whose posterior is 1 by definition and
    which keep measuring workers) are never picked."""
    if not 0.0 < min_confidence <= 1.0:
        raise ValueError(f"min_confidence {min_confidence}: a probability in (0, 1]")
    skip = set(exclude)
    return sorted(
        r.item
        for r in labels.rows
        if r.confidence >= min_confidence and r.answers >= min_answers and r.item not in skip
    )


async def batch_labels(
    client: AmplifyClient,
    batch: Pubkey,
    *,
    method: LabelMethod = "auto",
    gold: GoldOpening | None = None,
    instructions: bytes | None = None,
    answers: Sequence[Answer] | None = None,
) -> Labels:
    """The labelled dataset of a batch: its answers from chain history
    (unless `answers` is given), gold checked against the batch's commitment
    first (`GoldMismatchError` when it differs)."""
    gold_answers = await checked_gold(client, batch, gold, instructions)
    found = list(answers) if answers is not None else await batch_answers(client, batch)
    return dataset_labels(found, gold_answers, method)


__all__ = [
    "FULL_MODEL_ANSWERS_PER_CLASS",
    "LabelMethod",
    "LabelRow",
    "Labels",
    "WorkerQuality",
    "batch_labels",
    "confident_items",
    "dataset_labels",
    "label_text",
    "pick_method",
]
