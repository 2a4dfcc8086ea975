"""Reading program events back from chain history (any backend).

Events are decoded only from log lines our program wrote while it was the
innermost program on the stack (`_codecs.events_from_logs`), so another program
cannot forge them; transactions that failed are skipped, since their logs can
hold events whose effects were rolled back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass

from solders.pubkey import Pubkey
from solders.signature import Signature

from ..protocol._manifest import Upload
from ._backend import Backend, Event, TransactionDetails

#: getTransaction calls in flight at once while scanning history.
FETCH_CONCURRENCY = 8
PAGE = 1000


@dataclass(frozen=True)
class ChainEvent:
    signature: Signature
    slot: int
    event: Event


async def signatures(
    backend: Backend, address: Pubkey, *, until: Signature | None = None
) -> list[Signature]:
    """Every landed, successful transaction mentioning `address`, oldest first
    (newer than `until` if given)."""
    out: list[Signature] = []
    before: Signature | None = None
    while True:
        page = await backend.get_signatures_for_address(
            address, limit=PAGE, before=before, until=until
        )
        out += [s.signature for s in page if s.err is None]
        if len(page) < PAGE:
            break
        before = page[-1].signature
    out.reverse()
    return out


async def events(
    backend: Backend,
    address: Pubkey,
    names: Collection[str],
    *,
    until: Signature | None = None,
) -> list[ChainEvent]:
    """Our program's events named `names` in the history of `address`, oldest first."""
    sigs = await signatures(backend, address, until=until)
    gate = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(sig: Signature) -> TransactionDetails | None:
        async with gate:
            return await backend.get_transaction(sig)

    found = await asyncio.gather(*(one(s) for s in sigs))
    out: list[ChainEvent] = []
    for details in found:
        if details is None or details.err is not None:
            continue
        out += [
            ChainEvent(details.signature, details.slot, e)
            for e in details.events
            if e.name in names
        ]
    return out


async def uploads_from_history(backend: Backend, batch: Pubkey) -> list[Upload]:
    """A batch's upload list (the manifest's skeleton) from its `TasksAdded`
    events alone: what a requester that lost its manifest resumes from."""
    found = await events(backend, batch, {"TasksAdded"})
    return [
        Upload(
            int(e.event.fields["start_index"]),
            int(e.event.fields["count"]),
            bytes(e.event.fields["root"]),
        )
        for e in found
        if e.event.fields["batch"] == batch
    ]
