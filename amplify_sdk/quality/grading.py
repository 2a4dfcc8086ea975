"""A requester's grading of a batch from chain data: the answers every worker
delivered (`ResultsSubmitted` events in the batch's transaction history),
their agreement (`amplify_sdk.quality.agreement`), gold answers checked against the
batch's commitment (`amplify_sdk.quality.gold`), and the stars sent with
`rate_assignments`.

    grades, outcomes = await rate_batch(requester, batch, gold=opening, instructions=doc)

Reads only what any client can read (history and accounts), so a third party
holding the published gold opening recomputes the same grades.
"""

from __future__ import annotations

from collections.abc import Sequence

from solders.pubkey import Pubkey

from ..clients._client import AmplifyClient
from ..clients._requester import RequesterClient
from ..protocol._exceptions import InvalidArgumentError
from ..protocol._models import ItemOutcome
from ._results import ResultRow, batch_results
from .agreement import Answer, Grades, Method, StarScale, grade
from .gold import GoldMismatchError, GoldOpening


async def batch_answers(client: AmplifyClient, batch: Pubkey) -> list[Answer]:
    """Every answer delivered to the batch: from its task tables when they
    keep every answer (item order), else from its history (`ResultsSubmitted`
    events, delivery order; failed transactions changed nothing and are
    skipped). See `_results.batch_results`."""
    return [row.as_answer for row in await batch_results(client.backend, batch)]


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
    gold_answers = await checked_gold(client, batch, gold, instructions)
    found = list(answers) if answers is not None else await batch_answers(client, batch)
    return grade(found, gold=gold_answers, method=method, scale=scale, min_evidence=min_evidence)


async def checked_gold(
    client: AmplifyClient,
    batch: Pubkey,
    gold: GoldOpening | None,
    instructions: bytes | None,
) -> dict[int, bytes] | None:
    """The gold answers of an opening checked against the batch: its
    instructions document (whose sha256 is on chain) and each reveal against
    its commitment; `GoldMismatchError` when anything differs."""
    if gold is None:
        return None
    if gold.batch != batch:
        raise GoldMismatchError("this gold opening is for another batch")
    if instructions is None:
        raise ValueError("grading with gold needs the batch's instructions document")
    b = await client.get_batch(batch)
    gold.check_instructions(instructions, b.instructions_hash)
    return gold.verify()


#: Why stars graded without gold are not sent by default.
NO_GOLD = (
    "no gold: the stars would come from agreement alone, which workers who agree "
    "with each other can capture (colluders outvote accurate workers); commit gold "
    "answers before the work (amplify_sdk.quality.gold) and grade with them, or send "
    "these stars anyway with without_gold=True (CLI: --without-gold)"
)


def _unrated(grades: Grades, rows: Sequence[ResultRow]) -> list[tuple[int, Pubkey, int]]:
    """The grades' ratings for the assignments `rows` show unrated."""
    done = {(r.item, r.worker) for r in rows if r.rated}
    return [r for r in grades.ratings if (r[0], r[1]) not in done]


async def rate_batch(
    requester: RequesterClient,
    batch: Pubkey,
    *,
    gold: GoldOpening | None = None,
    instructions: bytes | None = None,
    method: Method = "dawid_skene",
    scale: StarScale | None = None,
    min_evidence: int = 3,
    without_gold: bool = False,
) -> tuple[Grades, list[ItemOutcome]]:
    """Grade the batch (`grade_batch`) and send the stars of every assignment
    not rated yet: one outcome per rating sent (a second run sends nothing).

    Stars graded without gold come from agreement alone, which workers who
    agree with each other can capture (docs/reputation.md, "Grading a
    batch"): they are sent only with `without_gold=True`; otherwise
    `InvalidArgumentError`, before anything is read or sent."""
    if gold is None and not without_gold:
        raise InvalidArgumentError(NO_GOLD)
    rows = await batch_results(requester.backend, batch)
    grades = await grade_batch(
        requester,
        batch,
        gold=gold,
        instructions=instructions,
        method=method,
        scale=scale,
        min_evidence=min_evidence,
        answers=[row.as_answer for row in rows],
    )
    todo = _unrated(grades, rows)
    outcomes = await requester.rate_assignments(batch, todo) if todo else []
    return grades, outcomes


__all__ = ["batch_answers", "checked_gold", "grade_batch", "rate_batch"]
