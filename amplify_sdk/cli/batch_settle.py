"""`amplify batch settle`: dynamic overlap from the command line. Items whose
consensus label is already confident (`--min-confidence`, the posterior of
`amplify batch labels`) are settled on chain (`settle_items`): their open
slots are refunded at once and no worker can take them; reserved work is
still paid, completed work still rateable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from solders.pubkey import Pubkey

from ..quality.labels import batch_labels, confident_items
from ._context import Out, Settings, command, connect, lamports
from ._gold import gold_options, read_gold
from ._groups import batch as group
from ._outcomes import finish, outcome_summary
from ._params import ADDRESS
from .batch_labels import METHODS


@command(group, "settle")
@click.argument("batch", type=ADDRESS)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=0.95,
    show_default=True,
    help="Settle items whose consensus label has at least this posterior.",
)
@click.option(
    "--min-answers",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="...on at least this many answers.",
)
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default="auto",
    show_default=True,
    help="Consensus method, as in `amplify batch labels`.",
)
@gold_options
@click.option("--dry-run", is_flag=True, help="Say what would be settled; send nothing.")
async def settle(
    settings: Settings,
    out: Out,
    batch: Pubkey,
    min_confidence: float,
    min_answers: int,
    method: str,
    gold: Path | None,
    instructions: Path | None,
    dry_run: bool,
) -> int:
    """Settle BATCH's confidently labelled items: their open slots are
    refunded at once and no worker can take them (reserved work is still
    paid). Exit code 3 when some items picked were refused."""
    opening, doc = read_gold(gold, instructions)
    async with connect(settings, None if dry_run else settings.wallet()) as amp:
        req = amp.requester()
        found = await batch_labels(
            req, batch, method=METHODS[method], gold=opening, instructions=doc
        )
        gold_items = [r.item for r in opening.reveals] if opening is not None else []
        confident = confident_items(
            found, min_confidence, min_answers=min_answers, exclude=gold_items
        )
        b = await req.get_batch(batch)
        open_slots = await req.open_slots(batch, confident)
        picked = sorted(open_slots)
        slots = sum(open_slots.values())
        data: dict[str, Any] = {
            "batch": batch,
            "min_confidence": min_confidence,
            "labelled": len(found.rows),
            "confident": len(confident),
            "to_settle": len(picked),
            "open_slots": slots,
            "refund": slots * b.price,
            "dry_run": dry_run,
        }
        if dry_run or not picked:
            out.result(
                data,
                f"{len(confident):,} of {len(found.rows):,} items at confidence ≥ "
                f"{min_confidence}; {len(picked):,} with open slots: {slots:,} slots, "
                f"{lamports(slots * b.price)} to refund" + (" (dry run)" if dry_run else ""),
            )
            return 0
        before = await req.balance()
        outcomes = await req.settle_items(batch, picked)
        change = await req.balance() - before
    data |= outcome_summary(outcomes)
    data["wallet_change"] = change
    status = finish(data, len(picked))
    refused = ", ".join(f"{n}× {k}" for k, n in data["refused"].items())
    out.result(
        data,
        f"settled {len(data['ok']):,} items ({slots:,} open slots); wallet {change:+,} "
        "lamports (refunds − fees)" + (f"; refused {refused}" if refused else ""),
    )
    return status
