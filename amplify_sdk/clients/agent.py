"""The key agent: delivers item keys to workers as they accept, for a
requester's encrypted batches.

    agent = KeyAgent(requester_client, {batch: master_key}, on_delivery=print)
    await agent.run(stop)                      # or: await run_agent(backend, wallet, ...)

What is owed comes from the chain, not from a file: a slot that is reserved
with its key-delivered flag unset is a key owed. On start (and every
`resync_interval`) the agent reads the task tables and delivers what is
owed — so a restart neither misses an acceptance nor, since the program
refuses a second delivery of a slot (`KeyAlreadyDelivered`), delivers twice.
Between reads it follows `TasksAccepted` events live (`subscribe_logs` on the
batches; the RPC backend falls back to polling if its websocket fails) and
delivers within one confirmation, many keys per transaction.

A failure is the one worker's: a worker whose keys cannot be delivered (a
registered key no sealed box can be addressed to, from before the program
refused them) or one failed transaction is reported (`Delivery.error`,
`AgentStats.failed`, a warning in the log) and retried at the next resync,
while every other worker keeps getting its keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ..chain._backend import AccountSnapshot, Backend, LogsNotice, Memcmp, Subscription
from ..chain._scan import field_offset
from ..protocol._crypto import item_key
from ..protocol._idl import load_idl
from ..protocol._models import Batch, TaskTable
from ._requester import RequesterClient

log = logging.getLogger("amplify_sdk.clients.agent")

#: Deliveries (one worker of one batch each) in flight at once.
CONCURRENCY = 4
#: How long to gather acceptances arriving together into one delivery round.
LINGER = 0.02
#: How long a live notice may run ahead of the state the node serves reads
#: (and simulations) from, and how often to look meanwhile.
VISIBLE_WITHIN = 10.0
VISIBLE_POLL = 0.2

Owed = dict[tuple[Pubkey, Pubkey], set[int]]  # (batch, worker) -> items


@dataclass
class AgentStats:
    """What the agent did: keys that landed, transactions, and per key the
    seconds from the acceptance's notice to its delivery's confirmation."""

    keys: int = 0
    transactions: int = 0
    refused: int = 0
    catch_ups: int = 0
    latencies: list[float] = field(default_factory=list)
    #: Keys a delivery round failed to send (counted per attempt; retried).
    failed: int = 0
    #: The last error per (batch, worker) whose delivery failed.
    errors: dict[tuple[Pubkey, Pubkey], str] = field(default_factory=dict)

    @property
    def keys_per_transaction(self) -> float:
        return self.keys / self.transactions if self.transactions else 0.0


@dataclass(frozen=True)
class Delivery:
    """One `deliver_keys` round for one worker of one batch: the items whose
    keys landed, and how many the program refused (already delivered, or the
    slot released meanwhile). `from_table`: found owed in the task tables (a
    catch-up) rather than in a live `TasksAccepted` event. A round that
    failed has `error` set and the items it could not deliver in `failed`."""

    batch: Pubkey
    worker: Pubkey
    items: list[int]
    refused: int
    from_table: bool
    failed: list[int] = field(default_factory=list)
    error: str | None = None


def owed_keys(b: Batch, tables: Iterable[TaskTable]) -> Owed:
    """Keys owed in a batch per its task tables: reserved slots, flag unset."""
    out: Owed = {}
    for t in tables:
        rows, cols = np.nonzero(t.reserved() & ~t.flags)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            worker = b.roster[int(t.holders[r, c]) - 1].worker
            out.setdefault((b.address, worker), set()).add(r + t.first_item)
    return out


class KeyAgent:
    """Delivers keys for `master_keys` (batch → its master key). With
    `master_key` and `discover`, also every encrypted batch naming this wallet
    as key agent (found by account query at each resync). `on_delivery` is
    called after each delivery round that landed, was refused or failed (a
    CLI prints them); `on_ready` once, when the agent first follows events, caught up."""

    def __init__(
        self,
        client: RequesterClient,
        master_keys: Mapping[Pubkey, bytes] | None = None,
        *,
        master_key: bytes | None = None,
        discover: bool = False,
        resync_interval: float = 30.0,
        concurrency: int = CONCURRENCY,
        on_delivery: Callable[[Delivery], None] | None = None,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        if discover and master_key is None:
            raise ValueError("discovering batches needs the master key they share")
        self.client = client
        self.master_keys = dict(master_keys or {})
        self.master_key = master_key
        self.discover = discover
        self.resync_interval = resync_interval
        self.on_delivery = on_delivery
        self.on_ready = on_ready
        self.stats = AgentStats()
        #: Set once the agent follows events and has caught up with the chain.
        self.ready = asyncio.Event()
        self._gate = asyncio.Semaphore(concurrency)
        #: Keys that landed in this run: an acceptance seen in a table read
        #: and then in its event is not sent twice (the program would refuse
        #: the second, but it would cost a transaction).
        self._done: set[tuple[Pubkey, Pubkey, int]] = set()

    @property
    def batches(self) -> list[Pubkey]:
        return list(self.master_keys)

    async def discover_batches(self) -> list[Pubkey]:
        """Encrypted batches whose key agent is this wallet; adds them."""
        if not self.discover or self.master_key is None:
            return []
        filters = [
            Memcmp(0, load_idl().account_discriminators["Batch"]),
            Memcmp(field_offset("Batch", "encrypted"), b"\x01"),
            Memcmp(field_offset("Batch", "key_agent"), bytes(self.client.address)),
        ]
        found: list[AccountSnapshot] = await self.client.backend.get_program_accounts(
            self.client.backend.program_id, filters
        )
        new = [a.address for a in found if a.address not in self.master_keys]
        for address in new:
            self.master_keys[address] = self.master_key
        return new

    async def catch_up(self) -> int:
        """Deliver every key the chain says is owed; the number delivered."""
        await self.discover_batches()
        owed: Owed = {}
        for batch in self.batches:
            try:
                b = await self.client.fetch_or_none(Batch, batch)
                if b is None or not b.encrypted:
                    continue
                owed.update(owed_keys(b, await self.client.get_tables(b)))
            except Exception as e:  # one batch unreadable: serve the others
                log.warning("reading batch %s failed: %s", batch, e)
        self.stats.catch_ups += 1
        # The tables are the truth: what they show owed is sent even if this
        # run delivered it before (a release and a new acceptance reuse a slot).
        return await self._deliver(owed, {}, from_table=True)

    async def _deliver(
        self,
        owed: Owed,
        seen_at: Mapping[tuple[Pubkey, Pubkey], float],
        *,
        from_table: bool = False,
    ) -> int:
        async def one(batch: Pubkey, worker: Pubkey, items: set[int]) -> int:
            todo = sorted(i for i in items if from_table or (batch, worker, i) not in self._done)
            if todo and not from_table:
                todo = await self._visible(batch, worker, todo)
            if not todo:
                return 0
            master = self.master_keys[batch]
            keys = [(i, item_key(master, batch, i)) for i in todo]
            async with self._gate:
                try:
                    outcomes = await self.client.deliver_keys(batch, worker, keys)
                except Exception as e:
                    # This worker's failure is its own: the keys stay owed (the
                    # next resync retries), every other delivery goes on.
                    log.warning("delivering %d keys to %s failed: %s", len(keys), worker, e)
                    self.stats.failed += len(keys)
                    self.stats.errors[(batch, worker)] = str(e)
                    if self.on_delivery is not None:
                        self.on_delivery(
                            Delivery(batch, worker, [], 0, from_table, failed=todo, error=str(e))
                        )
                    return 0
            self.stats.errors.pop((batch, worker), None)
            landed = [o.item for o in outcomes if o.ok]
            # Refused items are not marked: a later table read decides them.
            self._done.update((batch, worker, i) for i in landed)
            self.stats.keys += len(landed)
            self.stats.refused += len(outcomes) - len(landed)
            # Counted from the outcomes, not `receipts`: deliveries run concurrently.
            self.stats.transactions += len({o.signature for o in outcomes if o.ok})
            if (batch, worker) in seen_at:
                elapsed = time.monotonic() - seen_at[(batch, worker)]
                self.stats.latencies += [elapsed] * len(landed)
            if self.on_delivery is not None and outcomes:
                refused = len(outcomes) - len(landed)
                self.on_delivery(Delivery(batch, worker, landed, refused, from_table))
            return len(landed)

        counts = await asyncio.gather(*(one(b, w, items) for (b, w), items in owed.items()))
        return sum(counts)

    async def _visible(self, batch: Pubkey, worker: Pubkey, items: list[int]) -> list[int]:
        """The items of a live notice that the node's reads show owed to
        `worker`, once they all do (or what they show after `VISIBLE_WITHIN`).

        A notice can arrive before the state reads and simulations use shows
        its transaction (seen on Agave's test validator: a confirmed logs
        notice, then a simulation at confirmed without the acceptance, so the
        delivery failed and the keys waited for the next resync). An item
        owed but not shown by then (released meanwhile) is left to that
        resync's table read."""
        deadline = time.monotonic() + VISIBLE_WITHIN
        shown: set[int] = set()
        while True:
            try:
                b = await self.client.fetch_or_none(Batch, batch)
                if b is not None:
                    tables = await self.client.get_tables(b)
                    shown = owed_keys(b, tables).get((batch, worker), set())
            except Exception as e:  # unreadable now: deliver, the program decides
                log.warning("reading batch %s failed: %s", batch, e)
                return items
            if shown.issuperset(items) or time.monotonic() >= deadline:
                return [i for i in items if i in shown]
            await asyncio.sleep(VISIBLE_POLL)

    def _absorb(
        self, notice: LogsNotice, owed: Owed, seen_at: dict[tuple[Pubkey, Pubkey], float]
    ) -> None:
        if notice.err is not None:
            return
        for e in notice.events:
            batch, worker = e.fields.get("batch"), e.fields.get("worker")
            if batch not in self.master_keys or not isinstance(worker, Pubkey):
                continue
            if e.name == "TasksAccepted" and e.fields["accepted"]:
                owed.setdefault((batch, worker), set()).update(e.fields["accepted"])
                seen_at.setdefault((batch, worker), time.monotonic())
            elif e.name == "TasksReleased":
                # A released item may be accepted again: its new slot needs a key.
                self._done.difference_update((batch, worker, int(i)) for i in e.fields["items"])

    async def run(self, stop: asyncio.Event | None = None) -> AgentStats:
        """Catch up, then follow acceptances until `stop` is set (or the task
        is cancelled: whatever was in flight is settled by the next run's
        catch-up, from the chain)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            await self.discover_batches()
            if not self.master_keys:
                if not self.discover:
                    raise ValueError("the key agent has no batch to serve")
                # Nothing to serve yet: look again after a resync interval.
                self._set_ready()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.resync_interval)
                continue
            sub = await self.client.backend.subscribe_logs(self.batches)
            try:
                # Subscribed first, then read: an acceptance in between is in one or both.
                await self.catch_up()
                self._set_ready()
                await self._follow(sub, stop)
            finally:
                await sub.close()
        return self.stats

    def _set_ready(self) -> None:
        if not self.ready.is_set():
            self.ready.set()
            if self.on_ready is not None:
                self.on_ready()

    async def _follow(self, sub: Subscription[LogsNotice], stop: asyncio.Event) -> None:
        """Deliver for events until stop, or until a resync finds new batches
        (the caller then subscribes again, covering them)."""
        next_sync = time.monotonic() + self.resync_interval
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                nxt = asyncio.ensure_future(anext(sub))
                left = max(0.0, next_sync - time.monotonic())
                await asyncio.wait({nxt, stopping}, timeout=left, return_when="FIRST_COMPLETED")
                if not nxt.done():
                    nxt.cancel()
                    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                        await nxt
                    if stop.is_set():
                        return
                    known = len(self.master_keys)
                    await self.catch_up()
                    next_sync = time.monotonic() + self.resync_interval
                    if len(self.master_keys) != known:
                        return
                    continue
                try:
                    first = nxt.result()
                except StopAsyncIteration:
                    return  # the subscription ended: the caller subscribes again
                except Exception as e:  # the feed failed: resubscribe; catch-up fills the gap
                    log.warning("subscription failed (%s); subscribing again", e)
                    await asyncio.sleep(1.0)
                    return
                owed: Owed = {}
                seen_at: dict[tuple[Pubkey, Pubkey], float] = {}
                self._absorb(first, owed, seen_at)
                await asyncio.sleep(LINGER)
                for more in sub.pending():  # notices that arrived meanwhile join this round
                    self._absorb(more, owed, seen_at)
                await self._deliver(owed, seen_at)
        finally:
            stopping.cancel()


async def run_agent(
    backend: Backend,
    wallet: Keypair,
    master_keys: Mapping[Pubkey, bytes] | None = None,
    *,
    master_key: bytes | None = None,
    discover: bool = False,
    stop: asyncio.Event | None = None,
    resync_interval: float = 30.0,
    on_delivery: Callable[[Delivery], None] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> AgentStats:
    """Run a key agent with `wallet` (the batches' requester or named key
    agent) until `stop` is set; what `amplify agent run` calls."""
    agent = KeyAgent(
        RequesterClient(backend, wallet),
        master_keys,
        master_key=master_key,
        discover=discover,
        resync_interval=resync_interval,
        on_delivery=on_delivery,
        on_ready=on_ready,
    )
    return await agent.run(stop)


__all__ = ["AgentStats", "Delivery", "KeyAgent", "owed_keys", "run_agent"]
