"""@solana/web3.js (Node.js) against the node: the shapes its validators accept."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from amplify_sdk import PROGRAM_ID, AdminClient
from localnet import LocalNode

HERE = Path(__file__).resolve().parents[1] / "interop" / "web3js"


async def _run(*cmd: str, limit: float) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=HERE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), limit)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_web3js_connection(node: LocalNode, admin: AdminClient) -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js (node and npm) is not installed: web3.js interop not checked")
    if not (HERE / "node_modules" / "@solana" / "web3.js").exists():
        code, out, err = await _run("npm", "ci", "--no-audit", "--no-fund", limit=300)
        assert code == 0, f"npm ci failed:\n{out}\n{err}"
    config = await admin.initialize(await admin.create_amp_mint())
    acc = await admin.backend.get_account(config.address)
    assert acc is not None
    code, out, err = await _run(
        "node",
        "check.mjs",
        node.url,
        node.ws_url,
        str(PROGRAM_ID),
        str(config.address),
        str(len(acc.data)),
        limit=120,
    )
    assert code == 0, f"web3.js check failed:\n{out}\n{err}"
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["transfers"] >= 1 and seen["programAccounts"] == 1
