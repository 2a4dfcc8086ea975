"""`amplify rate`: the requester rates delivered work (1-5 stars, once each)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import click
from solders.pubkey import Pubkey

from ..quality._results import batch_results, majority_ratings
from ._context import Out, Settings, UserError, command, connect, require_some
from ._outcomes import finish, outcome_summary
from ._params import ADDRESS


def register(cli: click.Group) -> None:
    cli.add_command(rate)


def read_ratings(path: Path) -> list[tuple[int, Pubkey, int]]:
    """(item, worker, stars) rows of a CSV or JSONL file, every row checked first."""
    rows: list[tuple[int, Any]] = []
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = [(reader.line_num, r) for r in reader]
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rows.append((n, json.loads(line)))
                    except json.JSONDecodeError as e:
                        raise UserError(f"{path}:{n}: invalid JSON ({e.msg})") from None
    else:
        raise UserError(f"{path}: give a .csv or .jsonl file of item,worker,stars rows")
    out = []
    for n, row in rows:
        try:
            item, stars = int(row["item"]), int(row["stars"])
            worker = Pubkey.from_string(str(row["worker"]))
        except (KeyError, ValueError, TypeError):
            raise UserError(
                f"{path}:{n}: need integer 'item', 'worker' address, integer 'stars'"
            ) from None
        if not 1 <= stars <= 5:
            raise UserError(f"{path}:{n}: stars are 1 to 5, not {stars}")
        out.append((item, worker, stars))
    return out


@command(click.Group(), "rate")
@click.argument("batch", type=ADDRESS)
@click.argument(
    "ratings", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option("--item", type=click.IntRange(0, 2**32 - 1), default=None, help="Rate one item...")
@click.option("--worker", type=ADDRESS, default=None, help="...delivered by this worker...")
@click.option("--stars", type=click.IntRange(1, 5), default=None, help="...with these stars.")
@click.option(
    "--majority",
    is_flag=True,
    help="Rate every unrated result by agreement with its item's strict majority "
    "answer (more than half its answers; an item without one rates --disagree).",
)
@click.option(
    "--agree",
    type=click.IntRange(1, 5),
    default=5,
    show_default=True,
    help="Stars for a result that agrees with the majority (--majority).",
)
@click.option(
    "--disagree",
    type=click.IntRange(1, 5),
    default=1,
    show_default=True,
    help="Stars for a result that does not (--majority).",
)
async def rate(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    ratings: Path | None,
    item: int | None,
    worker: Pubkey | None,
    stars: int | None,
    majority: bool,
    agree: int,
    disagree: int,
) -> int:
    """Rate delivered results of BATCH: from a RATINGS file (item, worker,
    stars), one with --item/--worker/--stars, or all by --majority; exit
    code 3 when some were refused."""
    single = (item, worker, stars)
    if any(v is not None for v in single) and not all(v is not None for v in single):
        raise UserError("--item, --worker and --stars go together")
    todo = read_ratings(ratings) if ratings is not None else []
    if item is not None and worker is not None and stars is not None:
        todo.append((item, worker, stars))
    if not todo and not majority:
        raise UserError(
            "nothing to rate: give a RATINGS file, --item/--worker/--stars or --majority"
        )
    async with connect(settings, settings.wallet()) as amp:
        req = amp.requester()
        if majority:
            todo += majority_ratings(await batch_results(amp.backend, batch), agree, disagree)
        outcomes = await req.rate_assignments(batch, todo) if todo else []
    require_some(outcomes)
    data = {"batch": batch, "rated": sum(o.ok for o in outcomes), **outcome_summary(outcomes)}
    status = finish(data, len(outcomes))
    del data["ok"]
    refused = ", ".join(f"{n}× {k}" for k, n in data["refused"].items())
    out.result(
        data, f"rated {data['rated']:,} results" + (f"; refused {refused}" if refused else "")
    )
    return status
