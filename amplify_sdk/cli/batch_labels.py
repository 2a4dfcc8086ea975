"""`amplify batch labels`: the labelled dataset of a batch
(`amplify_sdk.quality.labels`): one row per item with its consensus label,
confidence, answers and agreement; each worker's estimated accuracy."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import click
from rich.console import Console
from rich.table import Table
from solders.pubkey import Pubkey

from ..quality.labels import LabelMethod, batch_labels, label_text
from ._context import Out, Settings, command, connect
from ._gold import gold_options, read_gold
from ._groups import batch as group
from ._params import ADDRESS

#: The SDK's methods, spelled as options are (one-coin, dawid-skene, ...).
METHODS = {m.replace("_", "-"): m for m in get_args(LabelMethod)}


@command(group, "labels")
@click.argument("batch", type=ADDRESS)
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default="auto",
    show_default=True,
    help="Consensus: one-coin Dawid-Skene (one accuracy per worker), full "
    "Dawid-Skene (a confusion matrix per worker), plurality vote, or auto "
    "(one-coin until workers have enough answers for the full model).",
)
@gold_options
@click.option(
    "--out",
    "dest",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="labels.csv, or labels.jsonl for JSON lines.",
)
async def labels(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    method: str,
    gold: Path | None,
    instructions: Path | None,
    dest: Path,
) -> None:
    """Write BATCH's labelled dataset: per item the consensus label, its
    posterior probability, the number of answers and their agreement, read
    from chain history; and show each worker's estimated accuracy."""
    opening, doc = read_gold(gold, instructions)
    async with connect(settings) as amp:
        found = await batch_labels(
            amp.requester(),
            batch,
            method=METHODS[method],
            gold=opening,
            instructions=doc,
        )
    written = found.write(dest)
    c = found.consensus
    confidence = [r.confidence for r in found.rows]
    data: dict[str, Any] = {
        "batch": batch,
        "method": c.method,
        "items": written,
        "labels": [label_text(x) for x in c.labels],
        "file": dest,
        "iterations": c.iterations,
        "converged": c.converged,
        "mean_confidence": round(sum(confidence) / len(confidence), 4) if confidence else None,
        "workers": [
            {"worker": str(q.worker), "answers": q.answers, "accuracy": round(q.accuracy, 4)}
            for q in found.workers
        ],
    }

    def render(console: Console) -> None:
        table = Table(title=f"batch {batch}: {written:,} items labelled ({c.method})")
        table.add_column("worker")
        table.add_column("answers", justify="right")
        table.add_column("estimated accuracy", justify="right")
        for q in found.workers:
            table.add_row(str(q.worker), f"{q.answers:,}", f"{q.accuracy:.1%}")
        console.print(table)
        if not c.converged:
            console.print(
                f"[yellow]the model did not converge in {c.iterations} iterations: "
                "the labels are its last estimate[/yellow]"
            )
        console.print(f"{written:,} labels written to {dest}")

    out.result(data, render)
