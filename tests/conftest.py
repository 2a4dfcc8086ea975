"""Shared fixtures: every test runs the real compiled program in LiteSVM."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from solders.pubkey import Pubkey

from amplify_sdk import AmplifyClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


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
