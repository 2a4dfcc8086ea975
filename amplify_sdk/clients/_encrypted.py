"""Encrypted batches end to end, one call per step.

Requester: `upload_encrypted` encrypts each item under its derived key,
stores the ciphertexts, commits their hashes (the hash of the *ciphertext*:
the chain and the storage host never see a plaintext hash, which would let
anyone test a guess) and saves the manifest.

Worker: accept → `receive_keys` (its sealed keys, found in chain data alone:
the `KeysDelivered` events of its own transaction history, or live logs) →
`fetch_items` (blob fetched, checked against the manifest the chain commits,
decrypted) → answer → `submit_results`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from nacl.public import PrivateKey
from solders.pubkey import Pubkey

from ..chain._backend import Event
from ..chain._history import events, uploads_from_history
from ..protocol._crypto import (
    decrypt_item,
    encrypt_item,
    item_key,
    open_sealed_key,
    synthetic_nonce,
)
from ..protocol._crypto import x25519_secret as wallet_x25519_secret
from ..protocol._exceptions import AmplifyError
from ..protocol._models import Batch
from ..protocol._program_errors import NotEncrypted
from ..storage import (
    DEFAULT_CONCURRENCY,
    BatchManifest,
    ItemProof,
    StorageError,
    Store,
    load_item_proof,
    save_manifest,
)
from ._client import AmplifyClient, Progress, content_hash

if TYPE_CHECKING:
    from ._requester import RequesterClient
    from ._worker import WorkerClient


class KeyNotFoundError(AmplifyError):
    """No key for these items has reached this worker in chain data (yet)."""

    def __init__(self, message: str, items: Sequence[int]) -> None:
        super().__init__(message)
        self.items = list(items)


def encrypt_items(batch: Pubkey, items: Sequence[bytes], master_key: bytes) -> list[bytes]:
    """Each item encrypted under its derived key, deterministically (synthetic
    nonces): the same items give the same blobs, so an upload can resume."""
    out = []
    for i, data in enumerate(items):
        key = item_key(master_key, batch, i)
        out.append(encrypt_item(key, batch, i, data, nonce=synthetic_nonce(key, data)))
    return out


async def upload_encrypted(
    client: RequesterClient,
    batch: Pubkey,
    items: Sequence[bytes],
    store: Store,
    master_key: bytes,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    proofs: bool = False,
    progress: Progress | None = None,
) -> BatchManifest:
    """Encrypt, store, commit and record `items` as the batch's items 0..n-1.

    Resumable at every step: blobs already stored are not sent again; items
    already committed are skipped (their upload list is read back from the
    batch's `TasksAdded` events and checked against the chain by `add_tasks`).
    """
    b = await client.get_batch(batch)
    if not b.encrypted:
        raise NotEncrypted()
    blobs = encrypt_items(batch, items, master_key)
    hashes = [content_hash(x) for x in blobs]
    uris = await store.put_many(blobs, concurrency=concurrency)
    done = await uploads_from_history(client.backend, batch) if b.item_count else []
    uploads = await client.add_tasks(batch, hashes, uploads=done, progress=progress)
    manifest = BatchManifest(
        batch, tuple(uploads), tuple(hashes), _locators(store, hashes, uris), encrypted=True
    )
    await save_manifest(store, manifest, proofs=proofs)
    return manifest


def _locators(store: Store, hashes: Sequence[bytes], uris: Sequence[str]) -> tuple[str, ...] | None:
    """URIs worth recording: none when every one derives from its hash."""
    try:
        if all(store.uri_of(h) == u for h, u in zip(hashes, uris, strict=True)):
            return None
    except StorageError:
        pass
    return tuple(uris)


def _keys_in(event: Event, batch: Pubkey, worker: Pubkey) -> Iterable[tuple[int, bytes]]:
    f = event.fields
    if event.name != "KeysDelivered" or f["batch"] != batch or f["worker"] != worker:
        return ()
    return zip((int(i) for i in f["items"]), (bytes(k) for k in f["sealed_keys"]), strict=True)


def _open_all(
    found: Mapping[int, bytes], secret: PrivateKey, wanted: Iterable[int]
) -> dict[int, bytes]:
    return {i: open_sealed_key(found[i], secret) for i in wanted if i in found}


async def sealed_keys(client: AmplifyClient, batch: Pubkey, worker: Pubkey) -> dict[int, bytes]:
    """Every sealed key delivered to `worker` in `batch`, from chain history
    alone (the worker is an account of `deliver_keys`, so its own history is
    the shortest that holds them). Newest delivery wins: a re-accepted item
    gets its key again, the same key sealed anew."""
    out: dict[int, bytes] = {}
    for found in await events(client.backend, worker, {"KeysDelivered"}):
        out.update(_keys_in(found.event, batch, worker))
    return out


async def receive_keys(
    client: WorkerClient,
    batch: Pubkey,
    items: Iterable[int],
    *,
    wait: float = 0.0,
    secret: PrivateKey | None = None,
) -> dict[int, bytes]:
    """The item keys of `items`, opened with this wallet's X25519 secret (or
    `secret`, for a worker that registered a separate key). Waits up to
    `wait` seconds for keys not yet delivered, following live logs;
    `KeyNotFoundError` names the items still without a key."""
    wanted = set(items)
    secret = secret or wallet_x25519_secret(client.wallet)
    # Subscribe before reading history, so a delivery landing in between is
    # seen by one or the other.
    sub = await client.backend.subscribe_logs([client.address]) if wait > 0 else None
    try:
        found = await sealed_keys(client, batch, client.address)
        keys = _open_all(found, secret, wanted)
        deadline = time.monotonic() + wait
        while sub is not None and wanted - keys.keys():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                notice = await asyncio.wait_for(anext(sub), left)
            except TimeoutError:
                break
            if notice.err is None:
                for e in notice.events:
                    new = dict(_keys_in(e, batch, client.address))
                    keys.update(_open_all(new, secret, wanted))
    finally:
        if sub is not None:
            await sub.close()
    missing = sorted(wanted - keys.keys())
    if missing:
        raise KeyNotFoundError(f"no key delivered for items {missing[:10]}", missing)
    return keys


async def fetch_items(
    client: WorkerClient,
    batch: Pubkey,
    items: Sequence[int],
    store: Store,
    *,
    wait: float = 0.0,
    secret: PrivateKey | None = None,
) -> list[bytes]:
    """The plaintexts of `items`, in order: key from chain data, blob from
    `store` checked against the chain's commitment (`ContentMismatchError`,
    `ManifestMismatchError`), then decrypted (`DecryptionError`: a blob moved
    from another item or batch does not open)."""
    b = await client.get_batch(batch)
    if not b.encrypted:
        raise NotEncrypted()
    keys = await receive_keys(client, batch, items, wait=wait, secret=secret)
    return [await _fetch_one(b, item, keys[item], store) for item in items]


async def _fetch_one(b: Batch, item: int, key: bytes, store: Store) -> bytes:
    proof: ItemProof = await load_item_proof(store, b, item)
    blob = await store.get(proof.content_hash, proof.uri)
    return decrypt_item(key, b.address, item, blob)
