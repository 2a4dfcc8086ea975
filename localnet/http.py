"""The JSON-RPC 2.0 HTTP server (aiohttp): single and batch requests, the
error codes of the spec for anything malformed, and the test-only admin
endpoint for fault injection."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .errors import INTERNAL_ERROR, RpcError
from .registry import Context, call

JSON = Any
log = logging.getLogger("localnet.http")

FAULTS_PATH = "/_localnet/faults"
#: Batches past this size are refused, as providers do, to bound one request's work.
MAX_BATCH = 10_000


def _dumps(obj: JSON) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _error(err: RpcError, id_: JSON) -> dict[str, JSON]:
    return {"jsonrpc": "2.0", "error": err.to_json(), "id": id_}


@web.middleware
async def cors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Any origin may call the node, as a validator's RPC allows: web pages
    (front-ends on another origin) preflight their JSON POSTs, with web3.js's
    `solana-client` header."""
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=200)
        response.headers["Access-Control-Allow-Methods"] = "POST, GET, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "content-type"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    else:
        response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


class RpcHttpServer:
    def __init__(
        self,
        ctx: Context,
        *,
        faults_enabled: bool = False,
        on_fault_action: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.faults_enabled = faults_enabled
        self.on_fault_action = on_fault_action

    def app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024, middlewares=[cors])
        app.router.add_post("/", self.handle)
        app.router.add_get("/health", self.health)
        if self.faults_enabled:
            app.router.add_post(FAULTS_PATH, self.admin_faults)
        return app

    async def health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        faults = self.ctx.faults
        if self.faults_enabled and faults.take("http_429"):
            # TEST-ONLY: what rate-limited providers answer, body included.
            body = _error(RpcError(429, "Too many requests for a specific RPC call"), None)
            return web.Response(status=429, body=_dumps(body), content_type="application/json")
        if self.faults_enabled and faults.take("http_503"):
            return web.Response(status=503, text="Service Unavailable")
        raw = await request.read()
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return self._respond(_error(RpcError.parse_error(), None))
        dropped = False
        out: JSON
        if isinstance(payload, list):
            if not payload or len(payload) > MAX_BATCH:
                return self._respond(_error(RpcError.invalid_request(), None))
            out = []
            for item in payload:
                answer, drop = self._one(item)
                dropped |= drop
                if answer is not None:
                    out.append(answer)
            if not out:
                return web.Response(status=200)
        else:
            out, dropped = self._one(payload)
            if out is None:
                return web.Response(status=200)
        if self.faults_enabled and faults.delay_seconds > 0:
            await asyncio.sleep(faults.delay_seconds)
        if dropped:
            # TEST-ONLY: the transaction executed; the client never hears of it.
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        return self._respond(out)

    @staticmethod
    def _respond(body: JSON) -> web.Response:
        return web.Response(body=_dumps(body), content_type="application/json")

    def _one(self, item: JSON) -> tuple[dict[str, JSON] | None, bool]:
        """The answer to one request object (None for a notification) and whether
        its answer is to be dropped by fault injection."""
        if not isinstance(item, dict):
            return _error(RpcError.invalid_request(), None), False
        id_ = item.get("id")
        method = item.get("method")
        if (
            item.get("jsonrpc") != "2.0"
            or not isinstance(method, str)
            or not isinstance(id_, str | int | None)
            or isinstance(id_, bool)
        ):
            return _error(
                RpcError.invalid_request(), id_ if isinstance(id_, str | int) else None
            ), False
        try:
            result = call(self.ctx, method, item.get("params"))
        except RpcError as err:
            answer = _error(err, id_)
        except Exception:
            # A bug in a handler is the node's fault, not the client's: answer
            # -32603 instead of an HTTP 500 and keep serving.
            log.exception("internal error in %s", method)
            answer = _error(RpcError(INTERNAL_ERROR, "Internal error"), id_)
        else:
            answer = {"jsonrpc": "2.0", "result": result, "id": id_}
        drop = (
            self.faults_enabled
            and method == "sendTransaction"
            and self.ctx.faults.take("drop_send_responses")
        )
        return (answer if "id" in item else None), drop

    async def admin_faults(self, request: web.Request) -> web.Response:
        """TEST-ONLY. Body: {"set": {fault: n, ...}, "clear": bool, "action": name}."""
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("body must be an object")
            if body.get("clear"):
                self.ctx.faults.clear()
            self.ctx.faults.update(body.get("set") or {})
            action = body.get("action")
            if action is not None and self.on_fault_action is not None:
                await self.on_fault_action(str(action))
        except ValueError as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response(self.ctx.faults.to_json())
