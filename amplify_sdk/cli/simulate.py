"""`amplify simulate reputation`: the reputation formula over a simulated
market of honest, careless, spamming and gaming workers (docs/reputation.md)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..quality.simulate import plot, simulate_reputation
from ._context import Out, Settings, command


@click.group("simulate")
def group() -> None:
    """Run the protocol's formulas offline, on the SDK's bit-exact twins."""


def register(cli: click.Group) -> None:
    cli.add_command(group)


@command(group, "reputation")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a PNG of the score trajectories here.",
)
async def reputation(settings: Settings, out: Out, seed: int, plot_path: Path | None) -> None:
    """Scores by worker class over 24,000 rounds, items to reach the 4-star
    gate, the cost of one bad rating, collusion rings and the cheapest attack.
    Needs no cluster: it runs the SDK's twin of the on-chain formula."""
    report = simulate_reputation(seed=seed)
    data = report.model_dump(mode="json")
    if plot_path is not None:
        data["plot"] = str(plot(report, plot_path))

    def render(c: Console) -> None:
        c.print(report.text(), markup=False, highlight=False)
        if plot_path is not None:
            c.print(f"plot: {plot_path}", markup=False)

    out.result(data, render)
