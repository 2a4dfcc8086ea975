"""The PubSub websocket API: account, logs, signature and slot subscriptions,
with the notification shapes Agave sends.

Notifications are produced synchronously by the chain's listeners (inside the
execution of a transaction, or of a slot tick) and queued per connection; one
writer task per connection sends them in order. A subscription at `confirmed`
or `finalized` (the default, as on Agave) hears of a transaction when its
block reaches that commitment, found by the slot tick that gets it there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from solders.pubkey import Pubkey
from solders.signature import Signature

from .chain import COMMITMENTS, SlotInfo
from .codec import encode_account
from .errors import RpcError
from .history import TxRecord
from .params import Params, parse_pubkey, parse_signature
from .registry import API_VERSION, Context

JSON = Any
log = logging.getLogger("localnet.pubsub")


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    #: subscription id -> method name, to clean up on close.
    subs: dict[int, str] = field(default_factory=dict)

    def send(self, message: JSON) -> None:
        self.queue.put_nowait(json.dumps(message, separators=(",", ":")))


@dataclass(eq=False)
class Sub:
    id: int
    conn: Connection
    encoding: str = "base64"
    #: logs: None for all, else the one address mentioned.
    mentions: Pubkey | None = None
    key: Pubkey | Signature | None = None
    commitment: str = "finalized"


def _notification(method: str, sub_id: int, result: JSON) -> JSON:
    return {
        "jsonrpc": "2.0",
        "method": method,
        "params": {"result": result, "subscription": sub_id},
    }


class PubSubServer:
    def __init__(self, ctx: Context, *, faults_enabled: bool = False) -> None:
        self.ctx = ctx
        self.faults_enabled = faults_enabled
        self.connections: set[Connection] = set()
        self._next_id = 0
        self.subs: dict[int, Sub] = {}
        self.accounts: dict[Pubkey, dict[int, Sub]] = {}
        self.logs: dict[int, Sub] = {}
        self.signatures: dict[Signature, dict[int, Sub]] = {}
        self.slots: dict[int, Sub] = {}
        #: Transactions whose block is not finalized yet, oldest first, and
        #: the newest slot each level had reached at the last slot tick.
        self._unsettled: deque[TxRecord] = deque()
        self._marks = {level: ctx.chain.commitment_slot(level) for level in COMMITMENTS[1:]}
        ctx.chain.listeners.append(self.on_transaction)
        ctx.chain.slot_listeners.append(self.on_slot)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.handle)
        return app

    # -- connections -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.faults_enabled and self.ctx.faults.take("refuse_websockets"):
            return web.Response(status=503, text="websocket refused (test fault)")
        ws = web.WebSocketResponse(max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        writer = asyncio.create_task(self._writer(conn))
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_message(conn, msg.data)
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            self.connections.discard(conn)
            for sub_id in list(conn.subs):
                self._remove(sub_id)
            conn.queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _writer(self, conn: Connection) -> None:
        while True:
            text = await conn.queue.get()
            if text is None or conn.ws.closed:
                return
            try:
                await conn.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def disconnect_all(self) -> None:
        """Close every websocket (test-only fault injection)."""
        for conn in list(self.connections):
            await conn.ws.close()

    def _on_message(self, conn: Connection, text: str) -> None:
        try:
            req = json.loads(text)
        except ValueError:
            conn.send({"jsonrpc": "2.0", "error": RpcError.parse_error().to_json(), "id": None})
            return
        if not isinstance(req, dict) or not isinstance(req.get("method"), str):
            conn.send({"jsonrpc": "2.0", "error": RpcError.invalid_request().to_json(), "id": None})
            return
        id_ = req.get("id")
        try:
            result, after = self._dispatch(conn, req["method"], Params(req.get("params")))
        except RpcError as err:
            conn.send({"jsonrpc": "2.0", "error": err.to_json(), "id": id_})
            return
        conn.send({"jsonrpc": "2.0", "result": result, "id": id_})
        if after is not None:
            after()

    # -- subscribe / unsubscribe ---------------------------------------------------

    def _new(self, conn: Connection, method: str, **kw: Any) -> Sub:
        self._next_id += 1
        sub = Sub(self._next_id, conn, **kw)
        self.subs[sub.id] = sub
        conn.subs[sub.id] = method
        return sub

    def _dispatch(self, conn: Connection, method: str, p: Params) -> tuple[JSON, Any]:
        if method == "accountSubscribe":
            address = p.pubkey(0)
            config = p.config(1)
            encoding = config.get("encoding") or "base58"
            level = self.ctx.commitment(config)
            sub = self._new(conn, method, encoding=encoding, key=address, commitment=level)
            self.accounts.setdefault(address, {})[sub.id] = sub
            return sub.id, None
        if method == "logsSubscribe":
            mentions = _logs_filter(p.required(0, "filter"))
            level = self.ctx.commitment(p.config(1))
            sub = self._new(conn, method, mentions=mentions, commitment=level)
            self.logs[sub.id] = sub
            return sub.id, None
        if method == "signatureSubscribe":
            signature = parse_signature(p.required(0, "signature"))
            level = self.ctx.commitment(p.config(1))
            sub = self._new(conn, method, key=signature, commitment=level)
            self.signatures.setdefault(signature, {})[sub.id] = sub
            record = self.ctx.chain.history.get(signature)
            # Landed and at the commitment already: notify at once (after the
            # subscription id); otherwise when its block reaches it.
            if record is None or record.slot > self.ctx.chain.commitment_slot(level):
                return sub.id, None
            return sub.id, lambda: self._send_signature(sub, record)
        if method == "slotSubscribe":
            sub = self._new(conn, method)
            self.slots[sub.id] = sub
            return sub.id, None
        if method in (
            "accountUnsubscribe",
            "logsUnsubscribe",
            "signatureUnsubscribe",
            "slotUnsubscribe",
        ):
            sub_id = p.uint(0, "subscription id")
            if conn.subs.get(sub_id) != method.replace("Unsubscribe", "Subscribe"):
                raise RpcError.invalid_params("Invalid subscription id")
            self._remove(sub_id)
            return True, None
        raise RpcError.method_not_found()

    def _remove(self, sub_id: int) -> None:
        sub = self.subs.pop(sub_id, None)
        if sub is None:
            return
        sub.conn.subs.pop(sub_id, None)
        self.logs.pop(sub_id, None)
        self.slots.pop(sub_id, None)
        for index in (self.accounts, self.signatures):
            if sub.key is not None and sub.key in index:
                group = index[sub.key]  # type: ignore[index]
                group.pop(sub_id, None)
                if not group:
                    del index[sub.key]  # type: ignore[arg-type]

    # -- notifications -----------------------------------------------------------

    def on_transaction(self, record: TxRecord) -> None:
        self._unsettled.append(record)
        for level in COMMITMENTS:
            if record.slot <= self.ctx.chain.commitment_slot(level):
                self._notify(record, level)

    def _notify(self, record: TxRecord, level: str) -> None:
        """Notify the subscriptions at `level` of a record whose block has just
        reached it (as a node does when a block is confirmed or rooted: a
        subscription made after the transaction ran still hears of it)."""
        if not self.subs:
            return
        if self.logs:
            keys = set(record.keys)
            for sub in list(self.logs.values()):
                if sub.commitment == level and (sub.mentions is None or sub.mentions in keys):
                    self._send_logs(sub, record)
        for sub in list(self.signatures.get(record.signature, {}).values()):
            if sub.commitment == level:
                self._send_signature(sub, record)
        if self.accounts:
            header = record.tx.message.header
            n = len(record.keys)
            signed_writable = header.num_required_signatures - header.num_readonly_signed_accounts
            unsigned_end = n - header.num_readonly_unsigned_accounts
            for i, key in enumerate(record.keys):
                if not (i < signed_writable or header.num_required_signatures <= i < unsigned_end):
                    continue
                for sub in list(self.accounts.get(key, {}).values()):
                    if sub.commitment == level:
                        self._send_account(sub, record)

    @staticmethod
    def _send_logs(sub: Sub, record: TxRecord) -> None:
        value = {
            "context": {"slot": record.slot},
            "value": {
                "signature": str(record.signature),
                "err": record.err,
                "logs": list(record.meta.logs()),
            },
        }
        sub.conn.send(_notification("logsNotification", sub.id, value))

    def _send_signature(self, sub: Sub, record: TxRecord) -> None:
        # A signature subscription ends with its one notification, as a node's do.
        result = {"context": {"slot": record.slot}, "value": {"err": record.err}}
        sub.conn.send(_notification("signatureNotification", sub.id, result))
        self._remove(sub.id)

    def _send_account(self, sub: Sub, record: TxRecord) -> None:
        # The account as it is now (this node keeps one state for every
        # commitment: docs/localnet.md).
        assert isinstance(sub.key, Pubkey)
        value = encode_account(self.ctx.chain.svm.get_account(sub.key), sub.encoding)
        if value is None:
            # A closed account is reported as an empty system account.
            value = {
                "data": ["", "base64"],
                "executable": False,
                "lamports": 0,
                "owner": "11111111111111111111111111111111",
                "rentEpoch": 0,
                "space": 0,
            }
        result = {"context": {"slot": record.slot, "apiVersion": API_VERSION}, "value": value}
        sub.conn.send(_notification("accountNotification", sub.id, result))

    def on_slot(self, info: SlotInfo) -> None:
        chain = self.ctx.chain
        reached = {level: chain.commitment_slot(level) for level in COMMITMENTS[1:]}
        for record in self._unsettled:
            for level, slot in reached.items():
                if self._marks[level] < record.slot <= slot:
                    self._notify(record, level)
        self._marks = reached
        while self._unsettled and self._unsettled[0].slot <= reached["finalized"]:
            self._unsettled.popleft()
        if not self.slots:
            return
        result = {"parent": info.parent, "root": info.root, "slot": info.slot}
        for sub in list(self.slots.values()):
            sub.conn.send(_notification("slotNotification", sub.id, result))


def _logs_filter(raw: JSON) -> Pubkey | None:
    if raw in ("all", "allWithVotes"):
        return None
    if isinstance(raw, dict) and isinstance(raw.get("mentions"), list):
        mentions = raw["mentions"]
        if len(mentions) != 1:
            raise RpcError.invalid_params("Invalid Request: Only 1 address supported")
        return parse_pubkey(mentions[0])
    raise RpcError.invalid_params("logs filter: 'all', 'allWithVotes' or {mentions: [address]}")
