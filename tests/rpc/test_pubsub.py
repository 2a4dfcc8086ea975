"""The PubSub websocket API, spoken raw: subscription ids, notification shapes,
signature subscriptions that end after one notification, unsubscribing."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from solders.keypair import Keypair
from solders.transaction import VersionedTransaction
from websockets.asyncio.client import ClientConnection, connect

from localnet import LocalNode

from .util import signed_transfer

TIMEOUT = 10


async def _request(ws: ClientConnection, id_: int, method: str, params: list[Any]) -> Any:
    await ws.send(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params}))
    return await _next(ws)


async def _next(ws: ClientConnection) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


def _send_transfer(node: LocalNode, payer: Keypair, lamports: int) -> str:
    dst = Keypair().pubkey()
    tx = signed_transfer(payer, dst, lamports, node.chain.latest_blockhash)
    record = node.chain.execute(VersionedTransaction.from_legacy(tx), bytes(tx))
    return str(record.signature)


async def test_logs_account_and_signature_notifications(node: LocalNode, funded: Keypair) -> None:
    async with connect(node.ws_url) as ws:
        now = {"commitment": "processed"}
        mention = await _request(
            ws, 1, "logsSubscribe", [{"mentions": [str(funded.pubkey())]}, now]
        )
        everything = await _request(ws, 2, "logsSubscribe", ["all", now])
        account = await _request(
            ws, 3, "accountSubscribe", [str(funded.pubkey()), {"encoding": "base64", **now}]
        )
        assert {mention["id"], everything["id"], account["id"]} == {1, 2, 3}
        sig = _send_transfer(node, funded, 10**9)
        params = [sig, now]
        await ws.send(
            json.dumps(
                {"jsonrpc": "2.0", "id": 4, "method": "signatureSubscribe", "params": params}
            )
        )
        # Three notifications of the transfer, the subscription id, then the
        # signature's notification (it had landed already).
        got = [await _next(ws) for _ in range(5)]
    (signature,) = [g for g in got if g.get("id") == 4]
    by_method: dict[str, list[Any]] = {}
    for g in got:
        if "method" in g:
            by_method.setdefault(g["method"], []).append(g["params"])
    logs = by_method["logsNotification"]
    assert {p["subscription"] for p in logs} == {mention["result"], everything["result"]}
    value = logs[0]["result"]["value"]
    assert value["signature"] == sig and value["err"] is None
    assert value["logs"][-1] == "Program 11111111111111111111111111111111 success"
    (acc,) = by_method["accountNotification"]
    assert acc["subscription"] == account["result"]
    assert acc["result"]["value"]["lamports"] == 10 * 10**9 - 10**9 - 5_000
    assert acc["result"]["value"]["data"] == ["", "base64"]
    (done,) = by_method["signatureNotification"]
    assert done == {
        "result": {"context": {"slot": done["result"]["context"]["slot"]}, "value": {"err": None}},
        "subscription": signature["result"],
    }


async def test_signature_subscription_ends_after_one_notification(
    node: LocalNode, funded: Keypair
) -> None:
    tx = signed_transfer(funded, Keypair().pubkey(), 10**9, node.chain.latest_blockhash)
    async with connect(node.ws_url) as ws:
        sub = await _request(
            ws, 1, "signatureSubscribe", [str(tx.signatures[0]), {"commitment": "processed"}]
        )
        node.chain.execute(VersionedTransaction.from_legacy(tx), bytes(tx))
        note = await _next(ws)
        assert note["method"] == "signatureNotification"
        # Already removed: unsubscribing now is an error.
        gone = await _request(ws, 2, "signatureUnsubscribe", [sub["result"]])
        assert gone["error"]["code"] == -32602


async def test_notifications_wait_for_their_commitment(node: LocalNode, funded: Keypair) -> None:
    """As on a validator: a subscription hears of a transaction when its block
    reaches the subscription's commitment (finalized when it names none),
    also when it subscribed after the transaction ran."""
    chain = node.chain
    chain.slot_seconds = 10_000  # slots move only when the test says
    chain.skip(chain.finalization_lag + 1)  # past the genesis-rooted first slots
    mention = [{"mentions": [str(funded.pubkey())]}]
    async with connect(node.ws_url) as ws:
        confirmed = await _request(ws, 1, "logsSubscribe", [*mention, {"commitment": "confirmed"}])
        finalized = await _request(ws, 2, "logsSubscribe", mention)
        sig = _send_transfer(node, funded, 10**9)
        late = await _request(ws, 3, "logsSubscribe", [*mention, {"commitment": "confirmed"}])
        with contextlib.suppress(TimeoutError):
            early = await asyncio.wait_for(ws.recv(), 0.3)
            raise AssertionError(f"notified before the block was confirmed: {early}")
        chain.skip(chain.confirmation_lag)
        got = [await _next(ws) for _ in range(2)]
        assert sorted(g["params"]["subscription"] for g in got) == sorted(
            [confirmed["result"], late["result"]]
        )
        assert {g["params"]["result"]["value"]["signature"] for g in got} == {sig}
        chain.skip(chain.finalization_lag - chain.confirmation_lag - 1)
        with contextlib.suppress(TimeoutError):
            early = await asyncio.wait_for(ws.recv(), 0.3)
            raise AssertionError(f"notified before the block was rooted: {early}")
        chain.skip(1)
        rooted = await _next(ws)
        assert rooted["params"]["subscription"] == finalized["result"]
        assert rooted["params"]["result"]["value"]["signature"] == sig


async def test_slot_subscription_and_unsubscribe(node: LocalNode) -> None:
    async with connect(node.ws_url) as ws:
        sub = await _request(ws, 1, "slotSubscribe", [])
        note = await _next(ws)
        assert note["method"] == "slotNotification"
        result = note["params"]["result"]
        assert set(result) == {"parent", "root", "slot"} and result["slot"] > result["parent"]
        done = await _request(ws, 2, "slotUnsubscribe", [sub["result"]])
        # A slot notification may already be on its way; the answer follows it.
        while "method" in done:
            done = await _next(ws)
        assert done == {"jsonrpc": "2.0", "result": True, "id": 2}
        bad = await _request(ws, 3, "logsSubscribe", [{"mentions": ["a", "b"]}])
        assert bad["error"]["code"] == -32602
        unknown = await _request(ws, 4, "blockSubscribe", [])
        assert unknown["error"]["code"] == -32601
