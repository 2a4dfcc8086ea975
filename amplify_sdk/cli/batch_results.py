"""`amplify batch results`: every delivered result, from the task tables or
the transaction history."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
from solders.pubkey import Pubkey

from ..quality._results import NotInAccounts, Source, batch_results
from ._context import Out, Settings, UserError, command, connect
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
@click.option(
    "--source",
    type=click.Choice(["auto", "accounts", "history"]),
    default="auto",
    show_default=True,
    help="accounts: the task tables (answers up to two bytes; a few calls on any "
    "node); history: the transactions (signatures and stars too; a call per "
    "delivery, on a node keeping history); auto: accounts when they hold every answer.",
)
async def results(
    settings: Settings, out: Out, batch: Pubkey, fmt: str, dest: Path | None, source: Source
) -> None:
    """Every delivered result: item, worker, answer (hex and text), payment,
    whether rated; from the history also the signature, URI and stars."""
    async with connect(settings) as amp:
        try:
            found = await batch_results(amp.backend, batch, source=source)
        except NotInAccounts as e:
            raise UserError(f"{e}: read them with --source history") from None
        rows = [r.as_dict() for r in found]
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
            "rated",
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
