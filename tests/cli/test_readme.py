"""The README's command-line block runs as written: a local node started by
its first line, three workers set up, a batch created, uploaded, worked,
graded, exported, and the market drawn."""

from __future__ import annotations

from pathlib import Path

from readme_block import check_results, prepare, readme_block, run_block

from .conftest import cli_env


def test_the_readme_block_runs_as_written(tmp_path: Path) -> None:
    prepare(tmp_path)
    done = run_block(tmp_path, readme_block(), cli_env())
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    check_results(tmp_path)
