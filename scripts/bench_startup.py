"""How long the command line takes from `exec` to exit, for `--help` and the
read-only commands, against a local node started here (`amplify localnet` in
a subprocess, a batch created): the median and the fastest of --runs runs,
beside the previous stop's medians. Python writes its bytecode cache first
(one untimed run), as an installed package has it.

    .venv/bin/python scripts/bench_startup.py [--runs 9] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AMPLIFY = str(Path(sys.executable).with_name("amplify"))
#: Medians at the previous stop (seconds, the machine near idle): before the
#: lazy imports of YAML, websockets, rich's progress bar and the batch and
#: worker subcommands, and before pydantic models were built on first use.
PREVIOUS = {
    "--help": None,
    "program show": 0.496,
    "market": 0.492,
    "balance": 0.546,
    "batch status": 0.550,
}
GOAL = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port if port < 65000 else free_port()


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([AMPLIFY, *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"amplify {' '.join(args)} failed: {done.stderr.strip()}")
    return took, done.stdout


@contextlib.contextmanager
def localnet(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """`amplify localnet` in a subprocess, the protocol initialized: (its
    URL, the funded authority's keypair file)."""
    with tempfile.TemporaryDirectory() as tmp:
        key, port = str(Path(tmp) / "id.json"), free_port()
        env["HOME"] = tmp  # no user config: the options given are the settings
        run(env, "keygen", key)
        node = subprocess.Popen(
            [AMPLIFY, "localnet", "--rpc-port", str(port), "--ledger", tmp, "--reset", "-k", key],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert node.stdout is not None
            for line in node.stdout:  # the banner ends with the ledger line
                if line.startswith("Ledger:"):
                    break
            url = f"http://127.0.0.1:{port}"
            run(env, "program", "init", "-u", url, "-k", key)
            yield url, key
        finally:
            node.terminate()
            node.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with localnet(env) as (url, key):
        common = ["-u", url, "-k", key]
        made = json.loads(run(env, "batch", "create", "--price", "10000", *common, "-o", "json")[1])
        commands = {
            "--help": ["--help"],
            "program show": ["program", "show", *common],
            "market": ["market", *common],
            "balance": ["balance", *common],
            "batch status": ["batch", "status", made["address"], *common],
        }
        figures: dict[str, tuple[float, float]] = {}
        for name, args in commands.items():
            run(env, *args)  # bytecode cache written, pages warm
            times = [run(env, *args)[0] for _ in range(opts.runs)]
            figures[name] = (statistics.median(times), min(times))
    if opts.json:
        print(
            json.dumps(
                {
                    f"cli_startup_seconds_{k.strip('-').replace(' ', '_')}": round(m, 3)
                    for k, (m, _) in figures.items()
                }
            )
        )
        return
    print(f"\n## Command-line start-up: exec to exit, {opts.runs} runs (goal <= {GOAL} s)\n")
    print(f"{'command':16}{'median s':>10}{'fastest s':>11}{'previous stop':>15}")
    for name, (median, fastest) in figures.items():
        prev = PREVIOUS[name]
        shown = f"{prev:.3f}" if prev is not None else "n/a"
        print(f"{name:16}{median:>10.3f}{fastest:>11.3f}{shown:>15}")
    print(f"(load average {os.getloadavg()[0]:.2f} when done)")


if __name__ == "__main__":
    main()
