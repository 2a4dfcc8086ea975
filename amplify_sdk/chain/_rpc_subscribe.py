"""Subscriptions of the RPC backend: PubSub websocket first, polling after.

Each subscription runs in its own task. It takes a baseline over HTTP (the
newest signature per address, or the account's state), then subscribes over
the websocket. If the websocket cannot be opened, or drops, the task goes on
by polling from the last item it delivered, so nothing in between is lost;
items are de-duplicated by signature (logs) or by state (accounts).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from solders.pubkey import Pubkey
from solders.rpc.responses import (
    AccountNotification,
    LogsNotification,
    SubscriptionError,
    SubscriptionResult,
    parse_websocket_message,
)
from solders.signature import Signature

from ._backend import AccountSnapshot, Backend, LogsNotice, Subscription
from ._tx import decode_events

log = logging.getLogger("amplify_sdk.rpc")

#: Signatures remembered per logs subscription to drop duplicates.
SEEN_CAPACITY = 10_000
OPEN_TIMEOUT = 5.0
#: Seconds after a logs subscription becomes active at which the history is
#: read once more from its baseline (see `Subscriber.logs`).
BACKFILL_DELAYS = (0.5, 2.0)


def _connect(url: str, **kw: Any) -> Any:
    # Imported at the first subscription: most commands never open one.
    from websockets.asyncio.client import connect

    return connect(url, **kw)


class _Seen:
    def __init__(self) -> None:
        self._items: OrderedDict[Signature, None] = OrderedDict()

    def add(self, signature: Signature) -> bool:
        """True the first time a signature is added."""
        if signature in self._items:
            return False
        self._items[signature] = None
        if len(self._items) > SEEN_CAPACITY:
            self._items.popitem(last=False)
        return True


class Polled(Backend, Protocol):
    """What a subscription reads over HTTP: the backend's reads, the commitment
    they are made at, and how often to poll when the websocket is gone."""

    @property
    def commitment(self) -> object: ...

    @property
    def poll_interval(self) -> float: ...


class Subscriber:
    def __init__(self, backend: Polled, ws_url: str) -> None:
        self.backend = backend
        self.ws_url = ws_url
        self.tasks: set[asyncio.Task[None]] = set()
        self.subscriptions: set[Subscription[Any]] = set()
        #: How many websocket failures made a subscription fall back to polling.
        self.fallbacks = 0

    async def close(self) -> None:
        # Iterators still waiting end (StopAsyncIteration) instead of hanging.
        for sub in list(self.subscriptions):
            await sub.close()
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _start(
        self, run: Callable[[asyncio.Event], Awaitable[None]], sub: Subscription[Any]
    ) -> None:
        ready = asyncio.Event()

        async def guarded() -> None:
            try:
                await run(ready)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # delivered to the iterating task
                sub.fail(exc)
            finally:
                ready.set()

        task = asyncio.create_task(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

        async def stop() -> None:
            self.subscriptions.discard(sub)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        sub.set_on_close(stop)
        self.subscriptions.add(sub)
        await ready.wait()

    def _subscribe_message(self, id_: int, method: str, params: list[Any]) -> str:
        return json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})

    # -- logs --------------------------------------------------------------------

    async def logs(self, mentions: list[Pubkey]) -> Subscription[LogsNotice]:
        if not mentions:
            raise ValueError("subscribe_logs needs at least one address")
        backend = self.backend
        cursors: dict[Pubkey, Signature | None] = {}
        for m in mentions:
            newest = await backend.get_signatures_for_address(m, limit=1)
            cursors[m] = newest[0].signature if newest else None
        seen = _Seen()
        sub: Subscription[LogsNotice] = Subscription()

        async def backfill(ready: asyncio.Event) -> None:
            # A transaction confirmed while the websocket subscription was
            # being made is in neither: its notification went out before the
            # subscription existed, and a node's address history lags its
            # confirmations (seen on solana-test-validator). Reading the
            # history from the baseline once the subscription is active, and
            # again a little later, delivers it (de-duplicated by signature).
            start = dict(cursors)
            await ready.wait()
            for delay in BACKFILL_DELAYS:
                await asyncio.sleep(delay)
                await self._logs_once(mentions, dict(start), seen, sub)

        async def run(ready: asyncio.Event) -> None:
            filler = asyncio.create_task(backfill(ready))
            try:
                await self._logs_ws(mentions, cursors, seen, sub, ready)
            except Exception as exc:
                self.fallbacks += 1
                log.info("logs subscription: websocket failed (%s); polling", exc)
            finally:
                filler.cancel()
            ready.set()
            await self._logs_poll(mentions, cursors, seen, sub)

        await self._start(run, sub)
        return sub

    async def _logs_ws(
        self,
        mentions: list[Pubkey],
        cursors: dict[Pubkey, Signature | None],
        seen: _Seen,
        sub: Subscription[LogsNotice],
        ready: asyncio.Event,
    ) -> None:
        commitment = str(self.backend.commitment)
        async with _connect(self.ws_url, open_timeout=OPEN_TIMEOUT, max_size=None) as ws:
            for i, m in enumerate(mentions):
                params = [{"mentions": [str(m)]}, {"commitment": commitment}]
                await ws.send(self._subscribe_message(i, "logsSubscribe", params))
            by_sub: dict[int, Pubkey] = {}
            async for raw in ws:
                for msg in parse_websocket_message(str(raw)):
                    if isinstance(msg, SubscriptionResult):
                        by_sub[msg.result] = mentions[msg.id]
                        if len(by_sub) == len(mentions):
                            ready.set()
                    elif isinstance(msg, SubscriptionError):
                        raise ConnectionError(f"logsSubscribe refused: {msg.error}")
                    elif isinstance(msg, LogsNotification):
                        value = msg.result.value
                        if msg.subscription in by_sub:
                            cursors[by_sub[msg.subscription]] = value.signature
                        if seen.add(value.signature):
                            logs = list(value.logs)
                            sub.push(
                                LogsNotice(
                                    value.signature,
                                    value.err,
                                    logs,
                                    decode_events(logs, self.backend.program_id),
                                )
                            )
        raise ConnectionError("websocket closed by the server")

    async def _logs_poll(
        self,
        mentions: list[Pubkey],
        cursors: dict[Pubkey, Signature | None],
        seen: _Seen,
        sub: Subscription[LogsNotice],
    ) -> None:
        while True:
            await self._logs_once(mentions, cursors, seen, sub)
            await asyncio.sleep(self.backend.poll_interval)

    async def _logs_once(
        self,
        mentions: list[Pubkey],
        cursors: dict[Pubkey, Signature | None],
        seen: _Seen,
        sub: Subscription[LogsNotice],
    ) -> None:
        """Deliver what the history holds after each address's cursor, and move
        the cursors on."""
        backend = self.backend
        for m in mentions:
            infos = await backend.get_signatures_for_address(m, until=cursors[m])
            if infos:
                cursors[m] = infos[0].signature
            for info in reversed(infos):
                if not seen.add(info.signature):
                    continue
                details = await backend.get_transaction(info.signature)
                if details is not None:
                    sub.push(
                        LogsNotice(details.signature, details.err, details.logs, details.events)
                    )

    # -- accounts ----------------------------------------------------------------

    async def account(self, address: Pubkey) -> Subscription[AccountSnapshot | None]:
        last: list[AccountSnapshot | None] = [await self.backend.get_account(address)]
        sub: Subscription[AccountSnapshot | None] = Subscription()

        def deliver(snapshot: AccountSnapshot | None) -> None:
            if snapshot != last[0]:
                last[0] = snapshot
                sub.push(snapshot)

        async def run(ready: asyncio.Event) -> None:
            try:
                await self._account_ws(address, deliver, ready)
            except Exception as exc:
                self.fallbacks += 1
                log.info("account subscription: websocket failed (%s); polling", exc)
            ready.set()
            while True:
                deliver(await self.backend.get_account(address))
                await asyncio.sleep(self.backend.poll_interval)

        await self._start(run, sub)
        return sub

    async def _account_ws(
        self,
        address: Pubkey,
        deliver: Callable[[AccountSnapshot | None], None],
        ready: asyncio.Event,
    ) -> None:
        params = [str(address), {"encoding": "base64", "commitment": str(self.backend.commitment)}]
        async with _connect(self.ws_url, open_timeout=OPEN_TIMEOUT, max_size=None) as ws:
            await ws.send(self._subscribe_message(0, "accountSubscribe", params))
            async for raw in ws:
                for msg in parse_websocket_message(str(raw)):
                    if isinstance(msg, SubscriptionResult):
                        ready.set()
                    elif isinstance(msg, SubscriptionError):
                        raise ConnectionError(f"accountSubscribe refused: {msg.error}")
                    elif isinstance(msg, AccountNotification):
                        acc = msg.result.value
                        if acc.lamports == 0 and not acc.data:
                            deliver(None)
                        else:
                            deliver(
                                AccountSnapshot(
                                    address,
                                    acc.lamports,
                                    acc.owner,
                                    bytes(acc.data),
                                    acc.executable,
                                )
                            )
        raise ConnectionError("websocket closed by the server")
