"""A local directory: blobs at `<root>/<hex(content_hash)>`, documents under
`<root>/named/`. URIs are `file://` URLs, so `base_uri + hex(hash)` holds."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ._base import BlobNotFoundError, StorageError, Store, sha256

NAMED = "named"


class LocalStore(Store):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    @property
    def base_uri(self) -> str:
        return self.root.as_uri() + "/"

    def locate(self, data: bytes) -> str:
        return self.uri_of(sha256(data))

    def uri_of(self, content_hash: bytes) -> str:
        return self.base_uri + content_hash.hex()

    def _path(self, uri: str) -> Path:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise StorageError(f"{uri} is not a file URI")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(f"{uri} is outside the store at {self.root}")
        return path

    def _named(self, name: str) -> Path:
        path = (self.root / NAMED / name).resolve()
        if not path.is_relative_to(self.root / NAMED):
            raise StorageError(f"document name {name!r} leaves the store")
        return path

    async def put(self, data: bytes) -> str:
        uri = self.locate(data)
        await asyncio.to_thread(_write_atomic, self._path(uri), data)
        return uri

    async def _fetch(self, uri: str) -> bytes:
        return await asyncio.to_thread(_read, self._path(uri))

    async def has(self, uri: str) -> bool:
        return self._path(uri).is_file()

    async def put_named(self, name: str, data: bytes) -> str:
        path = self._named(name)
        await asyncio.to_thread(_write_atomic, path, data)
        return path.as_uri()

    async def get_named(self, name: str) -> bytes:
        return await asyncio.to_thread(_read, self._named(name))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise BlobNotFoundError(f"no blob at {path}") from e


def _write_atomic(path: Path, data: bytes) -> None:
    # A crash mid-write must not leave a truncated blob that `has` would count
    # as stored: write aside, then rename into place.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
