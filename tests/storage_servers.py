"""Real storage servers on 127.0.0.1 for the storage tests: a plain HTTP
bucket (GET/PUT/HEAD), an Arweave-style gateway, a stand-in for Kubo's RPC
API and gateway, and a real Kubo daemon (offline) when it is installed
(`scripts/install-kubo.sh`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from amplify_sdk.storage import compute_cid
from ports import free_port

KUBO = Path(os.environ.get("AMPLIFY_TOOLS", Path.home() / ".local/share/amplify-toolchain"))
KUBO_BIN = KUBO / "bin" / "ipfs"


class Server:
    """An aiohttp app on a free loopback port; `blobs` is its whole state, so a
    test can tamper with what it serves."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        @web.middleware
        async def record(request: web.Request, handler):  # type: ignore[no-untyped-def]
            self.requests.append((request.method, request.path))
            return await handler(request)

        self.app.middlewares.append(record)
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


class HttpBucket(Server):
    """PUT stores the body at the path; GET and HEAD serve it."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.in_flight = self.peak = 0
        self.app.router.add_route("*", "/{path:.*}", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        if request.method == "PUT":
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                self.blobs[path] = await request.read()
                await asyncio.sleep(self.delay)
            finally:
                self.in_flight -= 1
            return web.Response(status=201)
        if request.method in ("GET", "HEAD"):
            if path not in self.blobs:
                return web.Response(status=404)
            return web.Response(body=self.blobs[path])
        return web.Response(status=405)


class ArweaveGateway(Server):
    """`GET /<tx-id>` serves what a test placed under that id."""

    def __init__(self) -> None:
        super().__init__()
        self.app.router.add_get("/{tx}", self.get)

    async def get(self, request: web.Request) -> web.Response:
        tx = request.match_info["tx"]
        if tx not in self.blobs:
            return web.Response(status=404)
        return web.Response(body=self.blobs[tx])


class KuboStandIn(Server):
    """The part of Kubo's RPC API and gateway the adapter uses: `add`, `cat`,
    `pin/ls`, `files/write`, `files/read`, `GET /ipfs/<cid>`. CIDs come from
    `compute_cid`, which the real-Kubo test checks against Kubo itself."""

    def __init__(self) -> None:
        super().__init__()
        self.mfs: dict[str, bytes] = {}
        r = self.app.router
        r.add_post("/api/v0/add", self.add)
        r.add_post("/api/v0/cat", self.cat)
        r.add_post("/api/v0/pin/ls", self.pin_ls)
        r.add_post("/api/v0/files/write", self.files_write)
        r.add_post("/api/v0/files/read", self.files_read)
        r.add_get("/ipfs/{cid}", self.gateway)

    @staticmethod
    async def _file(request: web.Request) -> bytes:
        reader = await request.multipart()
        part = await reader.next()
        assert part is not None and not isinstance(part, type(reader))
        return bytes(await part.read())  # type: ignore[union-attr]

    @staticmethod
    def _error(message: str) -> web.Response:
        body = {"Message": message, "Code": 0, "Type": "error"}
        return web.json_response(body, status=500)

    async def add(self, request: web.Request) -> web.Response:
        assert request.query.get("cid-version") == "1"
        data = await self._file(request)
        cid = compute_cid(data)
        self.blobs[cid] = data
        return web.Response(text=json.dumps({"Name": "blob", "Hash": cid, "Size": str(len(data))}))

    async def cat(self, request: web.Request) -> web.Response:
        cid = request.query["arg"]
        if cid not in self.blobs:
            return self._error(f"block was not found locally (offline): {cid}")
        return web.Response(body=self.blobs[cid])

    async def pin_ls(self, request: web.Request) -> web.Response:
        cid = request.query["arg"]
        if cid not in self.blobs:
            return self._error(f"path '{cid}' is not pinned")
        return web.json_response({"Keys": {cid: {"Type": "recursive"}}})

    async def files_write(self, request: web.Request) -> web.Response:
        self.mfs[request.query["arg"]] = await self._file(request)
        return web.Response()

    async def files_read(self, request: web.Request) -> web.Response:
        path = request.query["arg"]
        if path not in self.mfs:
            return self._error("file does not exist")
        return web.Response(body=self.mfs[path])

    async def gateway(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        if cid not in self.blobs:
            return web.Response(status=404)
        return web.Response(body=self.blobs[cid])


@contextlib.asynccontextmanager
async def running(server: Server) -> AsyncIterator[Server]:
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


class Kubo:
    """A real Kubo daemon, offline (no swarm, no bootstrap: it talks to
    nobody), API and gateway on free loopback ports."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.api_port, self.gateway_port = free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.gateway = f"http://127.0.0.1:{self.gateway_port}"
        self.env = {**os.environ, "IPFS_PATH": str(repo)}
        self.proc: asyncio.subprocess.Process | None = None

    async def _run(self, *args: str) -> None:
        proc = await asyncio.create_subprocess_exec(
            str(KUBO_BIN), *args, env=self.env, stdout=asyncio.subprocess.DEVNULL
        )
        assert await proc.wait() == 0, f"ipfs {' '.join(args)} failed"

    async def start(self) -> None:
        await self._run("init", "--profile", "test", "--empty-repo")
        config_path = self.repo / "config"
        config = json.loads(config_path.read_text())
        config["Addresses"]["API"] = f"/ip4/127.0.0.1/tcp/{self.api_port}"
        config["Addresses"]["Gateway"] = f"/ip4/127.0.0.1/tcp/{self.gateway_port}"
        config_path.write_text(json.dumps(config))
        self.proc = await asyncio.create_subprocess_exec(
            str(KUBO_BIN),
            "daemon",
            "--offline",
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert self.proc.stdout is not None
        async with asyncio.timeout(60):
            while True:
                line = await self.proc.stdout.readline()
                if not line:
                    raise RuntimeError("kubo daemon exited before it was ready")
                if b"Daemon is ready" in line:
                    break
        # Keep reading its output so a full pipe never blocks it.
        self._drain = asyncio.create_task(self._drain_output())

    async def _drain_output(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while await self.proc.stdout.readline():
            pass

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                async with asyncio.timeout(10):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
            self._drain.cancel()


def kubo_installed() -> bool:
    return KUBO_BIN.exists() and shutil.which(str(KUBO_BIN)) is not None
