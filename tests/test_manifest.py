"""Content commitments: Merkle roots and proofs, written against the spec in
docs/protocol.md with an independent reference implementation (RFC 6962's
recursive definition) rather than the SDK's level-by-level one."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from amplify_sdk import Upload, manifest_hash, merkle_proof, merkle_root, verify_proof


def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def reference_root(start: int, hashes: list[bytes]) -> bytes:
    # RFC 6962: MTH(D) = leaf for one item; else split at the largest power of
    # two below n.
    if len(hashes) == 1:
        return sha(b"\x00" + start.to_bytes(8, "little") + hashes[0])
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    left = reference_root(start, hashes[:k])
    right = reference_root(start + k, hashes[k:])
    return sha(b"\x01" + left + right)


hash_lists = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40)


@given(st.integers(0, 10_000), hash_lists)
def test_root_matches_rfc6962(start: int, hashes: list[bytes]) -> None:
    assert merkle_root(start, hashes) == reference_root(start, hashes)


@given(st.integers(0, 1_000), hash_lists, st.data())
def test_every_item_proves_and_nothing_else_does(
    start: int, hashes: list[bytes], data: st.DataObject
) -> None:
    root = merkle_root(start, hashes)
    i = data.draw(st.integers(0, len(hashes) - 1))
    proof = merkle_proof(start, hashes, start + i)
    assert verify_proof(start + i, hashes[i], start, len(hashes), proof, root)
    # Another content, another index, or a trimmed proof fails.
    assert not verify_proof(start + i, sha(hashes[i]), start, len(hashes), proof, root)
    if len(hashes) > 1:
        # The leaf binds the index: the same content and proof at another index fail.
        j = (i + 1) % len(hashes)
        assert not verify_proof(start + j, hashes[i], start, len(hashes), proof, root)
        assert not verify_proof(start + i, hashes[i], start, len(hashes), proof[:-1], root)


def test_manifest_hash_chains_uploads() -> None:
    a, b = Upload(0, 3, b"\x01" * 32), Upload(3, 2, b"\x02" * 32)
    step1 = sha(bytes(32) + (0).to_bytes(4, "little") + (3).to_bytes(4, "little") + a.root)
    step2 = sha(step1 + (3).to_bytes(4, "little") + (2).to_bytes(4, "little") + b.root)
    assert manifest_hash([a, b]) == step2
    assert manifest_hash([]) == bytes(32)
