"""`LocalNode`: the chain with the programs it is given, the HTTP JSON-RPC
server on PORT and the PubSub websocket server on PORT+1, and the task that
produces a slot every 400 ms."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from aiohttp import web
from solders.keypair import Keypair

from . import ledger as ledger_state
from . import methods_block, methods_state, methods_tx, tokens  # noqa: F401 -- the RPC methods
from .chain import CONFIRMATION_LAG, FINALIZATION_LAG, SLOT_SECONDS, Chain
from .faults import Faults
from .history import DEFAULT_CAPACITY
from .http import RpcHttpServer
from .programs import Program, load_keypair
from .pubsub import PubSubServer
from .registry import Context

log = logging.getLogger("localnet")

DEFAULT_PORT = 8899
DEFAULT_LEDGER = Path(".localnet-ledger")
KEYPAIR_FILE = "authority.json"


def save_keypair(keypair: Keypair, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(bytes(keypair))))
    path.chmod(0o600)


def default_keypair(keypair_path: Path | None, ledger: Path | None) -> Keypair:
    """From `keypair_path`, else the ledger's saved one, else a new one saved there."""
    if keypair_path is not None:
        return load_keypair(keypair_path)
    if ledger is None:
        return Keypair()
    path = ledger / KEYPAIR_FILE
    if path.exists():
        return load_keypair(path)
    keypair = Keypair()
    save_keypair(keypair, path)
    return keypair


class LocalNode:
    """A local node; `await node.start()` binds, `await node.stop()` closes.

    `programs` are loaded at genesis (none: the builtins only); `keypair` is
    the default keypair, funded (a new one when not given).
    `rpc_port=0` picks a free pair of ports (RPC and RPC+1), for tests.
    `faults=True` enables the TEST-ONLY fault injection (`node.faults`).
    """

    def __init__(
        self,
        *,
        rpc_port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        programs: Sequence[Program] = (),
        keypair: Keypair | None = None,
        faults: bool = False,
        history_capacity: int = DEFAULT_CAPACITY,
        slot_seconds: float = SLOT_SECONDS,
        confirmation_lag: int = CONFIRMATION_LAG,
        finalization_lag: int = FINALIZATION_LAG,
    ) -> None:
        self.host = host
        self.requested_port = rpc_port
        self.port = rpc_port
        self.authority = keypair or Keypair()
        self.programs = tuple(programs)
        self.chain = Chain(
            authority=self.authority,
            programs=self.programs,
            history_capacity=history_capacity,
            slot_seconds=slot_seconds,
            confirmation_lag=confirmation_lag,
            finalization_lag=finalization_lag,
        )
        self.faults = Faults()
        self.faults_enabled = faults
        self.ctx = Context(self.chain, self.faults)
        self.pubsub = PubSubServer(self.ctx, faults_enabled=faults)
        self.http = RpcHttpServer(
            self.ctx, faults_enabled=faults, on_fault_action=self._fault_action
        )
        self._runners: list[web.AppRunner] = []
        self._ticker: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port + 1}"

    async def start(self) -> None:
        for attempt in range(20):
            port = self.requested_port or _free_port(self.host)
            try:
                await self._bind(port)
            except OSError:
                await self._close_runners()
                if self.requested_port or attempt == 19:
                    raise
                continue
            self.port = port
            break
        self._ticker = asyncio.create_task(self._tick_forever())

    async def _bind(self, port: int) -> None:
        for app, p in ((self.http.app(), port), (self.pubsub.app(), port + 1)):
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            self._runners.append(runner)
            site = web.TCPSite(runner, self.host, p, backlog=1024, reuse_address=True)
            await site.start()

    async def _close_runners(self) -> None:
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.pubsub.disconnect_all()
        await self._close_runners()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _tick_forever(self) -> None:
        chain = self.chain
        while True:
            try:
                chain.tick()
            except Exception:  # a slot must never stop the clock
                log.exception("slot tick failed")
            # Sleep to the next slot boundary, so slots follow the wall clock.
            next_start = chain.start_time + (chain.slot + 1) * chain.slot_seconds
            await asyncio.sleep(max(0.0, next_start - time.time()) + 0.001)

    async def _fault_action(self, action: str) -> None:
        """TEST-ONLY actions of the admin endpoint."""
        if action == "disconnect_websockets":
            await self.pubsub.disconnect_all()
        elif action == "expire_blockhashes":
            self.chain.expire(self.chain.latest_blockhash)
        else:
            raise ValueError(f"unknown action {action!r}")


def _free_port(host: str) -> int:
    # The OS picks a free port for RPC; PORT+1 is then tried for PubSub and the
    # pair re-picked if that one is taken.
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
    return port if port < 65535 else _free_port(host)


async def serve(
    *,
    rpc_port: int = DEFAULT_PORT,
    programs: Sequence[Program] = (),
    ledger: Path | None = DEFAULT_LEDGER,
    keypair_path: Path | None = None,
    faults: bool = False,
    reset: bool = False,
) -> None:
    """Run a node until cancelled or sent SIGTERM (the `python -m localnet`
    entry point). With a `ledger`, the chain saved there when a node last
    stopped is restored (unless `reset`), and saved there again on stop."""
    keypair = default_keypair(keypair_path, ledger)
    node = LocalNode(rpc_port=rpc_port, programs=programs, keypair=keypair, faults=faults)
    restored = None
    if ledger is not None and not reset:
        restored = ledger_state.restore(node.chain, ledger)
    await node.start()
    print(f"RPC URL:        {node.url}", flush=True)
    print(f"WebSocket URL:  {node.ws_url}", flush=True)
    print(f"Authority:      {node.authority.pubkey()}", flush=True)
    for program in node.programs:
        authority = program.upgrade_authority if program.upgradeable else "none"
        print(f"Program:        {program.address} (upgrade authority: {authority})", flush=True)
    if ledger is not None:
        what = (
            "restored slot {slot}, {accounts} accounts, {transactions} transactions".format(
                **restored
            )
            if restored is not None
            else "a new chain"
        )
        print(f"Ledger:         {ledger} ({what})", flush=True)
    if faults:
        print("TEST-ONLY fault injection enabled (POST /_localnet/faults)", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SIGTERM (what process managers and tests send) stops as Ctrl-C does,
    # so the chain is saved either way.
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    try:
        await stopping.wait()
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        await node.stop()
        if ledger is not None:
            ledger_state.save(node.chain, ledger)
