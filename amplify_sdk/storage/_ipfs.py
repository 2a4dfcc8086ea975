"""IPFS: a Kubo node's RPC API (`/api/v0/add`, `/api/v0/cat`, pins, and MFS
for named documents) and read-only gateways (`GET /ipfs/<cid>`).

Blobs are added so that their CID is computable locally (`_cid`), and every
read is checked twice: the bytes must hash to the CID asked for and to the
item's content hash. A gateway is therefore as trustworthy as the node.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx2

from ._base import BlobNotFoundError, ContentMismatchError, StorageError, Store
from ._cid import ADD_PARAMS, compute_cid, raw_cid
from ._http import TIMEOUT, _client, http_get

#: MFS folder of the named documents.
MFS_ROOT = "/amplify"


def cid_of(uri: str) -> str:
    if not uri.startswith("ipfs://"):
        raise StorageError(f"{uri} is not an ipfs:// URI")
    return uri.removeprefix("ipfs://").split("/", 1)[0]


class _Ipfs(Store):
    """What both IPFS adapters share: locators and the CID check."""

    def locate(self, data: bytes) -> str:
        return "ipfs://" + compute_cid(data)

    def uri_of(self, content_hash: bytes) -> str:
        # Exact for one-chunk blobs (≤ 1 MiB); larger ones need their
        # manifest URI, since a chunked file's CID is not its content hash.
        return "ipfs://" + raw_cid(content_hash)

    def _check_locator(self, uri: str, data: bytes) -> None:
        got = compute_cid(data)
        if got != cid_of(uri):
            raise ContentMismatchError(f"{uri}: the bytes served have CID {got}")


class IpfsStore(_Ipfs):
    """A Kubo node's RPC API at `api_url` (e.g. `http://127.0.0.1:5001`)."""

    def __init__(
        self,
        api_url: str,
        *,
        timeout: float = TIMEOUT,
        client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.api = api_url.rstrip("/") + "/api/v0/"
        self._own = client is None
        self.client = _client(timeout, client)

    async def _rpc(
        self,
        command: str,
        params: Mapping[str, str],
        data: bytes | None = None,
    ) -> httpx2.Response:
        files = {"file": ("blob", data, "application/octet-stream")} if data is not None else None
        try:
            resp = await self.client.post(self.api + command, params=dict(params), files=files)
        except httpx2.HTTPError as e:
            raise StorageError(f"ipfs {command}: {e}") from e
        if resp.status_code != 200:
            message = _error_message(resp)
            if "not pinned" in message or "does not exist" in message or "not found" in message:
                raise BlobNotFoundError(f"ipfs {command} {dict(params)}: {message}")
            raise StorageError(f"ipfs {command}: HTTP {resp.status_code}: {message}")
        return resp

    async def put(self, data: bytes) -> str:
        resp = await self._rpc("add", ADD_PARAMS, data)
        # One JSON object per line (progress, then the file); the last names it.
        lines = [json.loads(line) for line in resp.text.splitlines() if line.strip()]
        if not lines or "Hash" not in lines[-1]:
            raise StorageError(f"ipfs add: unexpected answer {resp.text[:200]!r}")
        uri = "ipfs://" + str(lines[-1]["Hash"])
        if uri != self.locate(data):
            raise StorageError(f"ipfs add returned {uri}, expected {self.locate(data)}")
        return uri

    async def _fetch(self, uri: str) -> bytes:
        return (await self._rpc("cat", {"arg": cid_of(uri)})).content

    async def has(self, uri: str) -> bool:
        try:
            await self._rpc("pin/ls", {"arg": cid_of(uri), "type": "recursive"})
        except BlobNotFoundError:
            return False
        return True

    async def put_named(self, name: str, data: bytes) -> str:
        path = f"{MFS_ROOT}/{name}"
        params = {"arg": path, "create": "true", "parents": "true", "truncate": "true"}
        await self._rpc("files/write", params, data)
        return "ipfs-mfs://" + path

    async def get_named(self, name: str) -> bytes:
        return (await self._rpc("files/read", {"arg": f"{MFS_ROOT}/{name}"})).content

    async def close(self) -> None:
        if self._own:
            await self.client.aclose()


class IpfsGatewayStore(_Ipfs):
    """Reads through an HTTP gateway (`GET <gateway>/ipfs/<cid>`); read-only.
    Named documents are found through `names` (name → CID)."""

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

    async def put(self, data: bytes) -> str:
        raise StorageError("a gateway is read-only: add through a node (IpfsStore)")

    async def _fetch(self, uri: str) -> bytes:
        return await http_get(self.client, f"{self.gateway}/ipfs/{cid_of(uri)}")

    async def has(self, uri: str) -> bool:
        try:
            resp = await self.client.head(f"{self.gateway}/ipfs/{cid_of(uri)}")
        except httpx2.HTTPError as e:
            raise StorageError(f"HEAD {uri}: {e}") from e
        return resp.status_code == 200

    async def put_named(self, name: str, data: bytes) -> str:
        raise StorageError("a gateway is read-only")

    async def get_named(self, name: str) -> bytes:
        cid = self.names.get(name)
        if cid is None:
            raise BlobNotFoundError(f"no CID is known for {name!r}")
        return await self._fetch("ipfs://" + cid)

    async def close(self) -> None:
        if self._own:
            await self.client.aclose()


def _error_message(resp: httpx2.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200]
    return str(body.get("Message", body)) if isinstance(body, dict) else str(body)
