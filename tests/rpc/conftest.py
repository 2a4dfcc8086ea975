"""Fixtures: a real node on 127.0.0.1 (free ports) per test, and clients of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solders.keypair import Keypair

from amplify_sdk import AdminClient
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend
from conftest import TEST_SLOT_SECONDS
from localnet import LocalNode
from rpc_backend import amplify_node

LAMPORTS = 10 * 10**9


@pytest.fixture
async def node() -> AsyncIterator[LocalNode]:
    async with amplify_node(rpc_port=0, faults=True, slot_seconds=TEST_SLOT_SECONDS) as n:
        yield n


@pytest.fixture
async def rpc(node: LocalNode) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(node.url, commitment=Confirmed) as c:
        yield c


@pytest.fixture
async def backend(node: LocalNode) -> AsyncIterator[RpcBackend]:
    b = RpcBackend(node.url, poll_interval=0.05, backoff=Backoff(base=0.01, cap=0.2))
    yield b
    await b.close()


@pytest.fixture
async def admin(node: LocalNode, backend: RpcBackend) -> AdminClient:
    """A client whose wallet is the node's default keypair: the upgrade authority."""
    return AdminClient(backend, node.authority)


@pytest.fixture
def funded(node: LocalNode) -> Keypair:
    kp = Keypair()
    node.chain.airdrop(kp.pubkey(), LAMPORTS)
    return kp
