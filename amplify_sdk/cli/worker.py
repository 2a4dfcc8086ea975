"""`amplify worker register|browse|accept|fetch|submit|earnings`."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from solders.pubkey import Pubkey

from ..chain._scan import batches
from ..chain._timeline import events
from ..protocol._models import Batch, BatchStatus, ItemOutcome
from ._context import Out, Settings, UserError, command, connect, lamports, require_some
from ._groups import worker as group
from ._outcomes import finish, outcome_summary
from ._params import ADDRESS, ITEMS, standing_json, standing_text, stars, when
from ._store import STORE_HELP, open_store
from .worker_fetch import text_of

if TYPE_CHECKING:
    from ..clients._worker import WorkerClient


def register(cli: click.Group) -> None:
    cli.add_command(group)


@command(group, "register")
async def register_cmd(settings: Settings, out: Out) -> None:
    """Create the wallet's worker profile (once; its rent is the only cost)."""
    async with connect(settings, settings.wallet()) as amp:
        profile = await amp.worker().register()
    out.result(
        {"worker": profile.worker, "profile": profile.address, "rating": profile.rating},
        f"registered worker {profile.worker} (profile {profile.address})",
    )


#: Characters of an item's text `worker browse --show` prints.
PREVIEW_CHARS = 80


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"


async def _previews(
    w: WorkerClient, b: Batch, items: list[int], store_spec: str | None
) -> list[dict[str, Any]]:
    """What the listed items say (a plain batch's blobs, each checked against
    the chain by `fetch_items`)."""
    if b.encrypted:
        raise UserError(
            f"batch {b.address} is encrypted: an item opens only for the worker who "
            "reserved it (worker accept, then worker fetch)"
        )
    spec = store_spec or b.base_uri
    if not spec:
        raise UserError(f"batch {b.address} names no base URI: pass --store")
    async with open_store(spec, create=False) as source:
        blobs = await w.fetch_items(b.address, items, source)
    return [
        {"item": i, "bytes": len(data), "text": text_of(data)}
        for i, data in zip(items, blobs, strict=True)
    ]


@command(group, "browse")
@click.argument("batch", type=ADDRESS, required=False)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Items to list for a batch.",
)
@click.option(
    "--show",
    is_flag=True,
    help="With BATCH (a plain one): each listed item's text, from --store or the "
    "batch's base URI, checked against the chain.",
)
@click.option("--store", "store_spec", default=None, help=STORE_HELP + " With --show.")
async def browse(
    settings: Settings,
    out: Out,
    batch: Pubkey | None,
    limit: int,
    show: bool,
    store_spec: str | None,
) -> None:
    """Open batches you may work on, best payout first; or, with BATCH, the
    items of it you can accept and your reservations there (--show: what
    each item says)."""
    if (show or store_spec) and batch is None:
        raise UserError("--show and --store go with a BATCH")
    if store_spec and not show:
        raise UserError("--store goes with --show")
    wallet = settings.wallet_or_none()
    async with connect(settings, wallet) as amp:
        w = amp.worker()
        now = await w.now()
        mine = await w.get_standing(w.address) if wallet is not None else None
        rating = mine.score if mine is not None else 0
        if batch is not None:
            b = await w.get_batch(batch)
            items = await w.open_items(batch)
            held = await w.reservations(batch) if wallet is not None else []
            previews = await _previews(w, b, items[:limit], store_spec) if show else None
            data = {
                "batch": batch,
                "payout": b.payout,
                "open_items": len(items),
                "items": items[:limit],
                "reservations": [{"item": i, "deadline": d} for i, d in held],
                "expires_at": b.expires_at,
            }
            text = (
                f"batch {batch}: {len(items):,} items open to you at {b.payout:,} lamports "
                f"each; first {min(limit, len(items))}: {items[:limit]}\n"
                f"your reservations: {len(held):,}; expires {when(b.expires_at)}"
            )
            if previews is not None:
                data["previews"] = previews
                text += "".join(
                    f"\n  item {p['item']}: "
                    + (
                        escape(_short(p["text"]))
                        if p["text"] is not None
                        else f"{p['bytes']:,} bytes"
                    )
                    for p in previews
                )
            out.result(data, text)
            return
        found = await batches(amp.backend, status=BatchStatus.OPEN)
    offers: list[dict[str, Any]] = [
        {
            "batch": b.address,
            "payout": b.payout,
            "open_slots": b.open_slots,
            "min_rating": b.min_rating,
            "eligible": rating >= b.min_rating,
            "expires_at": b.expires_at,
            "base_uri": b.base_uri,
        }
        for b in found
        if b.open_slots > 0 and now < b.expires_at
    ]
    offers.sort(key=lambda o: (-o["eligible"], -o["payout"]))

    def render(c: Console) -> None:
        table = Table(
            "batch",
            "payout/item",
            "open slots",
            "min rating",
            "you",
            "expires",
            title="open work",
            caption=f"you: {standing_text(mine)}",
        )
        for o in offers:
            table.add_row(
                str(o["batch"]),
                f"{o['payout']:,}",
                f"{o['open_slots']:,}",
                stars(o["min_rating"]) if o["min_rating"] else "any",
                "yes" if o["eligible"] else "rating too low",
                when(o["expires_at"]),
            )
        c.print(table if offers else "no open work")

    out.result({"rating": rating, "standing": standing_json(mine), "batches": offers}, render)


@command(group, "accept")
@click.argument("batch", type=ADDRESS)
@click.option("--items", type=ITEMS, default=None, help="Items to accept: 0,5,7-9.")
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=None,
    help="Accept up to this many open items [default: as many as you may hold].",
)
@click.option(
    "--store",
    "store_spec",
    default=None,
    help="Where the required skills' leaf lists are (a batch that requires skills).",
)
async def accept(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    items: list[int] | None,
    count: int | None,
    store_spec: str | None,
) -> int:
    """Reserve items (a small bond each, back on delivery). Refused items are
    listed with the program's reason; exit code 3 when fewer were taken than
    asked for."""
    if items is not None and count is not None:
        raise UserError("give --items or --count, not both")
    async with connect(settings, settings.wallet()) as amp:
        w = amp.worker()
        if items is None:
            b = await w.get_batch(batch)
            idx = b.roster_index(w.address)
            active = b.roster[idx].active if idx is not None else 0
            items = (await w.open_items(batch))[: count or max(b.max_active - active, 0)]
        if not items:
            raise UserError(f"no item of batch {batch} is open to you (see amplify worker browse)")
        if store_spec is None:
            if (await w.get_batch(batch)).skill_count:
                raise UserError(
                    f"batch {batch} requires skills: give --store, where their leaf lists are"
                )
            outcomes = await w.accept_tasks(batch, items)
        else:
            async with open_store(store_spec, create=False) as store:
                outcomes = await w.accept_tasks(batch, items, store=store)
        require_some(outcomes)
        deadlines = dict(await w.reservations(batch))
    data = {"batch": batch, **outcome_summary(outcomes)}
    # --count is at most that many: fewer open items is not a failure, the
    # program refusing some of those asked for is.
    status = finish(data, len(items))
    data["deadline"] = max((deadlines.get(i, 0) for i in data["ok"]), default=None)
    refused = ", ".join(f"{n}× {k}" for k, n in data["refused"].items())
    out.result(
        data,
        f"accepted {len(data['ok']):,} items: {data['ok'][:20]}"
        + ("…" if len(data["ok"]) > 20 else "")
        + (f"; refused {refused}" if refused else "")
        + (f"; deliver by {when(data['deadline'])}" if data["deadline"] else ""),
    )
    return status


def read_answers(path: Path) -> list[tuple[int, bytes]]:
    """(item, answer) rows of a CSV (`item`, `answer` or `answer_hex`) or
    JSONL file; every row checked first."""
    rows: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = [(reader.line_num, dict(r)) for r in reader]
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as e:
                        raise UserError(f"{path}:{n}: invalid JSON ({e.msg})") from None
                    rows.append((n, obj if isinstance(obj, dict) else {}))
    else:
        raise UserError(f"{path}: give a .csv or .jsonl file of item,answer rows")
    out = []
    for n, row in rows:
        try:
            item = int(row["item"])
            if row.get("answer_hex") not in (None, ""):
                answer = bytes.fromhex(str(row["answer_hex"]))
            else:
                answer = str(row["answer"]).encode()
        except (KeyError, ValueError, TypeError):
            raise UserError(
                f"{path}:{n}: need an integer 'item' and an 'answer' (text) or 'answer_hex'"
            ) from None
        if not 1 <= len(answer) <= 64:
            raise UserError(f"{path}:{n}: an answer is 1 to 64 bytes, this one {len(answer)}")
        out.append((item, answer))
    return out


@command(group, "submit")
@click.argument("batch", type=ADDRESS)
@click.argument(
    "answers", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
@click.option(
    "--answer",
    "inline",
    multiple=True,
    metavar="ITEM=TEXT",
    help="An answer on the command line (repeatable).",
)
@click.option("--result-uri", default="", help="Where hashed results are stored (≤ 200 bytes).")
async def submit(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    answers: Path | None,
    inline: tuple[str, ...],
    result_uri: str,
) -> int:
    """Deliver answers (a label of 1-64 bytes, or a 32-byte hash as
    answer_hex) for reserved items and be paid at once; exit code 3 when
    some were refused."""
    pairs = read_answers(answers) if answers is not None else []
    for spec in inline:
        index, sep, text = spec.partition("=")
        if not sep or not index.strip().isdigit() or not 1 <= len(text.encode()) <= 64:
            raise UserError(f"--answer {spec!r}: write ITEM=TEXT with 1-64 bytes of text")
        pairs.append((int(index), text.encode()))
    if not pairs:
        raise UserError("no answers: give an ANSWERS file or --answer ITEM=TEXT")
    # One call per answer width: a transaction's answers all have one width.
    by_width: dict[int, list[tuple[int, bytes]]] = defaultdict(list)
    for item, answer in pairs:
        by_width[len(answer)].append((item, answer))
    outcomes: list[ItemOutcome] = []
    async with connect(settings, settings.wallet()) as amp:
        w = amp.worker()
        before = await w.balance()
        for group_pairs in by_width.values():
            outcomes += await w.submit_results(batch, group_pairs, result_uri)
        change = await w.balance() - before
    require_some(outcomes)
    data = {"batch": batch, **outcome_summary(outcomes), "wallet_change": change}
    status = finish(data, len(outcomes))
    refused = ", ".join(f"{n}× {k}" for k, n in data["refused"].items())
    out.result(
        data,
        f"delivered {len(data['ok']):,} results; wallet {change:+,} lamports "
        "(payments + bonds back − fees)" + (f"; refused {refused}" if refused else ""),
    )
    return status


@command(group, "earnings")
@click.option("--worker", type=ADDRESS, default=None, help="Another worker [default: wallet].")
async def earnings(settings: Settings, out: Out, worker: Pubkey | None) -> None:
    """What the wallet earned, per batch, from the cluster's history."""
    me = worker or settings.wallet().pubkey()
    async with connect(settings) as amp:
        mine = await amp.worker().get_standing(me)
        records = await events(amp.backend, me, names={"ResultsSubmitted", "TasksReleased"})
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"items": 0, "paid": 0, "forfeited": 0})
    for r in records:
        if r.fields["worker"] != me:
            continue
        row = per[str(r.fields["batch"])]
        if r.name == "ResultsSubmitted":
            row["items"] += len(r.fields["items"])
            row["paid"] += r.fields["paid"]
        else:
            row["forfeited"] += r.fields["forfeited"]
    total = sum(v["paid"] for v in per.values())
    data = {
        "worker": me,
        "rating": mine.score if mine else None,
        "ratings": mine.ratings if mine else 0,
        "standing": standing_json(mine),
        "paid_total": total,
        "items_total": sum(v["items"] for v in per.values()),
        "batches": [{"batch": k, **v} for k, v in per.items()],
    }

    def render(c: Console) -> None:
        table = Table(
            "batch",
            "items",
            "paid (lamports)",
            "bonds forfeited",
            title=f"earnings of {me}",
            caption=f"standing: {standing_text(mine)}",
        )
        for k, v in per.items():
            table.add_row(k, f"{v['items']:,}", f"{v['paid']:,}", f"{v['forfeited']:,}")
        c.print(table)
        c.print(f"total: {lamports(total)} for {data['items_total']:,} items")

    out.result(data, render)
