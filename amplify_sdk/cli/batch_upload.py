"""`amplify batch upload`: a file's items onto a batch, exactly once; with
`--store`, the items themselves into a store too (encrypted first for an
encrypted batch), where workers fetch and check them."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from solders.pubkey import Pubkey

from ..storage import manifest_name
from ._context import Out, Settings, UserError, command, connect
from ._groups import batch as group
from ._inputs import read_hashes, read_items
from ._params import ADDRESS
from ._store import DEFAULT_MASTER_KEY, STORE_HELP, base_of, master_key_for_upload, open_store
from ._upload import DEFAULT_CHUNK, journal_path, manifest_path, upload


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} items/s" if speed else "… items/s")


@command(group, "upload")
@click.argument("batch", type=ADDRESS)
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help=f"Items per add_tasks transaction (journal grain) [default: {DEFAULT_CHUNK:,}].",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Journal file [default: SOURCE.amplify-journal.sqlite].",
)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Manifest JSON [default: SOURCE.amplify-manifest.json].",
)
@click.option(
    "--encrypt",
    is_flag=True,
    help="Encrypt each item under its own key and put the ciphertexts in --store "
    "(a batch created with --encrypted).",
)
@click.option(
    "--store",
    default=None,
    help=f"{STORE_HELP}: where the items go, for workers to fetch (`worker fetch`); "
    "required with --encrypt.",
)
@click.option(
    "--master-key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The key every item key derives from; made if the file does not exist "
    f"(--encrypt) [default: {DEFAULT_MASTER_KEY}].",
)
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help="Upload an item given twice (the same bytes) as two items, each paid for "
    "[default: refused, naming the lines].",
)
async def upload_cmd(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    source: Path,
    chunk_size: int | None,
    journal: Path | None,
    manifest: Path | None,
    encrypt: bool,
    store: str | None,
    master_key: Path | None,
    allow_duplicates: bool,
) -> None:
    """Upload the items of a CSV or JSONL file or a folder, exactly once.

    Every row is checked first (a bad row is reported with its file and line,
    and nothing is sent). Interrupted at any moment, the same command resumes
    where the chain is.

    With --encrypt (an encrypted batch), the items are encrypted, stored in
    --store, and the ciphertexts' hashes committed; the key agent (amplify
    agent run) needs the same --master-key. Resumed the same way: the same
    items encrypt to the same blobs, blobs the store holds are not sent again,
    and items already on chain are checked and skipped.
    """
    if encrypt or store is not None:
        if chunk_size is not None or journal is not None or manifest is not None:
            raise UserError(
                "--chunk-size, --journal and --manifest are for uploads without --store: an "
                "upload to a store resumes from the chain and the store, and keeps its "
                "manifest there"
            )
        if store is None:
            raise UserError("--encrypt needs --store: where the encrypted items go")
        if master_key is not None and not encrypt:
            raise UserError("--master-key goes with --encrypt")
        items = read_items(source, allow_duplicates=allow_duplicates)
        await _upload_stored(
            settings, out, batch, items, store, master_key or DEFAULT_MASTER_KEY, encrypt
        )
        return
    if master_key is not None:
        raise UserError("--master-key goes with --encrypt")
    hashes = read_hashes(source, allow_duplicates=allow_duplicates)
    wallet = settings.wallet()
    progress, task = _progress(settings, len(hashes))
    async with connect(settings, wallet) as amp:
        req = amp.requester()
        if (await req.get_batch(batch)).encrypted:
            # Plaintext hashes on chain would let anyone confirm a guess of an item.
            raise UserError(f"batch {batch} is encrypted: upload with --encrypt --store DIR|URL")
        with progress:
            result = await upload(
                req,
                batch,
                hashes,
                journal_file=journal or journal_path(source),
                manifest_file=manifest or manifest_path(source),
                source=str(source),
                chunk=chunk_size or DEFAULT_CHUNK,
                progress=lambda done, total: progress.update(task, completed=done),
            )
    rate = result.sent / result.seconds if result.seconds else 0.0
    data = {
        "batch": batch,
        "items": result.items,
        "sent": result.sent,
        "already_on_chain": result.items - result.sent,
        "resumed": result.resumed,
        "recovered_uploads": result.recovered,
        "uploads": len(result.uploads),
        "seconds": round(result.seconds, 3),
        "items_per_second": round(rate, 1),
        "journal": result.journal,
        "manifest": result.manifest,
    }
    out.result(
        data,
        f"{result.items:,} items on chain in batch {batch} ({result.sent:,} sent now, "
        f"{rate:,.0f} items/s; {len(result.uploads)} uploads"
        + (f", {result.recovered} recovered from the chain" if result.recovered else "")
        + f")\nmanifest: {result.manifest}\njournal:  {result.journal}",
    )


def _progress(settings: Settings, total: int) -> tuple[Progress, TaskID]:
    stderr = Console(stderr=True)
    progress = Progress(
        TextColumn("uploading"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeRemainingColumn(),
        console=stderr,
        # A bar only for a person watching: logs and pipes get the summary.
        disable=settings.json or not stderr.is_terminal,
    )
    return progress, progress.add_task("upload", total=total)


async def _upload_stored(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    items: list[bytes],
    store: str,
    master_key: Path,
    encrypt: bool,
) -> None:
    wallet = settings.wallet()
    key, created = master_key_for_upload(master_key) if encrypt else (b"", False)
    progress, task = _progress(settings, len(items))
    t0 = time.perf_counter()
    async with connect(settings, wallet) as amp:
        req = amp.requester()
        b = await req.get_batch(batch)
        if b.requester != req.address:
            raise UserError(
                f"batch {batch} belongs to requester {b.requester}; --keypair is {req.address}"
            )
        if encrypt and not b.encrypted:
            raise UserError(
                f"batch {batch} is not encrypted (batch create --encrypted): upload "
                "without --encrypt"
            )
        if b.encrypted and not encrypt:
            # Plaintext hashes on chain would let anyone confirm a guess of an item.
            raise UserError(f"batch {batch} is encrypted: upload with --encrypt --store DIR|URL")

        def moved(n: int, total: int) -> None:
            progress.update(task, completed=b.item_count + n)

        async with open_store(store) as target:
            with progress:
                if encrypt:
                    done = await req.upload_encrypted(batch, items, target, key, progress=moved)
                else:
                    done = await req.upload_items(batch, items, target, progress=moved)
            base = base_of(target)
    seconds = time.perf_counter() - t0
    data = {
        "batch": batch,
        "items": len(items),
        "sent": len(items) - b.item_count,
        "already_on_chain": b.item_count,
        "uploads": len(done.uploads),
        "seconds": round(seconds, 3),
        "store": store,
        "manifest": manifest_name(batch),
        "encrypted": encrypt,
    }
    if encrypt:
        data |= {"master_key": master_key, "master_key_created": created}
    kind = "encrypted items" if encrypt else "items"
    out.result(
        data,
        f"{len(items):,} {kind} on chain in batch {batch} "
        f"({data['sent']:,} sent now, {len(done.uploads)} uploads); blobs and manifest "
        f"({manifest_name(batch)}) in {store}",
    )
    # Said once it worked (an error stays the one line on stderr).
    if created:
        out.note(f"new master key in {master_key}: keep it secret; amplify agent run needs it")
    if base is not None and b.base_uri != base:
        out.note(
            f"the batch's base URI is {b.base_uri!r}, not {base!r}: workers need "
            f"--store {store} to fetch"
        )
