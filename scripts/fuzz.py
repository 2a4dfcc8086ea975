"""Driver for scripts/fuzz: build, run each target for a bounded time, report
executions and coverage, fail on a crash. Standard library only."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "programs" / "fuzz"
TARGETS = [
    "instruction_args",
    "account_views",
    "args_reader",
    "proposal_action",
    "reputation",
    "math",
]
# Debug assertions on (overflow checks too); no sanitizer: Debian's rustc
# ships no ASan runtime, and the code under test is safe Rust bar the views.
FLAGS = ["--fuzz-dir", str(FUZZ), "-s", "none", "-O", "-a"]
DONE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/")


def run(target: str, seconds: int) -> tuple[int, int, int, int]:
    corpus = FUZZ / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    dirs = [corpus] + [d for k in ("seeds", "regressions") if (d := FUZZ / k / target).is_dir()]
    cmd = ["cargo", "fuzz", "run", *FLAGS, target, *map(str, dirs), "--"]
    cmd += [f"-max_total_time={seconds}", "-print_final_stats=1", "-rss_limit_mb=1024"]
    cmd += [f"-artifact_prefix={FUZZ / 'artifacts' / target}/"]
    (FUZZ / "artifacts" / target).mkdir(parents=True, exist_ok=True)
    out = subprocess.run(cmd, cwd=FUZZ, capture_output=True, text=True)
    log = out.stdout + out.stderr
    m = DONE.search(log)
    if out.returncode != 0 or m is None:
        sys.stderr.write(log[-6000:])
        sys.exit(f"fuzz: {target} crashed or failed (artifacts in {FUZZ / 'artifacts' / target})")
    return int(m[1]), int(m[2]), int(m[3]), int(m[4])


def main(argv: list[str]) -> None:
    seconds = 4
    if argv and argv[0] == "--long":
        argv = argv[1:]
        seconds = 300
        if argv and argv[0].isdigit():
            seconds = int(argv[0])
            argv = argv[1:]
    targets = argv or TARGETS
    unknown = set(targets) - set(TARGETS)
    if unknown:
        sys.exit(f"fuzz: unknown targets {sorted(unknown)}; known: {TARGETS}")
    subprocess.run(
        ["cargo", "fmt", "--manifest-path", str(FUZZ / "Cargo.toml"), "--check"], check=True
    )
    manifest = str(FUZZ / "Cargo.toml")
    clippy = ["cargo", "clippy", "--manifest-path", manifest, "--all-targets", "--locked"]
    subprocess.run([*clippy, "--quiet", "--", "-D", "warnings"], check=True)
    subprocess.run(["cargo", "fuzz", "build", *FLAGS], cwd=FUZZ, check=True)
    total = 0
    print(f"{'target':<18} {'executions':>12} {'cov':>6} {'ft':>6} {'corpus':>7} {'s':>5}")
    for t in targets:
        t0 = time.monotonic()
        execs, cov, ft, corp = run(t, seconds)
        total += execs
        print(f"{t:<18} {execs:>12,} {cov:>6} {ft:>6} {corp:>7} {time.monotonic() - t0:>5.0f}")
    print(f"fuzz: {total:,} executions over {len(targets)} targets, no crash")


if __name__ == "__main__":
    main(sys.argv[1:])
