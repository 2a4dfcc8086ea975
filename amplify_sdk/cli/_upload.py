"""Uploading a file's items to a batch, exactly once, across crashes.

The items' task tables are allocated first (one account holds up to ~870,000
items at redundancy 3), then the items go up in chunks, one `add_tasks`
transaction each, through the SDK's `add_tasks(batch, hashes[:end],
uploads=...)`, which checks the items already on chain are the file's. The
journal (`_journal`) records each chunk before it is sent and once it landed.

TEST-ONLY hooks, read from the environment (never set them otherwise):
`AMPLIFY_TEST_UPLOAD_DELAY=SECONDS` sleeps after each recorded chunk, so a test
can kill the process mid-run; `AMPLIFY_TEST_CRASH_AFTER_SEND=N` SIGKILLs the
process right after chunk N (1-based) landed and before the journal records
it: the window the recovery exists for.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from solders.instruction import Instruction
from solders.pubkey import Pubkey

from ..chain._timeline import events
from ..clients._client import SIGNATURE_FEE
from ..clients._requester import RequesterClient
from ..protocol._layout import plan_tables, table_size
from ..protocol._manifest import Upload, manifest_hash, merkle_root
from ..protocol._models import Batch
from ..protocol._program_errors import IndexMismatch
from ._context import UserError
from ._journal import Journal

#: Items per `add_tasks` by default: the journal's and progress bar's grain.
DEFAULT_CHUNK = 1_000
#: At most this many chunks per upload (the journal's rows and the fee
#: estimate stay small; `add_tasks` hashes each item once however many).
MAX_CHUNKS = 32

Progress = Callable[[int, int], None]


def journal_path(source: Path) -> Path:
    return source.with_name(source.name + ".amplify-journal.sqlite")


def manifest_path(source: Path) -> Path:
    return source.with_name(source.name + ".amplify-manifest.json")


@dataclass
class UploadResult:
    batch: Pubkey
    items: int
    #: Items this run put on chain (the rest were there already).
    sent: int
    resumed: bool
    #: Uploads rebuilt from the chain after a crash between send and record.
    recovered: int
    uploads: list[Upload] = field(default_factory=list)
    seconds: float = 0.0
    journal: Path | None = None
    manifest: Path | None = None


def plan(start: int, total: int, chunk: int, table_ends: list[int]) -> list[tuple[int, int]]:
    """(start, count) of the chunks from `start`: `chunk` items each, cut at
    task-table boundaries (an `add_tasks` writes one table)."""
    out = []
    i = start
    while i < total:
        end = min(i + chunk, total)
        end = min([e for e in table_ends if i < e < end], default=end)
        out.append((i, end - i))
        i = end
    return out


def _checked(uploads: list[Upload], b: Batch, hashes: list[bytes]) -> bool:
    """These uploads are exactly what the batch committed, over these items."""
    try:
        if manifest_hash(uploads) != b.manifest_hash:
            return False
    except ValueError:
        return False
    return sum(u.count for u in uploads) == b.item_count and all(
        merkle_root(u.start, hashes[u.start : u.start + u.count]) == u.root for u in uploads
    )


async def sync(
    requester: RequesterClient, batch: Pubkey, hashes: list[bytes], journal: Journal
) -> tuple[Batch, list[Upload], int]:
    """The batch, every upload it holds, and how many had to be rebuilt
    because the journal was behind the chain (a crash after a send)."""
    b = await requester.get_batch(batch)
    known = journal.landed()
    count = sum(u.count for u in known)
    disagrees = UserError(f"journal {journal.path} disagrees with batch {batch}'s manifest")
    if b.item_count < count:
        raise UserError(
            f"batch {batch} holds {b.item_count} items but journal {journal.path} recorded "
            f"{count}: is --url the cluster of the first run?"
        )
    if b.item_count == count:
        if not _checked(known, b, hashes):
            raise disagrees
        return b, known, 0
    # The chain is ahead: the last chunk(s) landed but were not recorded.
    tables = await requester.get_tables(b)
    ends = [t.first_item + t.capacity for t in tables]
    pending = [u for u in journal.pending() if u.start >= count]
    planned = [
        Upload(s, n, merkle_root(s, hashes[s : s + n]))
        for s, n in plan(count, b.item_count, journal.chunk or DEFAULT_CHUNK, ends)
    ]
    for source, extra in (("pending", pending), ("plan", planned)):
        trial = known + [u for u in extra if u.start + u.count <= b.item_count]
        if _checked(trial, b, hashes):
            journal.record_landed(trial[len(known) :], None, source)
            return b, trial, len(trial) - len(known)
    added = await events(requester.backend, batch, names={"TasksAdded"})
    history = [Upload(e.fields["start_index"], e.fields["count"], e.fields["root"]) for e in added]
    if _checked(history, b, hashes):
        # The chain's own record: what the journal says landed must be the
        # start of it (else the journal is another batch's, or damaged).
        if history[: len(known)] != known:
            raise disagrees
        new = [u for u in history if u.start >= count]
        journal.record_landed(new, None, "history")
        return b, history, len(new)
    raise UserError(
        f"batch {batch} holds {b.item_count} items that neither journal {journal.path} nor "
        "the batch's history account for: were other items uploaded to it?"
    )


async def allocate(requester: RequesterClient, b: Batch, items: int) -> Batch:
    """Task tables for `items` items in total (nothing if they exist): sized
    for the whole file at once, so a batch keeps a handful of tables."""
    need = items - b.items_capacity
    if need <= 0:
        return b
    index = b.table_count
    for capacity in plan_tables(need, b.redundancy):
        ixs: list[Instruction] = []
        await requester._create_table_ixs(b, index, capacity, ixs)
        await requester.send(ixs)
        index += 1
    return await requester.get_batch(b.address)


def _hook_after_send(n: int) -> None:
    crash = os.environ.get("AMPLIFY_TEST_CRASH_AFTER_SEND")
    if crash and int(crash) == n:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def _journal(path: Path) -> Iterator[Journal]:
    """The upload's journal; a new one is removed again when the run fails
    before recording any upload (a refused funds check, a bad batch): it
    would otherwise tie the input to a batch that holds none of it."""
    fresh = not path.exists()
    journal = Journal(path)
    try:
        yield journal
    except BaseException:
        unused = fresh and not journal.landed() and not journal.pending()
        journal.close()
        if unused:
            for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                name.unlink(missing_ok=True)
        raise
    else:
        journal.close()


async def upload(
    requester: RequesterClient,
    batch: Pubkey,
    hashes: list[bytes],
    *,
    journal_file: Path,
    manifest_file: Path | None,
    source: str,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> UploadResult:
    """Put every item on chain exactly once, resuming from the journal."""
    t0 = time.perf_counter()
    delay = float(os.environ.get("AMPLIFY_TEST_UPLOAD_DELAY") or 0)
    b = await requester.get_batch(batch)
    if b.requester != requester.address:
        raise UserError(
            f"batch {batch} belongs to requester {b.requester}; --keypair is {requester.address}"
        )
    chunk = max(chunk, -(-len(hashes) // MAX_CHUNKS))
    with _journal(journal_file) as journal:
        resumed = journal.bind(str(batch), source, hashes, chunk)
        chunk = journal.chunk
        b, done, recovered = await sync(requester, batch, hashes, journal)
        start = b.item_count
        if start < len(hashes):
            await _require_funds(requester, b, len(hashes) - start)
        b = await allocate(requester, b, len(hashes))
        ends = [t.first_item + t.capacity for t in await requester.get_tables(b)]
        if progress is not None:
            progress(b.item_count, len(hashes))
        sent_chunks = 0
        count = b.item_count
        while count < len(hashes):
            s, n = plan(count, len(hashes), chunk, ends)[0]
            expected = Upload(s, n, merkle_root(s, hashes[s : s + n]))
            journal.record_pending(expected)
            try:
                done = await requester.add_tasks(batch, hashes[: s + n], uploads=done)
            except IndexMismatch:
                # Another copy of this chunk landed first (a resend racing an
                # earlier one): the chain is ahead of us; catch up and go on.
                b, done, _ = await sync(requester, batch, hashes, journal)
                count = b.item_count
                continue
            sent_chunks += 1
            _hook_after_send(sent_chunks)
            if done[-1] != expected:
                raise UserError(f"upload at item {s} landed as {done[-1]}, not as planned")
            receipt = requester.last_receipt
            journal.record_landed([expected], str(receipt.signature) if receipt else None)
            count = s + n
            if progress is not None:
                progress(s + n, len(hashes))
            if delay:
                await asyncio.sleep(delay)
        b = await requester.get_batch(batch)
        if not _checked(done, b, hashes):
            raise UserError(f"batch {batch}'s manifest does not match the uploads recorded")
    if manifest_file is not None:
        write_manifest(manifest_file, b, source, hashes, done)
    return UploadResult(
        batch=batch,
        items=len(hashes),
        sent=len(hashes) - start,
        resumed=resumed,
        recovered=recovered,
        uploads=done,
        seconds=time.perf_counter() - t0,
        journal=journal_file,
        manifest=manifest_file,
    )


async def _require_funds(requester: RequesterClient, b: Batch, items: int) -> None:
    """Refuse before the first chunk when the wallet cannot pay for them all."""
    rent = 0
    need = b.item_count + items - b.items_capacity
    for capacity in plan_tables(need, b.redundancy) if need > 0 else []:
        rent += await requester.backend.minimum_balance(table_size(capacity, b.redundancy))
    escrow = b.price * b.redundancy * items
    fees = SIGNATURE_FEE * (MAX_CHUNKS + 8)
    await requester.require_lamports(escrow + rent + fees, f"uploading {items:,} items")


def write_manifest(
    path: Path, b: Batch, source: str, hashes: list[bytes], uploads: list[Upload]
) -> None:
    """The manifest, for storage beside the items: the uploads (proofs and
    resuming) and every content hash. Written whole or not at all."""
    doc = {
        "batch": str(b.address),
        "source": source,
        "items": len(hashes),
        "redundancy": b.redundancy,
        "manifest_hash": b.manifest_hash.hex(),
        "uploads": [{"start": u.start, "count": u.count, "root": u.root.hex()} for u in uploads],
        "hashes": [h.hex() for h in hashes],
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1))
    os.replace(tmp, path)
