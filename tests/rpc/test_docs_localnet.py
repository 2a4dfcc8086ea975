"""docs/localnet.md's Python example runs as written against a local node
(only its URL and key file point at the test's node); the builtins and the
program flags the docs name are the node's."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from solders.pubkey import Pubkey

from amplify_sdk import PROGRAM_ID, Config
from amplify_sdk.protocol import config_pda
from docs_examples import code_blocks
from localnet import NO_UPGRADES, LocalNode

ROOT = Path(__file__).resolve().parents[2]


async def test_the_python_example_runs(node: LocalNode, tmp_path: Path) -> None:
    (example,) = code_blocks("localnet.md", "python")
    ledger = tmp_path / ".localnet-ledger"
    ledger.mkdir()
    (ledger / "authority.json").write_text(json.dumps(list(bytes(node.authority))))
    script = tmp_path / "example.py"
    script.write_text(example.replace("http://127.0.0.1:8899", node.url))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    # What it did: the protocol initialized by the node's authority.
    address = config_pda()[0]
    acc = node.chain.svm.get_account(address)
    assert acc is not None
    assert Config.from_account_data(address, bytes(acc.data)).admin == node.authority.pubkey()


#: The builtins docs/localnet.md and localnet/README.md name, by address.
BUILTINS = {
    "System": "11111111111111111111111111111111",
    "Compute Budget": "ComputeBudget111111111111111111111111111111",
    "the BPF loaders": "BPFLoaderUpgradeab1e11111111111111111111111",
    "SPL Token": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
    "Token-2022": "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb",
    "Associated Token Account": "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
    "Memo": "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
}


def _flat(path: Path) -> str:
    return " ".join(path.read_text().split())


async def test_a_node_without_programs_has_the_builtins_the_docs_name() -> None:
    async with LocalNode(rpc_port=0) as node:
        assert node.chain.svm.get_account(PROGRAM_ID) is None
        for name, address in BUILTINS.items():
            acc = node.chain.svm.get_account(Pubkey.from_string(address))
            assert acc is not None and acc.executable, name
    for doc in (ROOT / "docs/localnet.md", ROOT / "localnet/README.md"):
        text = _flat(doc)
        assert all(name in text for name in BUILTINS), doc
    # `--bpf-program`'s upgrade authority, as the doc spells it.
    assert f"the default pubkey `{NO_UPGRADES}`" in _flat(ROOT / "docs/localnet.md")


def test_the_program_flags_the_docs_show_are_the_node_s() -> None:
    usage = subprocess.run(
        [sys.executable, "-m", "localnet", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    usage = " ".join(usage.split())
    shown = []
    for doc in ("docs/localnet.md", "localnet/README.md"):
        text = (ROOT / doc).read_text()
        shown += re.findall(r"(--(?:bpf|upgradeable)-program(?: [A-Z][A-Za-z_.]*)+)", text)
    assert len(shown) >= 4
    for flag in shown:
        assert flag in usage, flag


def test_the_blocks_kept_are_the_documented_number() -> None:
    from localnet.chain import BLOCKS_KEPT

    assert f"the newest {BLOCKS_KEPT:,} blocks" in (ROOT / "localnet/README.md").read_text()


def test_the_method_table_lists_every_served_method() -> None:
    # A method served but missing from the table is undocumented; one listed
    # but not served is a promise the node breaks.
    from localnet.registry import METHODS

    text = (ROOT / "localnet/README.md").read_text()
    table = text.split("HTTP JSON-RPC (single requests and batches):")[1].split("\n\n")[1]
    listed = set(re.findall(r"\b((?:get|is|send|simulate|request|minimum)[A-Za-z]+)\b", table))
    assert listed == set(METHODS)
