"""Gold items: answers the requester fixes before the batch opens, hidden
until grading, then provable to anyone (docs/reputation.md, "Gold").

Each item of the batch gets a salted commitment

    commitment(i) = sha256("amplify-gold-v1" || batch || i u32 LE
                           || len(answer) u8 || answer || salt)

with the known answer for a gold item and a random answer-less filler for
every other one, so the commitments do not tell which items are gold. The
commitments are the leaves of a Merkle tree (the manifest's, `leaf(i, h)`,
binding each to its index); its root goes into the batch's instructions
document as a line `amplify-gold-root: <hex>`, and the document's sha256 is
the batch's `instructions_hash`, on chain from `create_batch`: before any
item exists, so before any worker answered.

At grading the requester publishes the opening: per gold item its answer,
salt and Merkle proof. Anyone holding the opening, the instructions document
and chain data checks that the document is the batch's, that each revealed
answer is the committed one, and recomputes every worker's accuracy on gold
from the `ResultsSubmitted` events. An answer changed after the fact fails.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

from ..protocol._exceptions import AmplifyError
from ..protocol._manifest import _levels, leaf_hash, merkle_root, verify_proof

DOMAIN = b"amplify-gold-v1"
SALT_SIZE = 32
ROOT_LINE = re.compile(rb"^amplify-gold-root: ([0-9a-f]{64})$", re.MULTILINE)


class GoldMismatchError(AmplifyError):
    """A gold reveal does not open its commitment, or the commitments are not
    the ones the batch's instructions committed to."""


def gold_commitment(batch: Pubkey, item: int, answer: bytes, salt: bytes) -> bytes:
    if len(salt) != SALT_SIZE or len(answer) > 255 or not 0 <= item < 2**32:
        raise ValueError("salt of 32 bytes, answer of at most 255, item a u32")
    return hashlib.sha256(
        DOMAIN + bytes(batch) + item.to_bytes(4, "little") + bytes([len(answer)]) + answer + salt
    ).digest()


@dataclass(frozen=True)
class GoldReveal:
    """A gold item opened: its answer, the salt, the Merkle proof of its commitment."""

    item: int
    answer: bytes
    salt: bytes
    proof: tuple[bytes, ...]


@dataclass(frozen=True)
class GoldOpening:
    """What the requester publishes at grading: enough for anyone to check
    the gold answers against the root the batch committed to."""

    batch: Pubkey
    item_count: int
    root: bytes
    reveals: tuple[GoldReveal, ...]

    def verify(self) -> dict[int, bytes]:
        """The gold answers, item → answer; raises `GoldMismatchError` on any
        reveal that does not open its commitment under `root`."""
        out: dict[int, bytes] = {}
        for r in self.reveals:
            if not verify_reveal(self.batch, self.item_count, self.root, r):
                raise GoldMismatchError(
                    f"gold item {r.item}: the reveal does not open its commitment"
                )
            out[r.item] = r.answer
        return out

    def check_instructions(self, instructions: bytes, instructions_hash: bytes) -> None:
        """Raise `GoldMismatchError` unless `instructions` is the document the
        batch committed to (its `instructions_hash`) and names this root."""
        if hashlib.sha256(instructions).digest() != instructions_hash:
            raise GoldMismatchError("the instructions are not the ones the batch committed to")
        if gold_root_in(instructions) != self.root:
            raise GoldMismatchError("the batch's instructions commit to another gold root")

    def to_json(self) -> str:
        return json.dumps(
            {
                "batch": str(self.batch),
                "item_count": self.item_count,
                "root": self.root.hex(),
                "reveals": [
                    {
                        "item": r.item,
                        "answer": r.answer.hex(),
                        "salt": r.salt.hex(),
                        "proof": [p.hex() for p in r.proof],
                    }
                    for r in self.reveals
                ],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> GoldOpening:
        d: dict[str, Any] = json.loads(text)
        return cls(
            Pubkey.from_string(d["batch"]),
            int(d["item_count"]),
            bytes.fromhex(d["root"]),
            tuple(
                GoldReveal(
                    int(r["item"]),
                    bytes.fromhex(r["answer"]),
                    bytes.fromhex(r["salt"]),
                    tuple(bytes.fromhex(p) for p in r["proof"]),
                )
                for r in d["reveals"]
            ),
        )


def verify_reveal(batch: Pubkey, item_count: int, root: bytes, reveal: GoldReveal) -> bool:
    try:
        leaf = gold_commitment(batch, reveal.item, reveal.answer, reveal.salt)
    except ValueError:
        return False
    return verify_proof(reveal.item, leaf, 0, item_count, reveal.proof, root)


@dataclass(frozen=True)
class GoldSet:
    """The requester's secret side: the salts and answers behind every
    commitment. Keep it (`to_json`) until grading; publish only `opening()`."""

    batch: Pubkey
    commitments: tuple[bytes, ...]
    answers: Mapping[int, bytes]
    salts: Mapping[int, bytes]

    @classmethod
    def create(cls, batch: Pubkey, item_count: int, answers: Mapping[int, bytes]) -> GoldSet:
        """Commit `answers` (item → answer) for a batch of `item_count` items
        (the batch address: `batch_pda(requester, batch_id)`, known before
        `create_batch`)."""
        if any(not 0 <= i < item_count for i in answers):
            raise ValueError("a gold item outside the batch")
        salts = {i: secrets.token_bytes(SALT_SIZE) for i in range(item_count)}
        commitments = tuple(
            gold_commitment(batch, i, answers.get(i, b""), salts[i]) for i in range(item_count)
        )
        return cls(batch, commitments, dict(answers), salts)

    @property
    def root(self) -> bytes:
        return merkle_root(0, self.commitments)

    def instructions(self, text: bytes) -> bytes:
        """The instructions document with the gold root line appended: pass
        `content_hash(result)` as `create_batch(instructions_hash=...)` and
        publish the document beside the items."""
        return with_gold_root(text, self.root)

    def opening(self) -> GoldOpening:
        # The tree once, then each proof from it (merkle_proof would rebuild
        # the tree per item).
        levels = _levels([leaf_hash(i, c) for i, c in enumerate(self.commitments)])

        def proof(pos: int) -> tuple[bytes, ...]:
            out = []
            for level in levels[:-1]:
                if pos ^ 1 < len(level):
                    out.append(level[pos ^ 1])
                pos //= 2
            return tuple(out)

        reveals = tuple(
            GoldReveal(i, self.answers[i], self.salts[i], proof(i)) for i in sorted(self.answers)
        )
        return GoldOpening(self.batch, len(self.commitments), self.root, reveals)

    def to_json(self) -> str:
        return json.dumps(
            {
                "batch": str(self.batch),
                "commitments": [c.hex() for c in self.commitments],
                "answers": {str(i): a.hex() for i, a in self.answers.items()},
                "salts": {str(i): s.hex() for i, s in self.salts.items()},
            }
        )

    @classmethod
    def from_json(cls, text: str) -> GoldSet:
        d: dict[str, Any] = json.loads(text)
        return cls(
            Pubkey.from_string(d["batch"]),
            tuple(bytes.fromhex(c) for c in d["commitments"]),
            {int(i): bytes.fromhex(a) for i, a in d["answers"].items()},
            {int(i): bytes.fromhex(s) for i, s in d["salts"].items()},
        )


def with_gold_root(instructions: bytes, root: bytes) -> bytes:
    if gold_root_in(instructions) is not None:
        raise ValueError("these instructions already name a gold root")
    sep = b"" if not instructions or instructions.endswith(b"\n") else b"\n"
    return instructions + sep + b"amplify-gold-root: " + root.hex().encode() + b"\n"


def gold_root_in(instructions: bytes) -> bytes | None:
    found = ROOT_LINE.findall(instructions)
    if len(found) > 1:
        raise GoldMismatchError("the instructions name more than one gold root")
    return bytes.fromhex(found[0].decode()) if found else None


__all__ = [
    "GoldMismatchError",
    "GoldOpening",
    "GoldReveal",
    "GoldSet",
    "gold_commitment",
    "gold_root_in",
    "verify_reveal",
    "with_gold_root",
]
