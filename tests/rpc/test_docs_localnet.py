"""docs/localnet.md's Python example runs as written against a local node
(only its URL and key file point at the test's node)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from amplify_sdk import Config
from amplify_sdk.protocol import config_pda
from docs_examples import code_blocks
from localnet import LocalNode

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
