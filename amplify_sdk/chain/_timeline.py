"""The program's events over time, from transaction history: what happened to
an address (a batch, a worker, the program itself), oldest first, with each
transaction's slot and block time (fill times are measured from them).

Events live only in the logs of the transactions that emitted them, so a batch
that closed long ago is still readable as long as the cluster keeps its
history. Failed transactions are skipped: their state changes were rolled back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey
from solders.signature import Signature

from ._backend import Backend, SignatureInfo

#: Most signatures one getSignaturesForAddress returns.
PAGE = 1000


@dataclass(frozen=True)
class EventRecord:
    name: str
    fields: dict[str, Any]
    signature: Signature
    slot: int
    block_time: int | None
    #: Position of the transaction in the history read (0 = oldest), then of
    #: the event in it: a total order even within one slot.
    order: tuple[int, int]


async def signatures(
    backend: Backend, address: Pubkey, *, limit: int | None = None
) -> list[SignatureInfo]:
    """The address's landed transactions, newest first (at most `limit`)."""
    out: list[SignatureInfo] = []
    before: Signature | None = None
    while limit is None or len(out) < limit:
        want = PAGE if limit is None else min(PAGE, limit - len(out))
        page = await backend.get_signatures_for_address(address, limit=want, before=before)
        out += page
        if len(page) < want:
            break
        before = page[-1].signature
    return out


async def events(
    backend: Backend,
    address: Pubkey,
    *,
    names: Collection[str] | None = None,
    limit: int | None = None,
    concurrency: int = 16,
) -> list[EventRecord]:
    """Events (of `names`, default all) of the latest `limit` successful
    transactions mentioning `address`, oldest first."""
    infos = [i for i in await signatures(backend, address, limit=limit) if i.err is None]
    infos.reverse()
    gate = asyncio.Semaphore(concurrency)

    async def fetch(info: SignatureInfo) -> list[EventRecord]:
        async with gate:
            tx = await backend.get_transaction(info.signature)
        if tx is None or tx.err is not None:
            return []
        return [
            EventRecord(e.name, e.fields, tx.signature, tx.slot, tx.block_time, (0, k))
            for k, e in enumerate(tx.events)
            if names is None or e.name in names
        ]

    per_tx = await asyncio.gather(*(fetch(i) for i in infos))
    return [
        EventRecord(r.name, r.fields, r.signature, r.slot, r.block_time, (n, r.order[1]))
        for n, records in enumerate(per_tx)
        for r in records
    ]


__all__ = ["EventRecord", "events", "signatures"]
