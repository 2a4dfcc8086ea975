"""Skills from the client side: an issuer creates a skill and sets many
workers' values in one transaction (tree built here, leaf list stored with a
storage adapter, root set on chain); a requester requires skills of a batch;
a worker's acceptance proves them (docs/reputation.md, "Skills")."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence

from solders.instruction import AccountMeta
from solders.pubkey import Pubkey

from ..chain import TxReceipt
from ..protocol import _instructions as ix
from ..protocol._exceptions import InvalidArgumentError
from ..protocol._idl import constant
from ..protocol._program_errors import InvalidSkillProof, SkillTooLow
from ..protocol._skill import (
    BatchSkills,
    Skill,
    SkillTree,
    batch_skills_pda,
    encode_skill_proofs,
    skill_pda,
    verify_skill_proof,
)
from ..storage import Store
from ._client import AmplifyClient


def skill_name_bytes(name: str) -> bytes:
    raw = name.encode()
    if len(raw) > 32:
        raise InvalidArgumentError(f"a skill name is at most 32 bytes of UTF-8, not {len(raw)}")
    return raw.ljust(32, b"\x00")


class SkillReader(AmplifyClient):
    """Reading skills and their published values (any role)."""

    async def get_skill(self, skill: Pubkey) -> Skill:
        return await self.fetch(Skill, skill)

    async def get_batch_skills(self, batch: Pubkey) -> BatchSkills | None:
        """The batch's required skills; None if it never required any."""
        return await self.fetch_or_none(BatchSkills, batch_skills_pda(batch)[0])

    async def skill_tree(self, skill: Pubkey | Skill, store: Store) -> SkillTree:
        """The skill's current values, from its published leaf list, checked
        against the leaf list's hash and the root on chain."""
        s = skill if isinstance(skill, Skill) else await self.get_skill(skill)
        if s.worker_count == 0:
            return SkillTree.build(s.address, {})
        data = await store.get(s.leaves_hash, s.leaves_uri)
        tree = SkillTree.decode(data)
        if tree.skill != s.address or tree.root != s.root:
            raise InvalidSkillProof(
                f"the leaf list at {s.leaves_uri} does not build skill {s.address}'s root"
            )
        return tree

    async def skill_proofs(self, batch: Pubkey, worker: Pubkey, store: Store) -> SkillGate:
        """What `accept_skilled_tasks` needs for `worker` on `batch`: the skill
        accounts and the proofs, checked here first (`SkillTooLow`, or
        `InvalidSkillProof` when the worker holds no value)."""
        req = await self.get_batch_skills(batch)
        if req is None or req.count == 0:
            return SkillGate((), b"")
        proofs = []
        for skill, minimum in req.required:
            s = await self.get_skill(skill)
            tree = await self.skill_tree(s, store)
            if tree.value_of(worker) is None:
                raise InvalidSkillProof(f"worker {worker} holds no value of skill {skill}")
            value, siblings = tree.proof(worker)
            if not verify_skill_proof(skill, worker, value, siblings, s.root):
                raise InvalidSkillProof(f"the proof of {worker} for skill {skill} fails")
            if value < minimum:
                raise SkillTooLow(
                    f"worker {worker} holds {value} of skill {skill}; {minimum} needed"
                )
            proofs.append((value, siblings))
        return SkillGate(tuple(s for s, _ in req.required), encode_skill_proofs(proofs))


class SkillGate:
    """The skill accounts and encoded proofs one worker passes to a gated batch."""

    def __init__(self, skills: Sequence[Pubkey], proofs: bytes) -> None:
        self.skills = tuple(skills)
        self.proofs = proofs

    @property
    def remaining(self) -> list[AccountMeta]:
        return [AccountMeta(s, is_signer=False, is_writable=False) for s in self.skills]


class SkillIssuer(SkillReader):
    """Issuing skills and requiring them of batches."""

    async def create_skill(self, name: str, *, skill_id: int | None = None) -> Skill:
        """A new skill issued by this wallet (its authority until handed on);
        no worker holds it until `set_skill`."""
        sid = secrets.randbits(63) if skill_id is None else skill_id
        address, _ = skill_pda(self.address, sid)
        await self.send([ix.create_skill(self.address, sid, skill_name_bytes(name))])
        return await self.get_skill(address)

    async def set_skill(
        self, skill: Pubkey, values: Mapping[Pubkey, int], store: Store, *, replace: bool = False
    ) -> Skill:
        """Set many workers' values in one transaction: by default `values`
        update the published ones (a value of 0 is kept as 0); `replace=True`
        makes `values` the whole set. The leaf list goes to `store`; the root,
        its hash and its URI on chain."""
        current = {} if replace else dict((await self.skill_tree(skill, store)).values)
        current.update(values)
        return await self._publish(skill, current, store)

    async def revoke_skill(self, skill: Pubkey, workers: Sequence[Pubkey], store: Store) -> Skill:
        """Take the skill from `workers` (a new root without them): their
        proofs stop passing at once."""
        current = dict((await self.skill_tree(skill, store)).values)
        for w in workers:
            current.pop(w, None)
        return await self._publish(skill, current, store)

    async def _publish(self, skill: Pubkey, values: Mapping[Pubkey, int], store: Store) -> Skill:
        try:
            tree = SkillTree.build(skill, values)
        except ValueError as e:
            raise InvalidArgumentError(str(e)) from e
        if tree.values:
            data = tree.encode()
            uri = await store.put(data)
            leaves_hash = hashlib.sha256(data).digest()
        else:
            uri, leaves_hash = "", bytes(32)
        if len(uri.encode()) > int(constant("MAX_SKILL_URI_LEN")):
            raise InvalidArgumentError(f"the store's URI is too long for a skill: {uri}")
        await self.send(
            [ix.set_skill(self.address, skill, tree.root, len(tree.values), leaves_hash, uri)]
        )
        return await self.get_skill(skill)

    async def set_skill_authority(self, skill: Pubkey, new_authority: Pubkey) -> TxReceipt:
        return await self.send([ix.set_skill_authority(self.address, skill, new_authority)])

    async def require_skills(
        self, batch: Pubkey, requirements: Sequence[tuple[Pubkey, int]]
    ) -> BatchSkills | None:
        """Require of every worker that accepts from now on each (skill,
        minimum 1-100); an empty list lifts the requirement."""
        metas = [AccountMeta(s, is_signer=False, is_writable=False) for s, _ in requirements]
        try:
            mins = bytes(m for _, m in requirements)
        except ValueError as e:
            raise InvalidArgumentError("a skill minimum is 1-100") from e
        await self.send([ix.require_skills(self.address, batch, mins, metas)])
        return await self.get_batch_skills(batch)


__all__ = ["SkillGate", "SkillIssuer", "SkillReader", "skill_name_bytes"]
