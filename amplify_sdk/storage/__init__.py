"""Storage adapters for item blobs, manifests and proofs.

    store = LocalStore("items/")                      # or HttpStore, IpfsStore, ...
    uris = await store.put_many(blobs)                # concurrent, resumable
    data = await store.get(content_hash, uris[0])     # checked: ContentMismatchError

Every adapter implements `Store`; every read is checked against its
commitment before it is returned.
"""

from ._base import (
    DEFAULT_CONCURRENCY,
    BlobNotFoundError,
    ContentMismatchError,
    StorageError,
    Store,
    check_content,
)
from ._cid import ADD_PARAMS, CHUNK_SIZE, compute_cid, raw_cid
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

__all__ = [
    "ADD_PARAMS",
    "CHUNK_SIZE",
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
