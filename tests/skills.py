"""A skill scene for the skill tests: an issuer (not the batch's requester:
skills are a public good) qualifies some workers, a batch requires the skill."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from solders.account import Account
from solders.instruction import AccountMeta
from solders.pubkey import Pubkey

from amplify_sdk import RequesterClient, WorkerClient
from amplify_sdk.chain._scan import field_offset
from amplify_sdk.protocol import Batch, Skill, worker_profile_pda
from amplify_sdk.storage import LocalStore
from market import Market


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
