"""`python -m localnet`: starts, prints its URLs and authority, keeps the
default keypair in the ledger directory, serves the program."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path

from solana.rpc.async_api import AsyncClient
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import PROGRAM_ID
from localnet.node import KEYPAIR_FILE
from ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    return free_port(pair=True)  # the node binds PORT and PORT + 1


async def _start(*args: str) -> tuple[asyncio.subprocess.Process, dict[str, str]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "localnet", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    banner: dict[str, str] = {}
    while len(banner) < 3:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line, "the node exited before printing its banner"
        key, _, value = line.partition(":")
        if key in ("RPC URL", "WebSocket URL", "Authority"):
            banner[key] = value.strip()
    return proc, banner


async def _stop(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    await proc.wait()


async def test_cli_starts_and_keeps_its_keypair(tmp_path: Path) -> None:
    port = _free_port()
    ledger = tmp_path / "ledger"
    proc, banner = await _start("--rpc-port", str(port), "--ledger", str(ledger))
    try:
        assert banner["RPC URL"] == f"http://127.0.0.1:{port}"
        assert banner["WebSocket URL"] == f"ws://127.0.0.1:{port + 1}"
        saved = Keypair.from_bytes(bytes(json.loads((ledger / KEYPAIR_FILE).read_text())))
        assert str(saved.pubkey()) == banner["Authority"]
        async with AsyncClient(banner["RPC URL"]) as rpc:
            program = (await rpc.get_account_info(PROGRAM_ID)).value
            assert program is not None and program.executable
            assert (await rpc.get_balance(Pubkey.from_string(banner["Authority"]))).value > 0
    finally:
        await _stop(proc)


async def test_cli_keypair_option_and_no_program(tmp_path: Path) -> None:
    keypair = Keypair()
    path = tmp_path / "id.json"
    path.write_text(json.dumps(list(bytes(keypair))))
    port = _free_port()
    proc, banner = await _start(
        "--rpc-port", str(port), "--keypair", str(path), "--no-program", "--ledger", str(tmp_path)
    )
    try:
        assert banner["Authority"] == str(keypair.pubkey())
        async with AsyncClient(banner["RPC URL"]) as rpc:
            assert (await rpc.get_account_info(PROGRAM_ID)).value is None
    finally:
        await _stop(proc)
