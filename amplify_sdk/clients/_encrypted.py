"""Encrypted batches: the steps that need no client, only what they act on (a
backend, keys, a store). The role clients call them; nothing here knows a
client.

Requester (`RequesterClient.upload_encrypted`): `encrypt_items` encrypts each
item under its derived key; the client stores the ciphertexts, commits their
hashes (the hash of the *ciphertext*: the chain and the storage host never see
a plaintext hash, which would let anyone test a guess) and saves the manifest.

Plain batches store their items the same way, as they are
(`RequesterClient.upload_items`, `load_blob`): the chain commits each item's
hash, so a worker checks every blob it fetches.

Worker: accept → `receive_keys` (its sealed keys, found in chain data alone:
the `KeysDelivered` events of its own transaction history, or live logs) →
`open_item` (blob fetched, checked against the manifest the chain commits,
decrypted) → answer → `submit_results`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence

from nacl.public import PrivateKey
from solders.pubkey import Pubkey

from ..chain._backend import Backend, Event
from ..chain._history import events
from ..protocol._crypto import (
    decrypt_item,
    encrypt_item,
    item_key,
    open_sealed_key,
    synthetic_nonce,
)
from ..protocol._exceptions import AmplifyError
from ..protocol._models import Batch
from ..storage import (
    ItemProof,
    StorageError,
    Store,
    load_item_proof,
)


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


def locators(store: Store, hashes: Sequence[bytes], uris: Sequence[str]) -> tuple[str, ...] | None:
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


async def sealed_keys(backend: Backend, batch: Pubkey, worker: Pubkey) -> dict[int, bytes]:
    """Every sealed key delivered to `worker` in `batch`, from chain history
    alone (the worker is an account of `deliver_keys`, so its own history is
    the shortest that holds them). Newest delivery wins: a re-accepted item
    gets its key again, the same key sealed anew."""
    out: dict[int, bytes] = {}
    for found in await events(backend, worker, {"KeysDelivered"}):
        out.update(_keys_in(found.event, batch, worker))
    return out


async def receive_keys(
    backend: Backend,
    worker: Pubkey,
    secret: PrivateKey,
    batch: Pubkey,
    items: Iterable[int],
    *,
    wait: float = 0.0,
) -> dict[int, bytes]:
    """The item keys of `items` delivered to `worker`, opened with its X25519
    `secret`. Waits up to `wait` seconds for keys not yet delivered, following
    live logs; `KeyNotFoundError` names the items still without a key."""
    wanted = set(items)
    # Subscribe before reading history, so a delivery landing in between is
    # seen by one or the other.
    sub = await backend.subscribe_logs([worker]) if wait > 0 else None
    try:
        found = await sealed_keys(backend, batch, worker)
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
                    new = dict(_keys_in(e, batch, worker))
                    keys.update(_open_all(new, secret, wanted))
    finally:
        if sub is not None:
            await sub.close()
    missing = sorted(wanted - keys.keys())
    if missing:
        raise KeyNotFoundError(f"no key delivered for items {missing[:10]}", missing)
    return keys


async def load_blob(b: Batch, item: int, store: Store) -> bytes:
    """Item `item`'s blob from `store`, checked against the chain's
    commitment (`ContentMismatchError`, `ManifestMismatchError`): for a plain
    batch the item itself, for an encrypted one its ciphertext."""
    proof: ItemProof = await load_item_proof(store, b, item)
    return await store.get(proof.content_hash, proof.uri)


async def open_item(b: Batch, item: int, key: bytes, store: Store) -> bytes:
    """Item `item`'s plaintext: its blob (`load_blob`), decrypted with `key`
    (`DecryptionError`: a blob moved from another item or batch does not
    open)."""
    return decrypt_item(key, b.address, item, await load_blob(b, item, store))
