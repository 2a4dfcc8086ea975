"""Content commitments: how items are committed on chain without storing them.

An upload of `count` items starting at item `start` commits to the items'
content hashes (sha256 of each item's data) with one Merkle root, and the batch
chains every upload into `manifest_hash`:

    leaf(i, h)   = sha256(0x00 || i as u64 LE || h)      i: the item's index
    node(l, r)   = sha256(0x01 || l || r)
    root         = the RFC 6962 Merkle tree hash of the upload's leaves
                   (an odd node at the end of a level moves up unchanged)
    chain(prev)  = sha256(prev || start u32 LE || count u32 LE || root)

starting from 32 zero bytes. The leaf binds the item's index, so a content hash
cannot be claimed for another item; the 0x00/0x01 prefixes keep leaves and
inner nodes apart. A client holding the upload list (the manifest, kept in
storage beside the items) recomputes the chain and compares it with the
batch's `manifest_hash`; then any item checks against its upload's root with a
proof of log2(count) hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

ZERO_HASH = bytes(32)


def leaf_hash(index: int, content_hash: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + index.to_bytes(8, "little") + content_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        prev = levels[-1]
        nxt = [node_hash(prev[i], prev[i + 1]) for i in range(0, len(prev) - 1, 2)]
        if len(prev) % 2:
            nxt.append(prev[-1])
        levels.append(nxt)
    return levels


def merkle_root(start: int, content_hashes: Sequence[bytes]) -> bytes:
    """Root over items `start, start+1, ...` with these content hashes."""
    if not content_hashes:
        raise ValueError("an upload has at least one item")
    return _levels([leaf_hash(start + i, h) for i, h in enumerate(content_hashes)])[-1][0]


def merkle_proof(start: int, content_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Sibling hashes from item `index`'s leaf up to the root (a level where the
    node has no sibling contributes nothing)."""
    levels = _levels([leaf_hash(start + i, h) for i, h in enumerate(content_hashes)])
    pos = index - start
    if not 0 <= pos < len(content_hashes):
        raise IndexError(f"item {index} is not in this upload")
    proof = []
    for level in levels[:-1]:
        sibling = pos ^ 1
        if sibling < len(level):
            proof.append(level[sibling])
        pos //= 2
    return proof


def verify_proof(
    index: int, content_hash: bytes, start: int, count: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `content_hash` is item `index` of the upload (start, count, root)."""
    if not start <= index < start + count:
        return False
    node = leaf_hash(index, content_hash)
    pos, width, it = index - start, count, iter(proof)
    while width > 1:
        sibling = pos ^ 1
        if sibling < width:
            other = next(it, None)
            if other is None:
                return False
            node = node_hash(node, other) if pos % 2 == 0 else node_hash(other, node)
        pos, width = pos // 2, (width + 1) // 2
    return next(it, None) is None and node == root


def chain_hash(prev: bytes, start: int, count: int, root: bytes) -> bytes:
    return hashlib.sha256(
        prev + start.to_bytes(4, "little") + count.to_bytes(4, "little") + root
    ).digest()


@dataclass(frozen=True)
class Upload:
    """One `add_tasks`: items `start .. start + count`, committed by `root`."""

    start: int
    count: int
    root: bytes


def manifest_hash(uploads: Sequence[Upload]) -> bytes:
    """The batch's `manifest_hash` after these uploads, in order."""
    h = ZERO_HASH
    expected = 0
    for u in uploads:
        if u.start != expected:
            raise ValueError(f"upload at {u.start} does not follow item {expected}")
        h = chain_hash(h, u.start, u.count, u.root)
        expected += u.count
    return h
