"""The RPC backend against a misbehaving node (test-only fault injection):
every operation still applies exactly once."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import httpx2
import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import AdminClient, TransportError
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend
from localnet import LocalNode

from .util import transfer_ix

TIMEOUT = 15
FEE = 5_000


async def _arm(node: LocalNode, body: dict[str, Any]) -> dict[str, Any]:
    """Arm faults through the admin endpoint, as an out-of-process test would."""
    async with httpx2.AsyncClient() as http:
        resp = await http.post(f"{node.url}/_localnet/faults", json=body)
        assert resp.status_code == 200, resp.text
        result: dict[str, Any] = resp.json()
        return result


def _sent_by(node: LocalNode, payer: Pubkey) -> int:
    """Landed transactions paid by `payer` (fee payer = first key)."""
    return sum(1 for r in node.chain.history.by_signature.values() if r.keys[0] == payer)


async def test_dropped_send_response_lands_exactly_once(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    dst = Keypair().pubkey()
    armed = await _arm(node, {"set": {"drop_send_responses": 2}})
    assert armed["drop_send_responses"] == 2
    start = await backend.get_balance(funded.pubkey())
    receipt = await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
    # The first answer was dropped after the transaction executed; the backend
    # resent the same signed bytes (refused as a duplicate) and confirmed it.
    assert node.faults.drop_send_responses < 2
    assert await backend.get_balance(dst) == 10**9
    assert await backend.get_balance(funded.pubkey()) == start - 10**9 - receipt.fee
    assert _sent_by(node, funded.pubkey()) == 1


async def test_dropped_initialize_response_is_not_sent_twice(
    node: LocalNode, admin: AdminClient
) -> None:
    mint = await admin.create_amp_mint()
    node.faults.drop_send_responses = 1
    # A second initialize would fail with AlreadyInitialized: this must not raise.
    config = await admin.initialize(mint)
    assert node.faults.drop_send_responses == 0
    assert config.admin == node.authority.pubkey()
    initializes = [
        r
        for r in node.chain.history.by_signature.values()
        if any("Instruction: Initialize" in line for line in r.meta.logs())
        or r.keys[0] == node.authority.pubkey()
    ]
    assert all(r.err is None for r in initializes)


async def test_429_bursts_are_retried_with_backoff(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    dst = Keypair().pubkey()
    await _arm(node, {"set": {"http_429": 5}})
    await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
    assert node.faults.http_429 == 0
    node.faults.http_429 = 3
    assert await backend.get_balance(dst) == 10**9
    assert _sent_by(node, funded.pubkey()) == 1


async def test_503_bursts_are_retried(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    dst = Keypair().pubkey()
    node.faults.http_503 = 4
    await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
    assert node.faults.http_503 == 0
    assert await backend.get_balance(dst) == 10**9
    assert _sent_by(node, funded.pubkey()) == 1


async def test_unreachable_node_is_a_transport_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens there: connection refused, retried, then TransportError.
    backend = RpcBackend(f"http://127.0.0.1:{port}", backoff=Backoff(attempts=3, base=0.01))
    try:
        with pytest.raises(TransportError, match="failed after 3 attempts"):
            await backend.get_balance(Keypair().pubkey())
    finally:
        await backend.close()


async def test_blockhash_expiring_between_send_and_confirm_is_resigned_once(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    dst = Keypair().pubkey()
    node.faults.expire_next_blockhash = 1
    receipt = await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
    assert node.faults.expire_next_blockhash == 0
    # The first signature never landed; the re-signed one did, once.
    assert _sent_by(node, funded.pubkey()) == 1
    assert node.chain.history.get(receipt.signature) is not None
    assert await backend.get_balance(dst) == 10**9


async def test_slow_inclusion_moves_a_transfer_once(node: LocalNode, funded: Keypair) -> None:
    """Exactly once when a transaction is included slots after it is sent
    (issue 22: the SDK took a fresh blockhash for expired, re-signed, and
    every copy landed: one 1-SOL transfer moved 5 SOL)."""
    backend = RpcBackend(
        node.url, poll_interval=0.05, rebroadcast_interval=0.1, backoff=Backoff(base=0.01)
    )
    try:
        # Past the first slots, where the finalized bank is the genesis one
        # and knows every blockhash of slot 0.
        node.chain.skip(node.chain.finalization_lag + 1)
        await _arm(node, {"set": {"delay_send_slots": 3}})
        dst = Keypair().pubkey()
        start = await backend.get_balance(funded.pubkey())
        slot = node.chain.slot
        receipt = await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
        assert node.chain.history.get(receipt.signature).slot >= slot + 3  # type: ignore[union-attr]
        assert await backend.get_balance(dst) == 10**9
        assert await backend.get_balance(funded.pubkey()) == start - 10**9 - FEE
        assert _sent_by(node, funded.pubkey()) == 1
    finally:
        await backend.close()


async def test_delayed_responses(node: LocalNode, backend: RpcBackend) -> None:
    await _arm(node, {"set": {"delay_seconds": 0.3}})
    t0 = time.monotonic()
    await backend.get_balance(Keypair().pubkey())
    assert time.monotonic() - t0 >= 0.3
    await _arm(node, {"clear": True})
    assert node.faults.delay_seconds == 0


async def test_websocket_disconnect_falls_back_to_polling(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    dst = Keypair().pubkey()
    async with (
        await backend.subscribe_logs([dst]) as logs,
        await backend.subscribe_account(dst) as account,
    ):
        first = await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
        assert (await asyncio.wait_for(anext(logs), TIMEOUT)).signature == first.signature
        assert (await asyncio.wait_for(anext(account), TIMEOUT)) is not None
        # Drop every websocket; refuse new ones.
        await _arm(node, {"set": {"refuse_websockets": 100}, "action": "disconnect_websockets"})
        second = await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
        # Delivered by polling, once, in order.
        assert (await asyncio.wait_for(anext(logs), TIMEOUT)).signature == second.signature
        state = await asyncio.wait_for(anext(account), TIMEOUT)
        assert state is not None and state.lamports == 2 * 10**9
    assert backend.subscriber.fallbacks == 2


async def test_subscription_when_websocket_is_refused(
    node: LocalNode, backend: RpcBackend, funded: Keypair
) -> None:
    node.faults.refuse_websockets = 1
    dst = Keypair().pubkey()
    async with await backend.subscribe_logs([dst]) as logs:
        assert backend.subscriber.fallbacks == 1
        sent = await backend.send([transfer_ix(funded.pubkey(), dst, 10**9)], [], funded)
        assert (await asyncio.wait_for(anext(logs), TIMEOUT)).signature == sent.signature
