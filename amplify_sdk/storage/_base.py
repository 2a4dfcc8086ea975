"""The storage interface every adapter implements, and its errors.

Items are content-addressed: a blob's commitment is its sha256 (the
`content_hash` the chain commits to, through the batch's Merkle roots), and
every read checks the bytes against it before returning them. Where a
store's addresses are `base + hex(content_hash)` (local directory, plain
HTTP), a hash alone locates a blob; IPFS and Arweave give their own
locators (`ipfs://<cid>`, `ar://<tx-id>`), which the manifest records.

Besides blobs, a store keeps a few *named* documents (a batch's manifest, item
proofs). Names are not commitments: what is read under a name is checked
against chain data by its reader (`BatchManifest.verify`), never trusted.
"""

from __future__ import annotations

import asyncio
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from ..protocol._exceptions import AmplifyError

#: Uploads in flight at once in `put_many`.
DEFAULT_CONCURRENCY = 8


class StorageError(AmplifyError):
    """The store failed, refused, or does not hold what was asked."""


class BlobNotFoundError(StorageError):
    """The store has no blob (or document) at that address."""


class ContentMismatchError(StorageError):
    """Fetched bytes do not match their commitment (sha256 content hash, or the
    IPFS CID they were stored under): tampered, truncated or swapped."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def check_content(content_hash: bytes, data: bytes, where: str) -> bytes:
    """`data` if its sha256 is `content_hash`, else `ContentMismatchError`."""
    got = sha256(data)
    if got != content_hash:
        raise ContentMismatchError(
            f"{where}: content hash {got.hex()} differs from the committed {content_hash.hex()}"
        )
    return data


class Store(ABC):
    """A content-addressed blob store with a few named documents.

    `put` returns the blob's URI (its locator); `get` returns the bytes only
    once they match `content_hash`. `put_many` uploads concurrently and skips
    what the store already holds, so an interrupted upload resumes.
    """

    @abstractmethod
    def locate(self, data: bytes) -> str:
        """The URI `put(data)` stores `data` under, computed without I/O."""

    @abstractmethod
    def uri_of(self, content_hash: bytes) -> str:
        """The URI of a blob known only by its hash (`StorageError` for stores
        whose addresses do not derive from the hash)."""

    @abstractmethod
    async def put(self, data: bytes) -> str:
        """Store `data`; its URI."""

    @abstractmethod
    async def _fetch(self, uri: str) -> bytes:
        """The raw bytes at `uri` (unchecked)."""

    @abstractmethod
    async def has(self, uri: str) -> bool:
        """Whether the store already holds the blob at `uri`."""

    @abstractmethod
    async def put_named(self, name: str, data: bytes) -> str:
        """Store (or replace) the document `name`; its URI."""

    @abstractmethod
    async def get_named(self, name: str) -> bytes:
        """The document `name` (`BlobNotFoundError` if absent)."""

    async def get(self, content_hash: bytes, uri: str | None = None) -> bytes:
        """The blob committed by `content_hash`, checked against it (and, by
        stores that address by another commitment, against that too)."""
        where = uri or self.uri_of(content_hash)
        data = await self._fetch(where)
        self._check_locator(where, data)
        return check_content(content_hash, data, where)

    def _check_locator(self, uri: str, data: bytes) -> None:
        """Stores whose locator is itself a commitment (a CID) check it here."""
        del uri, data

    async def put_many(
        self, blobs: Sequence[bytes], *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> list[str]:
        """Store every blob, at most `concurrency` at a time; a blob the store
        already holds is not sent again. URIs in the order given."""
        gate = asyncio.Semaphore(concurrency)

        async def one(data: bytes) -> str:
            async with gate:
                uri = self.locate(data)
                if await self.has(uri):
                    return uri
                stored = await self.put(data)
                if stored != uri:
                    raise StorageError(f"the store put a blob at {stored}, expected {uri}")
                return stored

        return list(await asyncio.gather(*(one(b) for b in blobs)))

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
