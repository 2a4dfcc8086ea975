"""Plain HTTP storage (`GET`/`PUT`/`HEAD` at `base_url + hex(content_hash)`,
documents at `base_url + name`) and Arweave gateway reads
(`GET <gateway>/<tx-id>`)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx2

from ._base import BlobNotFoundError, StorageError, Store, sha256

TIMEOUT = 30.0


def _client(timeout: float, client: httpx2.AsyncClient | None) -> httpx2.AsyncClient:
    return client or httpx2.AsyncClient(timeout=timeout, follow_redirects=True)


async def http_get(client: httpx2.AsyncClient, url: str) -> bytes:
    try:
        resp = await client.get(url)
    except httpx2.HTTPError as e:
        raise StorageError(f"GET {url}: {e}") from e
    if resp.status_code == 404:
        raise BlobNotFoundError(f"GET {url}: 404")
    if resp.status_code >= 300:
        raise StorageError(f"GET {url}: HTTP {resp.status_code}")
    return resp.content


class HttpStore(Store):
    """Any server that answers `PUT` by storing the body at the path and `GET`
    by returning it (a WebDAV-ish bucket, nginx with dav, a presigned
    gateway). `base_url` ends with `/`; items live at `base_url + hex(hash)`,
    the batch's `base_uri` convention."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = TIMEOUT,
        headers: Mapping[str, str] | None = None,
        client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.headers = dict(headers or {})
        self._own = client is None
        self.client = _client(timeout, client)

    def locate(self, data: bytes) -> str:
        return self.uri_of(sha256(data))

    def uri_of(self, content_hash: bytes) -> str:
        return self.base_url + content_hash.hex()

    async def _put(self, url: str, data: bytes) -> None:
        try:
            resp = await self.client.put(url, content=data, headers=self.headers)
        except httpx2.HTTPError as e:
            raise StorageError(f"PUT {url}: {e}") from e
        if resp.status_code >= 300:
            raise StorageError(f"PUT {url}: HTTP {resp.status_code}")

    async def put(self, data: bytes) -> str:
        uri = self.locate(data)
        await self._put(uri, data)
        return uri

    async def _fetch(self, uri: str) -> bytes:
        return await http_get(self.client, uri)

    async def has(self, uri: str) -> bool:
        try:
            resp = await self.client.head(uri, headers=self.headers)
        except httpx2.HTTPError as e:
            raise StorageError(f"HEAD {uri}: {e}") from e
        return resp.status_code == 200

    async def put_named(self, name: str, data: bytes) -> str:
        url = self.base_url + name
        await self._put(url, data)
        return url

    async def get_named(self, name: str) -> bytes:
        return await http_get(self.client, self.base_url + name)

    async def close(self) -> None:
        if self._own:
            await self.client.aclose()


class ArweaveStore(Store):
    """Reads through an Arweave gateway: `GET <gateway>/<tx-id>`. Uploading
    to Arweave needs a funded wallet and a bundler, out of this SDK's scope:
    `put` refuses. A blob's locator is `ar://<tx-id>` (from the manifest);
    documents are found through `names` (name → tx-id)."""

    def __init__(
        self,
        gateway: str,
        *,
        names: Mapping[str, str] | None = None,
        timeout: float = TIMEOUT,
        client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.gateway = gateway.rstrip("/")
        self.names = dict(names or {})
        self._own = client is None
        self.client = _client(timeout, client)

    def _url(self, uri: str) -> str:
        if not uri.startswith("ar://"):
            raise StorageError(f"{uri} is not an ar:// locator")
        return f"{self.gateway}/{uri.removeprefix('ar://')}"

    def locate(self, data: bytes) -> str:
        raise StorageError("an Arweave transaction id is known only once uploaded")

    def uri_of(self, content_hash: bytes) -> str:
        raise StorageError("Arweave addresses by transaction id: pass the item's ar:// URI")

    async def put(self, data: bytes) -> str:
        raise StorageError("ArweaveStore reads through a gateway; upload with a bundler")

    async def _fetch(self, uri: str) -> bytes:
        return await http_get(self.client, self._url(uri))

    async def has(self, uri: str) -> bool:
        try:
            resp = await self.client.head(self._url(uri))
        except httpx2.HTTPError as e:
            raise StorageError(f"HEAD {uri}: {e}") from e
        return resp.status_code == 200

    async def put_named(self, name: str, data: bytes) -> str:
        raise StorageError("ArweaveStore is read-only")

    async def get_named(self, name: str) -> bytes:
        tx = self.names.get(name)
        if tx is None:
            raise BlobNotFoundError(f"no Arweave transaction is known for {name!r}")
        return await self._fetch(f"ar://{tx}")

    async def close(self) -> None:
        if self._own:
            await self.client.aclose()
