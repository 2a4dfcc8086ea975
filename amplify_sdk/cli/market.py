"""`amplify market`: prices paid by worker tier, fill times, the workers'
standings, open work."""

from __future__ import annotations

import math
from pathlib import Path

import click
from rich.console import Console, Group
from rich.table import Table

from ..clients._market import MarketView, market_view, plot
from ..quality.standing import TIER_MIN_WEIGHT
from ._context import Out, Settings, command, connect
from ._params import stars, when


def register(cli: click.Group) -> None:
    cli.add_command(market)


def _num(x: float, digits: int = 0) -> str:
    return "–" if math.isnan(x) else f"{x:,.{digits}f}"


def market_tables(view: MarketView, top: int = 10) -> Group:
    """The market as rich tables (shared with the demo's report)."""
    paid = Table(
        "worker tier",
        "workers",
        "items paid",
        "paid (lamports)",
        "mean payout/item",
        "median",
        "mean price/item",
        "fill median (s)",
        "fill p90 (s)",
        title=f"Prices paid and fill times by worker tier ({view.transactions:,} transactions)",
        caption=f"tiers: mean stars as rated, once a worker's ratings weigh {TIER_MIN_WEIGHT:,}"
        " lamports of fee (below: little evidence)",
    )
    for b in view.tiers:
        paid.add_row(
            b.name,
            f"{b.workers:,}",
            f"{b.items:,}",
            f"{b.paid_total:,}",
            _num(b.payout_mean),
            _num(b.payout_median),
            _num(b.price_mean),
            _num(b.fill_median_s, 1),
            _num(b.fill_p90_s, 1),
        )
    work = Table(
        "batch",
        "price",
        "payout",
        "open slots",
        "open value (lamports)",
        "min rating",
        "expires",
        title=f"Open work: {view.open_value:,} lamports in {len(view.open_work)} batches",
    )
    for o in view.open_work[:top]:
        work.add_row(
            str(o.address),
            f"{o.price:,}",
            f"{o.payout:,}",
            f"{o.open_slots:,}",
            f"{o.value:,}",
            stars(o.min_rating) if o.min_rating else "any",
            when(o.expires_at),
        )
    people = Table(
        "worker",
        "tier",
        "standing",
        title=f"Workers: {len(view.workers):,} registered (first {min(top, len(view.workers))})",
    )
    for w in view.workers[:top]:
        people.add_row(str(w.worker), w.tier, w.text())
    return Group(paid, people, work)


@command(click.Group(), "market")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=5_000,
    show_default=True,
    help="Latest program transactions to read for payments and fill times.",
)
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a PNG chart here.",
)
async def market(settings: Settings, out: Out, limit: int, plot_path: Path | None) -> None:
    """The market from chain data: prices paid by worker tier (mean stars as
    rated, with enough evidence), fill times (acceptance → delivery), the
    workers' standings, and open work (open slots × price)."""
    async with connect(settings) as amp:
        view = await market_view(amp.backend, limit=limit)
    data = view.as_dict()
    if plot_path is not None:
        data["plot"] = plot(view, plot_path)

    def render(c: Console) -> None:
        c.print(market_tables(view))
        if plot_path is not None:
            c.print(f"chart: {plot_path}")

    out.result(data, render)
