"""A batch's manifest and item proofs as JSON documents in storage, and their
verification against chain data.

The manifest (uploads + every item's content hash, optionally each blob's
URI) is stored under a name, not a hash: its reader never trusts it, but
recomputes the batch's `manifest_hash` from the uploads and each upload's
Merkle root from the hashes, and compares them with the batch account. An
item proof is the part one worker needs: the uploads, its item's hash and the
log2(count) sibling hashes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

from ..protocol._exceptions import ManifestMismatchError
from ..protocol._manifest import Upload, manifest_hash, merkle_proof, merkle_root, verify_proof
from ..protocol._models import Batch
from ._base import BlobNotFoundError, StorageError, Store

VERSION = 1


def manifest_name(batch: Pubkey) -> str:
    """Where a batch's manifest is kept in its store."""
    return f"manifests/{batch}.json"


def proof_name(batch: Pubkey, item: int) -> str:
    """Where an item's Merkle proof is kept in its batch's store."""
    return f"proofs/{batch}/{item}.json"


def _uploads_json(uploads: Sequence[Upload]) -> list[dict[str, Any]]:
    return [{"start": u.start, "count": u.count, "root": u.root.hex()} for u in uploads]


def _uploads_from(raw: Any) -> tuple[Upload, ...]:
    return tuple(Upload(int(u["start"]), int(u["count"]), bytes.fromhex(u["root"])) for u in raw)


def _check_chain(batch: Batch, uploads: Sequence[Upload]) -> None:
    try:
        chained = manifest_hash(uploads)
    except ValueError as e:
        raise ManifestMismatchError(f"the upload list does not chain: {e}") from e
    if chained != batch.manifest_hash:
        raise ManifestMismatchError(
            f"uploads chain to {chained.hex()}, the batch commits {batch.manifest_hash.hex()}"
        )


@dataclass(frozen=True)
class ItemProof:
    """What proves item `item`'s content hash against the batch account."""

    batch: Pubkey
    item: int
    content_hash: bytes
    uploads: tuple[Upload, ...]
    proof: tuple[bytes, ...]
    uri: str | None = None

    def verify(self, batch: Batch) -> None:
        """`ManifestMismatchError` unless the chain commits this hash for this item."""
        if batch.address != self.batch:
            raise ManifestMismatchError(f"proof for batch {self.batch}, not {batch.address}")
        _check_chain(batch, self.uploads)
        for u in self.uploads:
            if u.start <= self.item < u.start + u.count:
                if verify_proof(self.item, self.content_hash, u.start, u.count, self.proof, u.root):
                    return
                break
        raise ManifestMismatchError(f"item {self.item}'s hash is not the one the batch committed")

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "version": VERSION,
                "batch": str(self.batch),
                "item": self.item,
                "content_hash": self.content_hash.hex(),
                "uploads": _uploads_json(self.uploads),
                "proof": [p.hex() for p in self.proof],
                "uri": self.uri,
            }
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> ItemProof:
        try:
            raw = json.loads(data)
            return cls(
                batch=Pubkey.from_string(raw["batch"]),
                item=int(raw["item"]),
                content_hash=bytes.fromhex(raw["content_hash"]),
                uploads=_uploads_from(raw["uploads"]),
                proof=tuple(bytes.fromhex(p) for p in raw["proof"]),
                uri=raw.get("uri"),
            )
        except (ValueError, KeyError, TypeError) as e:
            raise ManifestMismatchError(f"not an item proof: {e}") from e


@dataclass(frozen=True)
class BatchManifest:
    """Every upload of a batch and every item's content hash (for an
    encrypted batch, the hash of the ciphertext blob), with blob URIs when
    the store's addresses do not derive from the hash."""

    batch: Pubkey
    uploads: tuple[Upload, ...]
    content_hashes: tuple[bytes, ...]
    uris: tuple[str, ...] | None = None
    encrypted: bool = False

    def verify(self, batch: Batch) -> None:
        """`ManifestMismatchError` unless this is exactly what the chain commits."""
        if batch.address != self.batch:
            raise ManifestMismatchError(f"manifest of batch {self.batch}, not {batch.address}")
        _check_chain(batch, self.uploads)
        if len(self.content_hashes) != batch.item_count:
            raise ManifestMismatchError(
                f"{len(self.content_hashes)} hashes for a batch of {batch.item_count} items"
            )
        for u in self.uploads:
            if merkle_root(u.start, self.content_hashes[u.start : u.start + u.count]) != u.root:
                raise ManifestMismatchError(f"items {u.start}.. differ from those on chain")

    def uri(self, item: int) -> str | None:
        return self.uris[item] if self.uris is not None else None

    def proof(self, item: int) -> ItemProof:
        for u in self.uploads:
            if u.start <= item < u.start + u.count:
                hashes = self.content_hashes[u.start : u.start + u.count]
                return ItemProof(
                    self.batch,
                    item,
                    self.content_hashes[item],
                    self.uploads,
                    tuple(merkle_proof(u.start, hashes, item)),
                    self.uri(item),
                )
        raise IndexError(f"item {item} is in no upload of this manifest")

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "version": VERSION,
                "batch": str(self.batch),
                "encrypted": self.encrypted,
                "uploads": _uploads_json(self.uploads),
                "content_hashes": [h.hex() for h in self.content_hashes],
                "uris": list(self.uris) if self.uris is not None else None,
            }
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> BatchManifest:
        try:
            raw = json.loads(data)
            uris = raw.get("uris")
            return cls(
                batch=Pubkey.from_string(raw["batch"]),
                uploads=_uploads_from(raw["uploads"]),
                content_hashes=tuple(bytes.fromhex(h) for h in raw["content_hashes"]),
                uris=tuple(str(u) for u in uris) if uris is not None else None,
                encrypted=bool(raw.get("encrypted", False)),
            )
        except (ValueError, KeyError, TypeError) as e:
            raise ManifestMismatchError(f"not a batch manifest: {e}") from e


async def save_manifest(store: Store, manifest: BatchManifest, *, proofs: bool = False) -> str:
    """Store the manifest under its batch's name (and, with `proofs`, one
    proof document per item, for workers that should not fetch it all)."""
    uri = await store.put_named(manifest_name(manifest.batch), manifest.to_json())
    if proofs:
        gate = asyncio.Semaphore(8)

        async def one(item: int) -> None:
            async with gate:
                doc = manifest.proof(item).to_json()
                await store.put_named(proof_name(manifest.batch, item), doc)

        await asyncio.gather(*(one(i) for i in range(len(manifest.content_hashes))))
    return uri


async def load_manifest(store: Store, batch: Batch) -> BatchManifest:
    """The batch's manifest from `store`, verified against the batch account."""
    manifest = BatchManifest.from_json(await store.get_named(manifest_name(batch.address)))
    manifest.verify(batch)
    return manifest


async def load_item_proof(store: Store, batch: Batch, item: int) -> ItemProof:
    """Item `item`'s proof, verified against the batch account: its own proof
    document if the store has one, else derived from the manifest."""
    try:
        proof = ItemProof.from_json(await store.get_named(proof_name(batch.address, item)))
    except (BlobNotFoundError, StorageError):
        manifest = BatchManifest.from_json(await store.get_named(manifest_name(batch.address)))
        if not 0 <= item < len(manifest.content_hashes):
            raise ManifestMismatchError(f"the manifest has no item {item}") from None
        proof = manifest.proof(item)
    if proof.item != item:
        raise ManifestMismatchError(f"asked for item {item}'s proof, got item {proof.item}'s")
    proof.verify(batch)
    return proof
