"""A requester's grading of a batch from chain data: the answers every worker
delivered (`ResultsSubmitted` events in the batch's transaction history),
their agreement (`amplify_sdk.agreement`), gold answers checked against the
batch's commitment (`amplify_sdk.gold`), and the stars sent with
`rate_assignments`.

    grades, outcomes = await rate_batch(requester, batch, gold=opening, instructions=doc)

Reads only what any client can read (history and accounts), so a third party
holding the published gold opening recomputes the same grades.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from solders.pubkey import Pubkey
from solders.signature import Signature

from ._backend import Backend, TransactionDetails
from ._client import AmplifyClient
from ._models import ItemOutcome
from ._requester import RequesterClient
from .agreement import Answer, Grades, Method, StarScale, grade
from .gold import GoldMismatchError, GoldOpening

#: Most signatures one `get_signatures_for_address` returns.
PAGE = 1000


async def batch_signatures(backend: Backend, batch: Pubkey) -> list[Signature]:
    """Every landed, successful transaction that mentions the batch, oldest first."""
    out: list[Signature] = []
    before: Signature | None = None
    while True:
        page = await backend.get_signatures_for_address(batch, limit=PAGE, before=before)
        out += [s.signature for s in page if s.err is None]
        if len(page) < PAGE:
            break
        before = page[-1].signature
    out.reverse()
    return out


async def batch_answers(
    client: AmplifyClient, batch: Pubkey, *, concurrency: int = 8
) -> list[Answer]:
    """Every answer delivered to the batch, in delivery order, from its
    history: the `ResultsSubmitted` events (items and their answers, equal
    widths, concatenated). Failed transactions changed nothing and are skipped."""
    signatures = await batch_signatures(client.backend, batch)
    gate = asyncio.Semaphore(concurrency)

    async def fetch(sig: Signature) -> TransactionDetails | None:
        async with gate:
            return await client.backend.get_transaction(sig)

    details = await asyncio.gather(*(fetch(s) for s in signatures))
    out: list[Answer] = []
    for d in details:
        if d is None or d.err is not None:
            continue
        for e in d.events:
            if e.name != "ResultsSubmitted" or e.fields["batch"] != batch:
                continue
            items = [int(i) for i in e.fields["items"]]
            blob: bytes = bytes(e.fields["answers"])
            if not items:
                continue
            width = len(blob) // len(items)
            worker: Pubkey = e.fields["worker"]
            out += [
                Answer(item, worker, blob[k * width : (k + 1) * width])
                for k, item in enumerate(items)
            ]
    return out


async def grade_batch(
    client: AmplifyClient,
    batch: Pubkey,
    *,
    gold: GoldOpening | None = None,
    instructions: bytes | None = None,
    method: Method = "dawid_skene",
    scale: StarScale | None = None,
    min_evidence: int = 3,
    answers: Sequence[Answer] | None = None,
) -> Grades:
    """Grade a batch's delivered answers (read from chain unless `answers` is
    given). With `gold`, the opening is checked first — against the batch's
    committed `instructions` document (required then) and each reveal against
    its commitment — and a mismatch raises `GoldMismatchError`."""
    gold_answers: dict[int, bytes] | None = None
    if gold is not None:
        if gold.batch != batch:
            raise GoldMismatchError("this gold opening is for another batch")
        if instructions is None:
            raise ValueError("grading with gold needs the batch's instructions document")
        b = await client.get_batch(batch)
        gold.check_instructions(instructions, b.instructions_hash)
        gold_answers = gold.verify()
    found = list(answers) if answers is not None else await batch_answers(client, batch)
    return grade(found, gold=gold_answers, method=method, scale=scale, min_evidence=min_evidence)


async def rate_batch(
    requester: RequesterClient,
    batch: Pubkey,
    *,
    gold: GoldOpening | None = None,
    instructions: bytes | None = None,
    method: Method = "dawid_skene",
    scale: StarScale | None = None,
    min_evidence: int = 3,
) -> tuple[Grades, list[ItemOutcome]]:
    """Grade the batch (`grade_batch`) and send the stars: one outcome per
    rating (assignments already rated come back refused with `AlreadyRated`,
    nothing sent for them)."""
    grades = await grade_batch(
        requester,
        batch,
        gold=gold,
        instructions=instructions,
        method=method,
        scale=scale,
        min_evidence=min_evidence,
    )
    outcomes = await requester.rate_assignments(batch, grades.ratings) if grades.ratings else []
    return grades, outcomes


__all__ = ["batch_answers", "batch_signatures", "grade_batch", "rate_batch"]
