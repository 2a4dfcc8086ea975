"""Content commitments: Merkle roots and proofs, written against the spec in
docs/protocol.md with an independent reference implementation (RFC 6962's
recursive definition) rather than the SDK's level-by-level one; the manifest
and item-proof documents (amplify_sdk/storage/_manifest_doc.py) checked
against a real batch on chain."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amplify_sdk import Upload
from amplify_sdk.errors import ManifestMismatchError
from amplify_sdk.protocol import manifest_hash, merkle_proof, merkle_root, verify_proof
from amplify_sdk.storage import BatchManifest, ItemProof
from market import Market, item_hashes


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


@given(st.integers(0, 1_000), hash_lists, st.data())
def test_a_lengthened_proof_fails(start: int, hashes: list[bytes], data: st.DataObject) -> None:
    # Bug class: a proof checked only as far as the verifier reads it. A
    # proof holds exactly one hash per level where the item's node has a
    # sibling (none at all for a single item); one hash more, anywhere (an
    # honest-looking copy of a sibling, the root itself, zeros), fails.
    root = merkle_root(start, hashes)
    i = data.draw(st.integers(0, len(hashes) - 1))
    proof = merkle_proof(start, hashes, start + i)
    extra = data.draw(st.sampled_from([bytes(32), root, *proof]))
    at = data.draw(st.integers(0, len(proof)))
    longer = [*proof[:at], extra, *proof[at:]]
    assert not verify_proof(start + i, hashes[i], start, len(hashes), longer, root)
    if proof:
        doubled = [*proof, *proof]
        assert not verify_proof(start + i, hashes[i], start, len(hashes), doubled, root)


def test_a_lengthened_proof_fails_at_every_width() -> None:
    # The same, exhaustively over small uploads: each width, each item, one
    # hash appended (the case a verifier that stops reading lets through).
    for n in range(1, 18):
        hashes = item_hashes(n)
        root = merkle_root(5, hashes)
        for i in range(n):
            proof = merkle_proof(5, hashes, 5 + i)
            assert verify_proof(5 + i, hashes[i], 5, n, proof, root)
            for extra in (bytes(32), root):
                assert not verify_proof(5 + i, hashes[i], 5, n, [*proof, extra], root), (n, i)


def test_manifest_hash_chains_uploads() -> None:
    a, b = Upload(0, 3, b"\x01" * 32), Upload(3, 2, b"\x02" * 32)
    step1 = sha(bytes(32) + (0).to_bytes(4, "little") + (3).to_bytes(4, "little") + a.root)
    step2 = sha(step1 + (3).to_bytes(4, "little") + (2).to_bytes(4, "little") + b.root)
    assert manifest_hash([a, b]) == step2
    assert manifest_hash([]) == bytes(32)


# -- the documents in storage, against a batch on chain ------------------------------


async def test_an_item_proof_holds_only_against_the_batch_that_committed_it(
    market: Market,
) -> None:
    # Bug class: a proof checked against the roots it carries rather than
    # the batch's manifest_hash. A host (or a forged proof document) makes up
    # an upload list of its own: the item's content hash sits under a
    # consistent root, but the chain never committed that root.
    hashes = item_hashes(6)
    b = await market.batch(n_items=0)
    await market.requester.add_tasks(b.address, hashes[:4])
    uploads = await market.requester.add_tasks(
        b.address, hashes, uploads=[Upload(0, 4, merkle_root(0, hashes[:4]))]
    )
    b = await market.requester.get_batch(b.address)
    assert manifest_hash(uploads) == b.manifest_hash  # the spec's chain, the program's
    manifest = BatchManifest(b.address, tuple(uploads), tuple(hashes))
    manifest.verify(b)
    for item in range(6):
        manifest.proof(item).verify(b)
    honest = manifest.proof(5)
    assert ItemProof.from_json(honest.to_json()) == honest

    fake = hashlib.sha256(b"not the item").digest()
    forged_hashes = [*hashes[:5], fake]
    forged_uploads = (uploads[0], Upload(4, 2, merkle_root(4, forged_hashes[4:])))
    forged = ItemProof(
        b.address, 5, fake, forged_uploads, tuple(merkle_proof(4, forged_hashes[4:], 5))
    )
    # The forgery is self-consistent: only the chain's manifest_hash tells.
    assert verify_proof(5, fake, 4, 2, forged.proof, forged_uploads[1].root)
    with pytest.raises(ManifestMismatchError, match="chain to"):
        forged.verify(b)
    # The honest upload list with a wrong hash, or another item's proof, fails too.
    for bad in (
        dataclasses.replace(honest, content_hash=fake),
        dataclasses.replace(honest, proof=manifest.proof(4).proof),
        dataclasses.replace(honest, item=4),
    ):
        with pytest.raises(ManifestMismatchError, match="not the one the batch committed"):
            bad.verify(b)
    # Against another batch: refused by address, and by chain.
    other = await market.batch(n_items=6)
    with pytest.raises(ManifestMismatchError, match="not"):
        honest.verify(other)
    with pytest.raises(ManifestMismatchError, match="chain to"):
        dataclasses.replace(honest, batch=other.address).verify(other)
    # A whole manifest forged the same way is refused too.
    with pytest.raises(ManifestMismatchError, match="chain to"):
        BatchManifest(b.address, forged_uploads, tuple(forged_hashes)).verify(b)
