"""A skill scene for the skill tests: an issuer (not the batch's requester:
skills are a public good) qualifies some workers, a batch requires the skill.
And a qualification batch: every item gold, committed before it opens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from solders.account import Account
from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from amplify_sdk import RequesterClient, WorkerClient, instructions
from amplify_sdk.chain._scan import field_offset
from amplify_sdk.clients import content_hash
from amplify_sdk.protocol import Batch, Skill, batch_pda, encode_skill_proofs, worker_profile_pda
from amplify_sdk.quality.gold import GoldOpening, GoldSet
from amplify_sdk.quality.grading import grade_batch
from amplify_sdk.quality.qualification import set_skill_from_grades
from amplify_sdk.storage import LocalStore
from market import Market, item_hashes

#: A qualification batch's items, every one gold, and its two labels.
QUAL_ITEMS = 20


def qual_truth(item: int) -> bytes:
    return b"ok" if item % 3 else b"no"


def expected_value(right: int) -> int:
    """The skill value of a worker right on `right` of the QUAL_ITEMS gold
    items, by hand from docs/reputation.md: every item is gold, so the
    consensus is the gold label and agreement = gold accuracy = right/20 = q;
    K = 2 labels, κ = (q − 1/2)/(1/2), value ⌊100κ⌋ clipped to 0–100."""
    return max(0, (100 * (2 * right - QUAL_ITEMS)) // QUAL_ITEMS)


async def qualification_batch(
    req: RequesterClient,
    workers: Sequence[WorkerClient],
    right: Sequence[int],
    answered: Sequence[int] | None = None,
) -> tuple[Pubkey, GoldOpening, bytes]:
    """A small paid batch whose every item has a committed gold answer (the
    root in its instructions, on chain before any item); worker k answers
    the first answered[k] items (all by default), the first right[k] of them
    as the gold and the rest wrong. Returns the batch, the gold opening and
    the instructions document."""
    batch_id = secrets.randbits(62)
    gold = GoldSet.create(
        batch_pda(req.address, batch_id)[0],
        QUAL_ITEMS,
        {i: qual_truth(i) for i in range(QUAL_ITEMS)},
    )
    doc = gold.instructions(b"Qualification: is the post ok? (ok or no)\n")
    b = await req.create_batch(
        price=10_000,
        redundancy=len(workers),
        batch_id=batch_id,
        instructions_hash=content_hash(doc),
    )
    await req.add_tasks(b.address, item_hashes(QUAL_ITEMS, salt=secrets.token_bytes(8)))
    counts = answered or [QUAL_ITEMS] * len(workers)
    for w, r, n in zip(workers, right, counts, strict=True):
        await w.accept_tasks(b.address, range(n))
        answers = [
            (i, qual_truth(i) if i < r else b"no" if qual_truth(i) == b"ok" else b"ok")
            for i in range(n)
        ]
        await w.submit_results(b.address, answers)
    return b.address, gold.opening(), doc


@dataclass
class SkillScene:
    market: Market
    store: LocalStore
    issuer: RequesterClient
    skill: Skill
    batch: Batch
    minimum: int
    #: Qualified workers and their values (the first at/above the minimum).
    workers: list[WorkerClient]
    values: dict[Pubkey, int]

    async def reload(self) -> Skill:
        self.skill = await self.issuer.get_skill(self.skill.address)
        return self.skill


async def skill_scene(
    market: Market, tmp: Path, values: tuple[int, ...] = (90, 50, 49, 12), minimum: int = 50
) -> SkillScene:
    store = LocalStore(tmp / "skills")
    issuer = await market.other_requester()
    skill = await issuer.create_skill("medical annotator")
    workers = [await market.worker() for _ in values]
    table = {w.address: v for w, v in zip(workers, values, strict=True)}
    skill = await issuer.set_skill(skill.address, table, store)
    b = await market.batch(n_items=10)
    await market.requester.require_skills(b.address, [(skill.address, minimum)])
    b = await market.requester.get_batch(b.address)
    return SkillScene(market, store, issuer, skill, b, minimum, workers, table)


def ro(key: Pubkey) -> AccountMeta:
    """A skill account as accept_skilled_tasks and require_skills take it."""
    return AccountMeta(key, is_signer=False, is_writable=False)


async def set_rating(market: Market, worker: Pubkey, rating: int) -> None:
    """Give a profile any rating (5,000: a perfect one), as only many paid
    ratings could: the skill gate must not care."""
    profile = worker_profile_pda(worker)[0]
    acc = await market.backend.get_account(profile)
    assert acc is not None, f"{worker} is not registered"
    at = field_offset("WorkerProfile", "rating")
    data = acc.data[:at] + rating.to_bytes(2, "little") + acc.data[at + 2 :]
    count_at = field_offset("WorkerProfile", "rating_count")
    data = data[:count_at] + (1000).to_bytes(4, "little") + data[count_at + 4 :]
    market.backend.set_account(profile, Account(acc.lamports, data, acc.owner, False, 0))


def gate_ix(
    market: Market,
    batch: Batch,
    worker: Pubkey,
    skill: Pubkey,
    proofs: list[tuple[int, list[bytes]]],
    items: list[int],
) -> Instruction:
    """`accept_skilled_tasks` sent by hand, with whatever proofs a worker claims."""
    return instructions.accept_skilled_tasks(
        worker, batch.address, market.table(batch), items, encode_skill_proofs(proofs), [ro(skill)]
    )


async def qualify(
    market: Market,
    store: LocalStore,
    skill: Pubkey,
    workers: list[WorkerClient],
    right: list[int],
    **kw: object,
) -> tuple[set[str], dict[Pubkey, int]]:
    """A gold batch answered by `workers`, graded, its values set on `skill`:
    the outcomes seen and the skill's values on chain after."""
    req = market.requester
    batch, opening, doc = await qualification_batch(req, workers, right)
    grades = await grade_batch(req, batch, gold=opening, instructions=doc)
    update = await set_skill_from_grades(req, skill, grades, store, **kw)  # type: ignore[arg-type]
    tree = await req.skill_tree(skill, store)
    return {c.outcome for c in update.changes}, dict(tree.values)
