"""The report as a PNG. matplotlib is an optional dependency (the `[plot]`
extra): it is imported here, when a plot is asked for, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..reputation import MAX_SCORE, MIN_SCORE
from ._setup import GATE_3, GATE_4
from .report import SimulationReport


def plot(report: SimulationReport, path: str | Path) -> Path:
    """A PNG of the score trajectories by class (median and 10th–90th
    percentile band) with the 3- and 4-star gates. Agg backend: no display."""
    try:
        import matplotlib
    except ImportError as e:  # the core install has no matplotlib
        raise RuntimeError("plotting needs matplotlib: pip install 'amplify-sdk[plot]'") from e
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5.5), layout="constrained")
    ax = fig.subplots()
    colors = ["#2ca02c", "#ff7f0e", "#d62728", "#17becf", "#9467bd", "#8c564b"]
    # Solid: workers as they are; dashed: workers gaming the system.
    styles = ["-", "-", "-", "--", "--", "--"]
    for c, color, style in zip(report.classes, colors, styles, strict=True):
        x = np.array(c.items)
        label = f"{c.name} ({c.workers})"
        ax.plot(x, np.array(c.median) / 1000, color=color, ls=style, label=label)
        ax.fill_between(
            x, np.array(c.p10) / 1000, np.array(c.p90) / 1000, color=color, alpha=0.15, lw=0
        )
    for gate, name in ((GATE_4, "4-star gate"), (GATE_3, "3-star gate")):
        ax.axhline(gate / 1000, color="#555555", ls="--", lw=0.8)
        ax.annotate(name, (report.rounds, gate / 1000), ha="right", va="bottom", fontsize=8)
    prior = report.params.prior_mean / 1000
    ax.axhline(prior, color="#999999", ls=":", lw=0.8)
    ax.annotate("prior", (report.rounds, prior), ha="right", va="bottom", fontsize=8)
    ax.set_xlabel("items done")
    ax.set_ylabel("score (stars)")
    ax.set_ylim(MIN_SCORE / 1000 - 0.1, MAX_SCORE / 1000 + 0.1)
    ax.set_xlim(0, report.rounds)
    ax.set_title(f"Reputation by worker class (seed {report.seed}; median, 10th–90th percentile)")
    ax.legend(loc="lower right", fontsize=8)
    out = Path(path)
    fig.savefig(out, dpi=110)
    return out


__all__ = ["plot"]
