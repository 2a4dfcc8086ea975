"""`amplify batch upload`: a file's items onto a batch, exactly once."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from solders.pubkey import Pubkey

from ._context import Out, Settings, command, connect
from ._inputs import read_hashes
from ._params import ADDRESS
from ._upload import DEFAULT_CHUNK, journal_path, manifest_path, upload
from .batch import group


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
    default=DEFAULT_CHUNK,
    show_default=True,
    help="Items per add_tasks transaction (journal grain).",
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
async def upload_cmd(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    source: Path,
    chunk_size: int,
    journal: Path | None,
    manifest: Path | None,
) -> None:
    """Upload the items of a CSV or JSONL file or a folder, exactly once.

    Every row is checked first (a bad row is reported with its file and line,
    and nothing is sent). Interrupted at any moment, the same command resumes
    where the chain is.
    """
    hashes = read_hashes(source)
    wallet = settings.wallet()
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
    task = progress.add_task("upload", total=len(hashes))
    async with connect(settings, wallet) as amp:
        with progress:
            result = await upload(
                amp.requester(),
                batch,
                hashes,
                journal_file=journal or journal_path(source),
                manifest_file=manifest or manifest_path(source),
                source=str(source),
                chunk=chunk_size,
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
