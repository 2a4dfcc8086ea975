"""`amplify demo`'s qualification test (docs/reputation.md, "Qualification
flow"): a small paid batch whose answer key the requester commits as gold
before it opens, worked by the simulated crowd and graded against the opened
key; the skill the demo sets comes from this grading. Also the demo's way of
posting a batch (`post_rows`), shared with its other batches."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solders.pubkey import Pubkey

from ..clients._client import content_hash
from ..clients._requester import RequesterClient
from ..protocol._idl import constant
from ..protocol._pda import batch_pda
from ..quality.agreement import Grades
from ..quality.gold import GoldOpening, GoldSet
from ..quality.grading import grade_batch
from ._crowd import Crowd, SimWorker
from ._inputs import read_hashes
from ._upload import upload

#: The test: the dataset's first texts, every one gold (the requester's own
#: labels), each answered by every worker (up to the program's redundancy
#: limit).
QUALIFICATION_ITEMS = 30


async def post_rows(
    req: RequesterClient, rows: list[dict[str, str]], workdir: Path, name: str, **params: Any
) -> Pubkey:
    """Create a batch and upload `rows` through the CLI's file pipeline."""
    source = workdir / f"{name}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    batch = await req.create_batch(**params)
    await upload(
        req,
        batch.address,
        read_hashes(source),
        source=str(source),
        journal_file=workdir / f"{name}.journal.sqlite",
        manifest_file=workdir / f"{name}.manifest.json",
    )
    return batch.address


@dataclass(frozen=True)
class QualificationTest:
    batch: Pubkey
    price: int
    #: The key as opened at grading (its items, its gold reveals).
    opening: GoldOpening
    grades: Grades
    #: The requester's balance drop from creating the test to closing it: pay,
    #: protocol fees and its own network fees (the rent comes back).
    cost: int


async def run_qualification(
    req: RequesterClient,
    crowd: Crowd,
    rows: list[dict[str, str]],
    truth: list[int],
    labels: list[str],
    workdir: Path,
    price: int,
) -> QualificationTest:
    """Commit the key, post the test, let the crowd work it (one round: every
    worker takes every item), grade it against the opened key, close it."""
    n = min(QUALIFICATION_ITEMS, len(rows))
    before = await req.backend.get_balance(req.address)
    # Gold commitments bind the batch address, so it is fixed before creation.
    batch_id = secrets.randbits(63)
    key = {i: str(truth[i]).encode() for i in range(n)}
    gold = GoldSet.create(batch_pda(req.address, batch_id)[0], n, key)
    doc = gold.instructions(
        f"Label each post with the number of its label: {', '.join(labels)} "
        f"are 0 to {len(labels) - 1}.\n".encode()
    )
    test = await post_rows(
        req,
        rows[:n],
        workdir,
        "qualification",
        price=price,
        redundancy=min(len(crowd.workers), constant("MAX_REDUNDANCY")),
        batch_id=batch_id,
        instructions_hash=content_hash(doc),
        base_uri="ipfs://amplify-demo/qualification/",
    )
    await crowd.round(test, truth[:n])
    opening = gold.opening()
    grades = await grade_batch(req, test, gold=opening, instructions=doc)
    await req.close_batch(test)
    cost = before - await req.backend.get_balance(req.address)
    return QualificationTest(test, price, opening, grades, cost)


def gold_of(test: QualificationTest, worker: Pubkey) -> dict[str, Any]:
    """A worker's gold on the test: answered, right, share right (None: it
    answered none)."""
    g = test.grades.workers.get(worker)
    return {
        "gold_answered": 0 if g is None else g.gold_answered,
        "gold_right": 0 if g is None else g.gold_right,
        "gold_accuracy": None if g is None else g.gold_accuracy,
    }


def qualification_report(
    test: QualificationTest,
    workers: list[SimWorker],
    values: Mapping[Pubkey, int],
    minimum: int,
) -> dict[str, Any]:
    """The test in the demo's report: its size, what it paid and cost, who
    passed (a value on chain at least `minimum`), each class's share right."""
    pay = [
        e.fields
        for w in workers
        for r in w.client.receipts
        for e in r.events
        if e.name == "ResultsSubmitted" and e.fields["batch"] == test.batch
    ]
    passed = [w for w in workers if (values.get(w.address) or 0) >= minimum]
    by_class: dict[str, list[float]] = {}
    for w in workers:
        share = gold_of(test, w.address)["gold_accuracy"]
        if share is not None:
            by_class.setdefault(w.kind.name, []).append(share)
    return {
        "batch": test.batch,
        "items": test.opening.item_count,
        "gold": len(test.opening.reveals),
        "price": test.price,
        "answers": sum(g.answers for g in test.grades.workers.values()),
        "paid": sum(f["paid"] for f in pay),
        "fees": sum(f["fee"] for f in pay),
        "cost": test.cost,
        "minimum": minimum,
        "passed": len(passed),
        "passed_by_class": dict(Counter(w.kind.name for w in passed)),
        "gold_accuracy_by_class": {k: sum(v) / len(v) for k, v in by_class.items()},
    }
