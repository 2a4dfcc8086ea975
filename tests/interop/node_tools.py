"""Node.js packages the interop tests run: installed on first use from their
committed lockfiles, reused while the lockfile is unchanged."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from solders.pubkey import Pubkey

from localnet import LocalNode

#: A copy of the lockfile the installed node_modules came from.
STAMP = "node_modules/.amplify-lock.json"


def require_node() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js (node and npm) is not installed: JavaScript clients not checked")


def ensure_installed(package: Path) -> None:
    """`npm ci` in `package` unless its node_modules came from the current lockfile."""
    require_node()
    lock = package / "package-lock.json"
    stamp = package / STAMP
    if stamp.exists() and stamp.read_bytes() == lock.read_bytes():
        return
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"npm ci failed in {package}:\n{done.stdout}\n{done.stderr}"
    shutil.copyfile(lock, stamp)


def run_sync(package: Path, *cmd: str, limit: float = 120) -> str:
    """Run a command of the package (node_modules/.bin first); its stdout."""
    done = subprocess.run(
        [_bin(package, cmd[0]), *cmd[1:]],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=limit,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


async def run(package: Path, *cmd: str, limit: float = 120) -> tuple[int, str, str]:
    """Like `run_sync`, without blocking the event loop (a node in this process
    keeps serving): (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        _bin(package, cmd[0]),
        *cmd[1:],
        cwd=package,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), limit)
    except TimeoutError:
        # It may have exited just as the limit passed.
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _bin(package: Path, name: str) -> str:
    local = package / "node_modules" / ".bin" / name
    return str(local) if local.exists() else name


async def run_flow(
    package: Path,
    script: str,
    node: LocalNode,
    amp_mint: Pubkey,
    workdir: Path,
    limit: float = 120,
) -> Any:
    """Run a TypeScript flow of `package` against `node` (its authority and an
    AMP mint in a config file it reads); the JSON of its last output line."""
    config = workdir / "run.json"
    authority = list(bytes(node.authority))
    settings = {"url": node.url, "authority": authority, "ampMint": str(amp_mint)}
    config.write_text(json.dumps(settings))
    code, out, err = await run(package, "tsx", script, str(config), limit=limit)
    assert code == 0, f"{script} failed:\n{out}\n{err}"
    return json.loads(out.strip().splitlines()[-1])
