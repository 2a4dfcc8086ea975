"""`python -m amplify_sdk.quality.simulate`: the simulation from a shell."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ._market import simulate_reputation
from .plot import plot


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m amplify_sdk.quality.simulate",
        description="Simulate the reputation formula over a market of workers and requesters.",
    )
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--plot", type=Path, help="write a PNG of the score trajectories here")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    report = simulate_reputation(seed=args.seed)
    print(report.model_dump_json(indent=2) if args.json else report.text())
    if args.plot is not None:
        written = plot(report, args.plot)
        if not args.json:
            print(f"plot: {written}")
    return 0


__all__ = ["main"]
