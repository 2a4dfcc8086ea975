"""`amplify batch results`: every delivered result, from chain history."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
from solders.pubkey import Pubkey

from ..quality._results import batch_results
from ._context import Out, Settings, command, connect
from ._groups import batch as group
from ._params import ADDRESS


@command(group, "results")
@click.argument("batch", type=ADDRESS)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--out",
    "dest",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here [default: stdout].",
)
async def results(settings: Settings, out: Out, batch: Pubkey, fmt: str, dest: Path | None) -> None:
    """Every delivered result, from the cluster's transaction history: item,
    worker, answer (hex and text), payment, signature, stars if rated."""
    async with connect(settings) as amp:
        rows = [r.as_dict() for r in await batch_results(amp.backend, batch)]
    if dest is None and settings.json:
        out.result({"batch": batch, "results": rows}, "")
        return
    buf = io.StringIO()
    if fmt == "jsonl":
        for row in rows:
            buf.write(json.dumps(row) + "\n")
    else:
        columns = [
            "item",
            "worker",
            "answer",
            "answer_hex",
            "paid",
            "fee",
            "stars",
            "signature",
            "slot",
            "block_time",
            "result_uri",
        ]
        writer = csv.DictWriter(buf, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    if dest is None:
        print(buf.getvalue(), end="")
        return
    write_text(dest, buf.getvalue())
    out.result(
        {"batch": batch, "results": len(rows), "file": dest},
        f"{len(rows):,} results written to {dest}",
    )


def write_text(path: Path, text: str) -> None:
    path.write_text(text)
