"""The real-validator tier: Agave's own `solana-test-validator` (built from the
crate registry by `scripts/install-validator.sh`) on 127.0.0.1, the program
deployed onto it through the upgradeable loader by `amplify program deploy`,
as a user would, then the flows of the product against it.

Each validator is a process with its own ledger and free ports. Tests that
hand the program to governance get a validator of their own.

Without the binary the tier is skipped, unless `AMPLIFY_REQUIRE_VALIDATOR=1`
(the test command sets it: in CI the tier must run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from solders.keypair import Keypair

import ports
from cli.conftest import ROOT, Node, cli_env
from interop.conftest import ts_package  # noqa: F401 -- the TS package fixture, built once

TOOLS = Path(os.environ.get("AMPLIFY_TOOLS", Path.home() / ".local/share/amplify-toolchain"))
VALIDATOR = TOOLS / "bin" / "solana-test-validator"
PROGRAM_KEYPAIR = ROOT / "programs/amplify/program-keypair.json"
#: 16 ticks of 6.25 ms: 100 ms slots instead of 400 ms. The flows wait for
#: blocks (confirmations, a blockhash's 150-block life, governance's voting
#: slots), and at a quarter of the slot time the tier takes far less of CI.
TICKS_PER_SLOT = int(os.environ.get("AMPLIFY_VALIDATOR_TICKS_PER_SLOT", "16"))
#: Lamports of the validator's mint account, the tests' authority.
MINT_SOL = 500_000_000


def validator_binary() -> Path:
    found = VALIDATOR if VALIDATOR.exists() else shutil.which("solana-test-validator")
    if found is None:
        if os.environ.get("AMPLIFY_REQUIRE_VALIDATOR") == "1":
            pytest.fail(
                f"solana-test-validator not found at {VALIDATOR} (scripts/install-validator.sh)"
            )
        pytest.skip("solana-test-validator is not installed (scripts/install-validator.sh)")
    return Path(found)


def _rpc(url: str, method: str, *params: object) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as resp:
        return json.loads(resp.read()).get("result")


def start_validator(ledger: Path) -> Node:
    """A fresh validator whose mint (the genesis account holding the SOL, and
    the tests' authority) is a new keypair in `ledger/authority.json`."""
    binary = validator_binary()
    ledger.mkdir(parents=True, exist_ok=True)
    authority = Keypair()
    authority_file = ledger / "authority.json"
    authority_file.write_text(json.dumps(list(bytes(authority))))
    rpc = ports.free_port(pair=True)
    low = ports.free_port_range(30)
    cmd = [
        str(binary),
        "--ledger", str(ledger / "ledger"),
        "--reset",
        "--quiet",
        "--bind-address", "127.0.0.1",
        "--rpc-port", str(rpc),
        "--faucet-port", str(ports.free_port()),
        "--gossip-port", str(ports.free_port()),
        "--dynamic-port-range", f"{low}-{low + 29}",
        "--mint", str(authority.pubkey()),
        "--faucet-sol", "1000000",
        "--ticks-per-slot", str(TICKS_PER_SLOT),
    ]  # fmt: skip
    with (ledger / "validator.log").open("w") as log:  # the child keeps its own handle
        proc = subprocess.Popen(
            cmd, cwd=ledger, env=cli_env(), stdout=log, stderr=subprocess.STDOUT, text=True
        )
    url = f"http://127.0.0.1:{rpc}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"solana-test-validator exited ({proc.returncode}): "
                f"{(ledger / 'validator.log').read_text()[-2000:]}"
            )
        try:
            if _rpc(url, "getHealth") == "ok" and int(str(_rpc(url, "getSlot"))) > 1:
                return Node(url, authority_file, proc)
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        time.sleep(0.25)
    proc.kill()
    raise RuntimeError("solana-test-validator did not become healthy in 120 s")


def stop_validator(node: Node) -> None:
    node.proc.terminate()
    try:
        node.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        node.proc.kill()
        node.proc.wait()


def deploy_program(node: Node, *extra: str) -> dict[str, object]:
    """`amplify program deploy` of the shipped program, as a user runs it."""
    result: dict[str, object] = node.ok(
        "program", "deploy", "--program-keypair", PROGRAM_KEYPAIR, *extra,
        "--buffer", Path(node.authority).with_name("buffer.json"),
    )  # fmt: skip
    return result


@pytest.fixture(scope="session")
def validator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A validator with the program deployed (not initialized)."""
    node = start_validator(tmp_path_factory.mktemp("validator"))
    try:
        yield node
    finally:
        stop_validator(node)


@pytest.fixture(scope="session")
def node(validator: Node) -> Node:
    """The shared validator with the program deployed and the protocol
    initialized, for the flows of tests/cli run against it (same `Node`
    interface as the local node they were written for)."""
    deployed = deploy_program(validator)
    assert deployed["action"] == "deployed", deployed
    init = validator.ok("program", "init")
    assert init["fee_bps"] == 500
    return validator
