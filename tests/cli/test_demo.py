"""`amplify demo`: the main job runs end to end and reports (smaller here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, amplify, cli_env


def test_demo_reports(tmp_path: Path) -> None:
    chart = tmp_path / "market.png"
    r = amplify(
        "demo",
        "--items",
        "90",
        "--premium-items",
        "30",
        "--workers",
        "3,2,1",
        "--plot",
        chart,
        "-o",
        "json",
    )
    assert r.code == 0, r.stderr
    report = r.json()
    assert report["assignments_done"] == 90 * 3 and report["rated"] == 90 * 3
    assert report["conserved"] is True
    assert {c["class"] for c in report["classes"]} == {"accurate", "careless", "spammer"}
    assert sum(c["assignments"] for c in report["classes"]) == 90 * 3
    assert report["lamports"]["requester"] < 0 < report["lamports"]["treasury"]
    assert chart.stat().st_size > 10_000

    # `python -m amplify_sdk.demo` (what ./scripts/demo runs) is the same command.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "amplify_sdk.demo",
            "--items",
            "30",
            "--premium-items",
            "10",
            "--workers",
            "2,1,1",
            "--plot",
            str(chart),
        ],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    text = proc.stdout
    for line in (
        "Items done: 30 items",
        "Lamports moved",
        "every lamport accounted for",
        "Worker classes",
        "Prices paid",
        "Open work",
        f"Market chart: {chart}",
        "Done in",
    ):
        assert line in text


def test_dataset_is_the_generators_output() -> None:
    """The shipped dataset is exactly what scripts/gen_moderation.py writes."""
    import gen_moderation  # scripts/ is on the path (tests/conftest.py)

    shipped = ROOT / "amplify_sdk/data/moderation.jsonl"
    assert shipped.read_text(encoding="utf-8") == gen_moderation.render()
