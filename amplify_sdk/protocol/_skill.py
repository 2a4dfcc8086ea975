"""Skills: a value 0-100 per worker that an issuer sets and any batch can
require, committed on chain as one Merkle root per skill (docs/reputation.md,
"Skills"). No I/O: the tree, its proofs, the published leaf list, the
accounts' models and addresses.

    leaf(skill, worker, value) = sha256(0x00 || skill || worker || value u8)[:20]
    node(a, b)                 = sha256(min(a, b) || max(a, b))[:20]

Leaves are ordered by worker address; an odd node at the end of a level moves
up unchanged. Pairs are hashed sorted, so a proof is the sibling hashes only
(no left/right flags), and the program checks it with one `sol_sha256` per
level. A leaf hashes 66 bytes, a node 40: no input is both, so no inner
node can be presented as a leaf (and the program builds the leaf itself).

Nodes are the first 20 bytes (`SKILL_NODE_BYTES`) of each hash: the issuer
builds the tree, so forging a value takes a second preimage of a node
(~2^160 hashes), and collisions (~2^80) would serve only someone who writes
two leaves, which no worker does. A proof of 1,000 workers is 200 bytes
rather than 320: 30 more items fit the accept transaction.

The leaf list is published (storage adapter) so that anyone can rebuild the
tree, check it against the skill's root and `leaves_hash`, and give a worker
its proof:

    b"AMPSKILL" || version u8 (1) || skill (32) || count u32 LE
                || count x (worker (32) || value u8), by worker address
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from solders.pubkey import Pubkey

from ._account import AccountModel
from ._idl import constant
from ._pda import current_program

LEAVES_MAGIC = b"AMPSKILL"
LEAVES_VERSION = 1
#: Bytes of a node (and of the root).
NODE_BYTES = int(constant("SKILL_NODE_BYTES"))
ZERO_ROOT = bytes(NODE_BYTES)


def skill_pda(issuer: Pubkey, skill_id: int) -> tuple[Pubkey, int]:
    """An issuer's skill number `skill_id`: seeds `skill`, issuer, id (u64 LE)."""
    return Pubkey.find_program_address(
        [b"skill", bytes(issuer), skill_id.to_bytes(8, "little")], current_program()
    )


def batch_skills_pda(batch: Pubkey) -> tuple[Pubkey, int]:
    """A batch's required skills: seeds `batch_skills`, batch."""
    return Pubkey.find_program_address([b"batch_skills", bytes(batch)], current_program())


def skill_leaf(skill: Pubkey, worker: Pubkey, value: int) -> bytes:
    """The leaf committing `worker`'s `value` of `skill`."""
    raw = b"\x00" + bytes(skill) + bytes(worker) + bytes([value])
    return hashlib.sha256(raw).digest()[:NODE_BYTES]


def skill_node(a: bytes, b: bytes) -> bytes:
    """An inner node over two hashes, in either order."""
    lo, hi = (a, b) if a <= b else (b, a)
    return hashlib.sha256(lo + hi).digest()[:NODE_BYTES]


def _check_value(value: int) -> None:
    top = int(constant("MAX_SKILL_VALUE"))
    if not 0 <= value <= top:
        raise ValueError(f"a skill value is 0-{top}, not {value}")


@dataclass(frozen=True)
class SkillTree:
    """The values of one skill for many workers, and their Merkle tree."""

    skill: Pubkey
    values: tuple[tuple[Pubkey, int], ...]
    """(worker, value), by worker address."""

    @classmethod
    def build(cls, skill: Pubkey, values: Mapping[Pubkey, int]) -> SkillTree:
        for v in values.values():
            _check_value(v)
        return cls(skill, tuple(sorted(values.items(), key=lambda wv: bytes(wv[0]))))

    def _levels(self) -> list[list[bytes]]:
        levels = [[skill_leaf(self.skill, w, v) for w, v in self.values]]
        while len(levels[-1]) > 1:
            prev = levels[-1]
            nxt = [skill_node(prev[i], prev[i + 1]) for i in range(0, len(prev) - 1, 2)]
            if len(prev) % 2:
                nxt.append(prev[-1])
            levels.append(nxt)
        return levels

    @property
    def root(self) -> bytes:
        """The root to set on chain; zero bytes when no worker holds the skill."""
        return self._levels()[-1][0] if self.values else ZERO_ROOT

    def value_of(self, worker: Pubkey) -> int | None:
        """The worker's value; None if it holds none."""
        return dict(self.values).get(worker)

    def proof(self, worker: Pubkey) -> tuple[int, list[bytes]]:
        """(value, siblings from the worker's leaf up); KeyError if it holds none."""
        index = {w: i for i, (w, _) in enumerate(self.values)}
        if worker not in index:
            raise KeyError(f"worker {worker} holds no value of skill {self.skill}")
        at = start = index[worker]
        siblings = []
        for level in self._levels()[:-1]:
            mate = at ^ 1
            if mate < len(level):
                siblings.append(level[mate])
            at //= 2
        return self.values[start][1], siblings

    def encode(self) -> bytes:
        """The leaf list, as published in storage (module docstring)."""
        out = bytearray(LEAVES_MAGIC + bytes([LEAVES_VERSION]) + bytes(self.skill))
        out += len(self.values).to_bytes(4, "little")
        for w, v in self.values:
            out += bytes(w) + bytes([v])
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> SkillTree:
        """A published leaf list; ValueError when malformed."""
        head = len(LEAVES_MAGIC) + 1 + 32 + 4
        if len(data) < head or data[: len(LEAVES_MAGIC)] != LEAVES_MAGIC:
            raise ValueError("not a skill leaf list")
        if data[len(LEAVES_MAGIC)] != LEAVES_VERSION:
            raise ValueError(f"unknown skill leaf list version {data[len(LEAVES_MAGIC)]}")
        skill = Pubkey.from_bytes(data[len(LEAVES_MAGIC) + 1 : head - 4])
        n = int.from_bytes(data[head - 4 : head], "little")
        if len(data) != head + 33 * n:
            raise ValueError(f"skill leaf list of {n} workers has {len(data)} bytes")
        values: dict[Pubkey, int] = {}
        for i in range(n):
            at = head + 33 * i
            w = Pubkey.from_bytes(data[at : at + 32])
            if w in values:
                raise ValueError(f"worker {w} appears twice in the leaf list")
            values[w] = data[at + 32]
        return cls.build(skill, values)


def verify_skill_proof(
    skill: Pubkey, worker: Pubkey, value: int, siblings: Iterable[bytes], root: bytes
) -> bool:
    """What the program checks: the proof leads from the leaf to `root`."""
    at = skill_leaf(skill, worker, value)
    for s in siblings:
        at = skill_node(at, s)
    return at == root and root != ZERO_ROOT


def encode_skill_proofs(proofs: Iterable[tuple[int, list[bytes]]]) -> bytes:
    """`accept_skilled_tasks`' proofs argument: per required skill (in the
    batch's order) value u8, depth u8, the siblings."""
    out = bytearray()
    for value, siblings in proofs:
        out += bytes([value, len(siblings)]) + b"".join(siblings)
    return bytes(out)


def _text(raw: bytes) -> str:
    return raw.rstrip(b"\x00").decode("utf-8", "replace")


class Skill(AccountModel):
    """A skill (PDA `["skill", issuer, skill_id]`): values 0-100 per worker,
    committed as `root`; `epoch` counts the roots set; the leaf list is at
    `leaves_uri` with sha256 `leaves_hash`."""

    IDL_NAME: ClassVar[str] = "Skill"
    version: int
    bump: int
    worker_count: int
    issuer: Pubkey
    authority: Pubkey
    skill_id: int
    epoch: int
    updated_at: int
    root: bytes
    leaves_hash: bytes
    name: str
    leaves_uri: str

    @classmethod
    def _from_data(cls, address: Pubkey, data: bytes) -> Skill:
        from ._codecs import decode_account

        f = decode_account(cls.IDL_NAME, data)
        uri = bytes(f["leaves_uri"])[: f["leaves_uri_len"]].decode("utf-8", "replace")
        keep = {k: v for k, v in f.items() if k in cls.model_fields}
        keep.update(name=_text(bytes(f["name"])), leaves_uri=uri)
        return cls(address=address, **keep)


class BatchSkills(AccountModel):
    """A batch's required skills (PDA `["batch_skills", batch]`): `required`
    lists (skill, minimum) in the order `accept_skilled_tasks` takes them."""

    IDL_NAME: ClassVar[str] = "BatchSkills"
    version: int
    bump: int
    count: int
    batch: Pubkey
    required: tuple[tuple[Pubkey, int], ...]

    @classmethod
    def _from_data(cls, address: Pubkey, data: bytes) -> BatchSkills:
        from ._codecs import decode_account

        f = decode_account(cls.IDL_NAME, data)
        n = f["count"]
        required = tuple(
            (Pubkey.from_bytes(bytes(s)) if not isinstance(s, Pubkey) else s, int(m))
            for s, m in list(zip(f["skills"], f["minimums"], strict=True))[:n]
        )
        return cls(
            address=address,
            version=f["version"],
            bump=f["bump"],
            count=n,
            batch=f["batch"],
            required=required,
        )


__all__ = [
    "BatchSkills",
    "Skill",
    "SkillTree",
    "batch_skills_pda",
    "encode_skill_proofs",
    "skill_leaf",
    "skill_node",
    "skill_pda",
    "verify_skill_proof",
]
