"""Fixtures of the third-party client tests: a real node on 127.0.0.1 (free
ports) per test, its upgrade authority, and the TypeScript package built from
the IDL once per session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from amplify_sdk import AdminClient
from amplify_sdk.chain._rpc import RpcBackend
from conftest import TEST_SLOT_SECONDS
from localnet import LocalNode
from rpc_backend import amplify_node

from .node_tools import ensure_installed, run_sync
from .web_tools import WEB, ensure_chromium

TS = Path(__file__).resolve().parent / "ts"


@pytest.fixture
async def node() -> AsyncIterator[LocalNode]:
    async with amplify_node(rpc_port=0, slot_seconds=TEST_SLOT_SECONDS) as n:
        yield n


@pytest.fixture
async def admin(node: LocalNode) -> AsyncIterator[AdminClient]:
    """A client whose wallet is the node's default keypair: the upgrade authority."""
    backend = RpcBackend(node.url, poll_interval=0.05)
    yield AdminClient(backend, node.authority)
    await backend.close()


@pytest.fixture(scope="session")
def ts_package() -> Path:
    """tests/interop/ts installed, its clients generated from the IDL (Anchor's
    IDL type, Codama's client) and the whole package type-checked."""
    ensure_installed(TS)
    run_sync(TS, "tsx", "src/gen.ts")
    run_sync(TS, "tsc", "--noEmit", "-p", ".")
    return TS


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium executable, with examples/web installed, bundled and type-checked."""
    executable = ensure_chromium()
    ensure_installed(WEB)
    run_sync(WEB, "node", "build.mjs")
    run_sync(WEB, "tsc", "--noEmit", "-p", ".")
    return executable
