"""The `amplify` command line, run through its real entry point
(`python -m amplify_sdk.cli`) against a real local node on 127.0.0.1, itself
started by the CLI (`amplify localnet`) on free ports."""

from __future__ import annotations

import asyncio
import atexit
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from solders.keypair import Keypair

import ports
from amplify_sdk import Amplify, RpcBackend

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
SOL = 10**9


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error(self) -> str:
        """The error line; asserts there is exactly one line on stderr."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one line on stderr, got: {self.stderr!r}"
        assert lines[0].startswith("error: "), lines[0]
        return lines[0]


#: An empty home for the CLI: no user's Solana config leaks into the tests.
HOME = Path(tempfile.mkdtemp(prefix="amplify-cli-home-"))
atexit.register(shutil.rmtree, HOME, ignore_errors=True)


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLIFY_")}
    env["HOME"] = str(HOME)
    # matplotlib's font cache lives under HOME: keep the real one, which a
    # fresh home would rebuild (seconds) on every run.
    env.setdefault("MPLCONFIGDIR", str(Path.home() / ".cache/matplotlib"))
    env["COLUMNS"] = "200"
    return env | extra


def amplify(*args: str | Path, cwd: Path | None = None, **env: str) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "amplify_sdk.cli", *map(str, args)],
        cwd=cwd or ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def parallel(*calls: Callable[[], Result]) -> list[Result]:
    """Independent CLI runs at once (each is a process; this machine has two
    cores): their results, in order."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda call: call(), calls))


class Background:
    """A long-running CLI command (`amplify agent run`): its output lines
    gathered as they come, stopped by a signal like a service."""

    def __init__(self, *args: str | Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "amplify_sdk.cli", *map(str, args)],
            cwd=ROOT,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: dict[str, list[str]] = {"stdout": [], "stderr": []}
        self._readers = [
            threading.Thread(target=self._read, args=(name,), daemon=True) for name in self.lines
        ]
        for t in self._readers:
            t.start()

    def _read(self, name: str) -> None:
        stream = getattr(self.proc, name)
        with stream:
            for line in stream:
                self.lines[name].append(line.rstrip("\n"))

    def wait_for(self, name: str, text: str, timeout: float = 30) -> str:
        """The first line of `name` (stdout or stderr) holding `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines[name] if text in line]
            if found:
                return found[0]
            if self.proc.poll() is not None and not any(t.is_alive() for t in self._readers):
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} on {name}: {self.lines}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        """Send `sig`; the exit status once every line is read."""
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        for t in self._readers:
            t.join(timeout=5)
        return code


def free_port() -> int:
    return ports.free_port(pair=True)  # the node needs PORT and PORT + 1


@dataclass
class Node:
    url: str
    authority: Path
    proc: subprocess.Popen[str]

    def options(self, keypair: Path | None = None) -> tuple[str | Path, ...]:
        """`-u URL -k KEYPAIR` (the authority by default)."""
        return ("-u", self.url, "-k", keypair or self.authority)

    def cli(self, *args: str | Path, keypair: Path | None = None, **kw: Any) -> Result:
        """`amplify ARGS -u URL -k KEYPAIR` (the authority by default)."""
        return amplify(*args, *self.options(keypair), **kw)

    def ok(self, *args: str | Path, keypair: Path | None = None, **kw: Any) -> Any:
        """Run with `-o json`, assert success, return the parsed document."""
        r = self.cli(*args, "-o", "json", keypair=keypair, **kw)
        assert r.code == 0, r.stderr
        return r.json()

    def rpc(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call (test set-up and checks, not the CLI under test)."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        request = urllib.request.Request(
            self.url, body.encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            answer = json.loads(resp.read())
        assert "error" not in answer, answer
        return answer["result"]

    def balance(self, address: str) -> int:
        # At the commitment the CLI works at: a node's default is finalized.
        return int(self.rpc("getBalance", address, {"commitment": "confirmed"})["value"])

    def chain_time(self) -> int:
        """The cluster's unix time (the Clock sysvar at confirmed): what the
        program compares deadlines with. A validator's clock can trail the
        wall clock by seconds."""
        acc = self.rpc(
            "getAccountInfo",
            "SysvarC1ock11111111111111111111111111111111",
            {"encoding": "base64", "commitment": "confirmed"},
        )["value"]
        return int.from_bytes(base64.b64decode(acc["data"][0])[32:40], "little", signed=True)

    def wait_for_chain_time(self, ts: int, timeout: float = 60) -> None:
        """Block until the cluster's clock has passed `ts`."""
        deadline = time.monotonic() + timeout
        while self.chain_time() <= ts:
            assert time.monotonic() < deadline, f"the cluster's clock did not pass {ts}"
            time.sleep(0.2)

    def wallet(self, path: Path, sol: float = 10) -> str:
        """A new keypair file at `path`, funded (the airdrop confirmed); its address."""
        kp = Keypair()
        path.write_text(json.dumps(list(bytes(kp))))
        self.rpc("requestAirdrop", str(kp.pubkey()), int(sol * SOL))
        deadline = time.monotonic() + 60
        while self.balance(str(kp.pubkey())) < int(sol * SOL):
            assert time.monotonic() < deadline, "the airdrop did not land in 60 s"
            time.sleep(0.1)
        return str(kp.pubkey())

    def sdk(self, keypair: Path | None = None) -> Amplify:
        """An SDK session on the node (set-up a test does not exercise the CLI
        with, in process: seconds cheaper than a CLI process per step)."""
        return Amplify(RpcBackend(self.url, poll_interval=0.05), load(keypair or self.authority))

    def run(self, step: Callable[[Amplify], Awaitable[T]], keypair: Path | None = None) -> T:
        """`step(session)` in process, with `keypair` (the authority by default)."""

        async def go() -> T:
            async with self.sdk(keypair) as amp:
                return await step(amp)

        return asyncio.run(go())


def load(path: Path) -> Keypair:
    """A keypair file's keypair."""
    return Keypair.from_bytes(bytes(json.loads(path.read_text())))


def start_node(tmp: Path, *extra: str, **env: str) -> Node:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amplify_sdk.cli",
            "localnet",
            "--rpc-port",
            str(port),
            "--ledger",
            str(tmp),
            *extra,
        ],
        cwd=ROOT,
        env=cli_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"amplify localnet exited ({proc.wait()})")
        if line.startswith("Authority:"):
            return Node(f"http://127.0.0.1:{port}", tmp / "authority.json", proc)
    raise RuntimeError("amplify localnet printed no banner")


def stop_node(node: Node) -> None:
    # SIGTERM, not SIGINT: a shell's background job ignores SIGINT, and so
    # would the node it starts.
    node.proc.terminate()
    try:
        node.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        node.proc.kill()
        node.proc.wait()
    assert node.proc.stdout is not None
    node.proc.stdout.close()


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """One node for the CLI tests, the protocol initialized by its authority
    through `amplify program init`."""
    n = start_node(tmp_path_factory.mktemp("ledger"))
    try:
        init = n.ok("program", "init")
        assert init["fee_bps"] == 500
        yield n
    finally:
        stop_node(n)
