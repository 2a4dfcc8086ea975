"""Exactly once on a real validator, whatever the network does (issue 22: a
1-SOL transfer reported lost moved 5 SOL). The SDK talks to
`solana-test-validator` through a proxy that loses sends, loses their
answers, delivers them late and fails status queries; every transfer must
move its amount once and charge its fee once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from solders.keypair import Keypair
from solders.signature import Signature
from solders.system_program import TransferParams, transfer

from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend, _ws_url
from cli.conftest import SOL, Node

from .proxy import FaultyProxy

FEE = 5_000


@pytest.fixture
async def proxy(validator: Node) -> AsyncIterator[FaultyProxy]:
    async with FaultyProxy(validator.url) as p:
        yield p


@pytest.fixture
async def backend(proxy: FaultyProxy, validator: Node) -> AsyncIterator[RpcBackend]:
    b = RpcBackend(
        proxy.url,
        ws_url=_ws_url(validator.url),
        poll_interval=0.1,
        rebroadcast_interval=1.0,
        backoff=Backoff(base=0.05, cap=0.5),
        # Expiry waits ~150 blocks and a root: minutes when CI's two cores are
        # busy (150 s timed out once under load); the tests are about what is
        # sent, not how fast.
        confirm_timeout=600.0,
    )
    yield b
    await b.close()


def _payer(validator: Node, tmp: Path) -> Keypair:
    path = tmp / "payer.json"
    validator.wallet(path, sol=20)
    return Keypair.from_bytes(bytes(json.loads(path.read_text())))


async def _transfer_once(backend: RpcBackend, payer: Keypair) -> tuple[Signature, int, int]:
    """One 1-SOL transfer; (its signature, what the recipient got, what the payer lost)."""
    dst = Keypair().pubkey()
    before = await backend.get_balance(payer.pubkey())
    ix = transfer(TransferParams(from_pubkey=payer.pubkey(), to_pubkey=dst, lamports=SOL))
    receipt = await backend.send([ix], [], payer)
    return (
        receipt.signature,
        await backend.get_balance(dst),
        before - await backend.get_balance(payer.pubkey()),
    )


@pytest.mark.parametrize(
    "fault",
    [
        {"lose_sends": 2},
        {"lose_send_answers": 1},
        {"send_delay": 3.0},
        {"fail_status_queries": 6},
        {"lose_sends": 1, "lose_send_answers": 1, "fail_status_queries": 3},
    ],
    ids=["sends-lost", "answer-lost", "send-late", "status-fails", "all-of-them"],
)
async def test_a_transfer_moves_once_through_a_lossy_network(
    validator: Node, proxy: FaultyProxy, backend: RpcBackend, fault: dict[str, Any], tmp_path: Path
) -> None:
    payer = _payer(validator, tmp_path)
    for name, value in fault.items():
        setattr(proxy.faults, name, value)
    signature, received, spent = await _transfer_once(backend, payer)
    assert received == SOL
    assert spent == SOL + FEE
    # Every armed fault was met, and the one signature landed.
    assert proxy.faults.lose_sends == 0 and proxy.faults.lose_send_answers == 0
    assert proxy.faults.fail_status_queries == 0
    status = await backend.client.get_signature_statuses([signature], True)
    assert status.value[0] is not None and status.value[0].err is None


async def test_a_signature_that_never_arrives_is_resigned_only_after_it_expired(
    validator: Node, proxy: FaultyProxy, backend: RpcBackend, tmp_path: Path
) -> None:
    """Every copy of the first signature is lost: the SDK waits until the
    finalized chain is past its blockhash's last valid height (about 150
    blocks and a root later), finds no status, then signs anew — once."""
    payer = _payer(validator, tmp_path)
    proxy.faults.lose_first_signature = True
    started = asyncio.get_running_loop().time()
    signature, received, spent = await _transfer_once(backend, payer)
    waited = asyncio.get_running_loop().time() - started
    first = proxy.faults.first_signature
    assert first is not None and signature != first
    assert received == SOL and spent == SOL + FEE
    lost = await backend.client.get_signature_statuses([first], True)
    assert lost.value[0] is None
    # Lost copies were re-sent (same bytes) until expiry, not re-signed.
    assert proxy.faults.sends_seen >= 3
    print(f"[measure] re-signed after {waited:.1f} s (first signature provably expired)")
