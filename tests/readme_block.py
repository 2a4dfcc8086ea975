"""The README's command-line block, run as written by bash in a fresh
directory holding the files it names (posts.csv, one answers file per
worker): on our local node (its first line starts one), or on another
cluster with its first two lines replaced by the cluster's settings."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTS = [f"post number {i}: is it ok?" for i in range(12)]
#: Worker w1 and w2 agree on every item; w3 flips every third.
ANSWERS = {
    "w1": ["ok" if i % 4 else "spam" for i in range(12)],
    "w2": ["ok" if i % 4 else "spam" for i in range(12)],
    "w3": [("spam" if a == "ok" else "ok") if i % 3 == 0 else a for i, a in enumerate(
        ["ok" if j % 4 else "spam" for j in range(12)]
    )],
}  # fmt: skip


def readme_block() -> str:
    text = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```\n(amplify localnet &.*?)```", text, re.S)
    return block


def prepare(cwd: Path) -> None:
    with (cwd / "posts.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows(enumerate(POSTS))
    for w, answers in ANSWERS.items():
        with (cwd / f"answers-{w}.csv").open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["item", "answer"])
            writer.writerows(enumerate(answers))


def run_block(cwd: Path, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """bash -e over the block, `amplify` being this checkout's CLI."""
    bin_dir = cwd / ".bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "amplify"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m amplify_sdk.cli "$@"\n')
    shim.chmod(0o755)
    env = {**env, "PATH": f"{bin_dir}:{env.get('PATH', '')}", "PYTHONPATH": str(ROOT)}
    wrapped = f"set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n{script}"
    return subprocess.run(
        ["bash", "-c", wrapped], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def check_results(cwd: Path) -> None:
    """What the block left: every answer paid and exported, the chart drawn."""
    with (cwd / "results.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(POSTS) * len(ANSWERS), rows[:3]
    # w1 and w2 agree on every item and w3 differs on a third: the dataset
    # carries their label on each item, with three answers behind it.
    with (cwd / "labels.csv").open() as f:
        labels = list(csv.DictReader(f))
    assert [int(r["item"]) for r in labels] == list(range(len(POSTS)))
    assert [r["label"] for r in labels] == ANSWERS["w1"]
    assert all(int(r["answers"]) == len(ANSWERS) for r in labels)
    shares = [round(float(r["agreement"]) * 3) for r in labels]
    assert shares == [2 if i % 3 == 0 else 3 for i in range(len(POSTS))]
    assert all(0.5 < float(r["confidence"]) <= 1 for r in labels)
    assert (cwd / "market.png").stat().st_size > 0
