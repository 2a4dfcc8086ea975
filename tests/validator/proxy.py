"""A JSON-RPC proxy in front of a real validator that loses and delays what a
flaky network would: requests that never arrive, answers that never come
back, sends that arrive late, status queries that fail. The client under test
talks to the proxy; the validator is untouched."""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx2
from aiohttp import web
from solders.signature import Signature
from solders.transaction import VersionedTransaction

import ports


@dataclass
class NetworkFaults:
    #: The next N sendTransaction requests are lost on the way (not forwarded).
    lose_sends: int = 0
    #: The next N sendTransaction requests are forwarded, their answers lost.
    lose_send_answers: int = 0
    #: Every sendTransaction arrives this many seconds late (the client gets
    #: the answer after that delay).
    send_delay: float = 0.0
    #: Every copy of the first transaction sent is lost (its signature never
    #: reaches the validator); later transactions pass.
    lose_first_signature: bool = False
    first_signature: Signature | None = None
    #: The next N getSignatureStatuses calls fail with HTTP 503.
    fail_status_queries: int = 0
    #: What reached the validator: method -> count.
    forwarded: dict[str, int] = field(default_factory=dict)
    #: sendTransaction requests the proxy saw (forwarded or not).
    sends_seen: int = 0


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.faults = NetworkFaults()
        self.port = ports.free_port()
        self._runner: web.AppRunner | None = None
        self._http = httpx2.AsyncClient(timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self._http.aclose()

    @staticmethod
    def _drop(request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError

    def _first(self, doc: dict[str, Any]) -> bool:
        """Whether this send carries the first signature the proxy saw."""
        tx = VersionedTransaction.from_bytes(base64.b64decode(doc["params"][0]))
        if self.faults.first_signature is None:
            self.faults.first_signature = tx.signatures[0]
        return tx.signatures[0] == self.faults.first_signature

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            doc: Any = json.loads(body)
        except ValueError:
            doc = None
        method = doc.get("method") if isinstance(doc, dict) else None
        f = self.faults
        if method == "sendTransaction":
            f.sends_seen += 1
            if f.lose_first_signature and self._first(doc):
                return self._drop(request)
            if f.lose_sends > 0:
                f.lose_sends -= 1
                return self._drop(request)
            if f.send_delay:
                await asyncio.sleep(f.send_delay)
        if method == "getSignatureStatuses" and f.fail_status_queries > 0:
            f.fail_status_queries -= 1
            return web.Response(status=503, text="unavailable (test proxy)")
        resp = await self._http.post(
            self.upstream, content=body, headers={"Content-Type": "application/json"}
        )
        if isinstance(method, str):
            f.forwarded[method] = f.forwarded.get(method, 0) + 1
        if method == "sendTransaction" and f.lose_send_answers > 0:
            f.lose_send_answers -= 1
            return self._drop(request)
        return web.Response(
            body=resp.content, status=resp.status_code, content_type="application/json"
        )
