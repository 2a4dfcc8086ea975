"""Shared fixtures: every test runs the real compiled program in LiteSVM."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from amplify_sdk import AmplifyClient
from amplify_sdk._embedded import EmbeddedBackend

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from market import Market  # noqa: E402 -- after the path set-up above


def report(label: str, value: object) -> None:
    """Print a measured figure so it shows in the test log (pytest -s / -rA)."""
    print(f"[measure] {label}: {value}")


@pytest.fixture
async def client() -> AsyncIterator[AmplifyClient]:
    async with await AmplifyClient.embedded() as c:
        yield c


@pytest.fixture
async def amp_mint(client: AmplifyClient) -> Pubkey:
    return await client.create_amp_mint()


@pytest.fixture
async def market(client: AmplifyClient, amp_mint: Pubkey) -> Market:
    """An initialized protocol; `market.requester` is the admin and a requester."""
    await client.initialize(amp_mint)
    assert isinstance(client.backend, EmbeddedBackend)
    return Market(client, client.backend)
