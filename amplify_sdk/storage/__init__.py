"""Storage adapters for item blobs, manifests and proofs.

    store = LocalStore("items/")                      # or HttpStore, IpfsStore, ...
    uris = await store.put_many(blobs)                # concurrent, resumable
    data = await store.get(content_hash, uris[0])     # checked: ContentMismatchError

Every adapter implements `Store`; every read is checked against its
commitment before it is returned.
"""

from . import _base
from ._base import (
    BlobNotFoundError,
    ContentMismatchError,
    StorageError,
    Store,
    check_content,
)
from ._cid import compute_cid, raw_cid
from ._http import ArweaveStore, HttpStore
from ._ipfs import IpfsGatewayStore, IpfsStore
from ._local import LocalStore
from ._manifest_doc import (
    BatchManifest,
    ItemProof,
    load_item_proof,
    load_manifest,
    manifest_name,
    proof_name,
    save_manifest,
)

# Re-bound here so the API reference carries its doc.
DEFAULT_CONCURRENCY = _base.DEFAULT_CONCURRENCY
"""Uploads in flight at once in `Store.put_many`."""

__all__ = [
    "DEFAULT_CONCURRENCY",
    "ArweaveStore",
    "BatchManifest",
    "BlobNotFoundError",
    "ContentMismatchError",
    "HttpStore",
    "IpfsGatewayStore",
    "IpfsStore",
    "ItemProof",
    "LocalStore",
    "StorageError",
    "Store",
    "check_content",
    "compute_cid",
    "load_item_proof",
    "load_manifest",
    "manifest_name",
    "proof_name",
    "raw_cid",
    "save_manifest",
]
