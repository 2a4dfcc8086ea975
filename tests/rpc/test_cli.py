"""`python -m localnet`: starts, prints its URLs and authority, keeps the
default keypair in the ledger directory, and loads the programs named by
`solana-test-validator`'s flags (`--bpf-program`, `--upgradeable-program`),
none without them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from solana.rpc.async_api import AsyncClient
from solana.rpc.commitment import Confirmed
from solana.rpc.core import RPCException
from solana.rpc.models import TxOpts
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.message import MessageV0
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction

from amplify_sdk import PROGRAM_ID
from amplify_sdk.protocol._program import program_path
from localnet.node import KEYPAIR_FILE
from localnet.programs import LOADER_V3, NO_UPGRADES, program_data_address
from ports import free_port

from .util import transfer_ix

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


def _keypair_file(path: Path) -> Keypair:
    keypair = Keypair()
    path.write_text(json.dumps(list(bytes(keypair))))
    return keypair


async def _authority_of(rpc: AsyncClient, program: Pubkey) -> Pubkey | None:
    """The upgrade authority in `program`'s ProgramData (None: the option unset)."""
    acc = (await rpc.get_account_info(program_data_address(program))).value
    assert acc is not None and acc.owner == LOADER_V3
    data = bytes(acc.data)
    # Loaded at genesis: deployed in slot 0, as `solana-test-validator` writes it.
    assert int.from_bytes(data[4:12], "little") == 0
    return Pubkey.from_bytes(data[13:45]) if data[12] == 1 else None


async def test_cli_starts_with_no_program_and_keeps_its_keypair(tmp_path: Path) -> None:
    port = _free_port()
    ledger = tmp_path / "ledger"
    proc, banner = await _start("--rpc-port", str(port), "--ledger", str(ledger))
    try:
        assert banner["RPC URL"] == f"http://127.0.0.1:{port}"
        assert banner["WebSocket URL"] == f"ws://127.0.0.1:{port + 1}"
        saved = Keypair.from_bytes(bytes(json.loads((ledger / KEYPAIR_FILE).read_text())))
        assert str(saved.pubkey()) == banner["Authority"]
        async with AsyncClient(banner["RPC URL"]) as rpc:
            # Nothing is loaded that was not asked for: the builtins only.
            assert (await rpc.get_account_info(PROGRAM_ID)).value is None
            assert (await rpc.get_balance(Pubkey.from_string(banner["Authority"]))).value > 0
    finally:
        await _stop(proc)


async def test_cli_bpf_program_runs_an_elf_at_the_address_given(tmp_path: Path) -> None:
    # The shipped ELF at another address (a keypair file's, as the validator
    # takes it): the node runs it there, upgrades disabled; Amplify's own
    # address stays empty.
    payer = _keypair_file(tmp_path / "id.json")
    other = _keypair_file(tmp_path / "other-keypair.json").pubkey()
    port = _free_port()
    proc, banner = await _start(
        "--rpc-port", str(port), "--keypair", str(tmp_path / "id.json"),
        "--ledger", str(tmp_path),
        "--bpf-program", str(tmp_path / "other-keypair.json"), str(program_path()),
    )  # fmt: skip
    try:
        assert banner["Authority"] == str(payer.pubkey())
        async with AsyncClient(banner["RPC URL"]) as rpc:
            assert (await rpc.get_account_info(PROGRAM_ID)).value is None
            program = (await rpc.get_account_info(other)).value
            assert program is not None and program.executable and program.owner == LOADER_V3
            assert await _authority_of(rpc, other) == NO_UPGRADES
            # It executes: an empty instruction reaches the program, which refuses it.
            blockhash = (await rpc.get_latest_blockhash()).value.blockhash
            ix = Instruction(other, b"", [])
            message = MessageV0.try_compile(payer.pubkey(), [ix], [], blockhash)
            tx = VersionedTransaction(message, [payer])
            sim = (await rpc.simulate_transaction(tx)).value
            assert sim.err is not None
            assert sim.logs is not None and f"Program {other} invoke [1]" in sim.logs
            assert any(line.startswith(f"Program {other} failed") for line in sim.logs)
    finally:
        await _stop(proc)


async def test_cli_upgradeable_program_names_its_authority(tmp_path: Path) -> None:
    authority = _keypair_file(tmp_path / "authority.json").pubkey()
    frozen = Keypair().pubkey()
    port = _free_port()
    so = str(program_path())
    proc, banner = await _start(
        "--rpc-port", str(port), "--ledger", str(tmp_path),
        "--upgradeable-program", str(PROGRAM_ID), so, str(tmp_path / "authority.json"),
        "--upgradeable-program", str(frozen), so, "none",
    )  # fmt: skip
    try:
        async with AsyncClient(banner["RPC URL"]) as rpc:
            assert await _authority_of(rpc, PROGRAM_ID) == authority
            assert await _authority_of(rpc, frozen) == NO_UPGRADES
    finally:
        await _stop(proc)


def test_cli_refuses_a_program_it_cannot_load(tmp_path: Path) -> None:
    not_elf = tmp_path / "not.so"
    not_elf.write_bytes(b"\x7fELF but not one")
    address = str(Keypair().pubkey())
    for args, says in [
        (["--bpf-program", address, str(not_elf)], "not a loadable SBF program"),
        (["--bpf-program", address, str(tmp_path / "missing.so")], "missing.so"),
        (["--bpf-program", "not-a-key", str(not_elf)], "neither a pubkey nor a keypair"),
        (["--upgradeable-program", address, str(not_elf), "nobody"], "neither a pubkey"),
    ]:
        proc = subprocess.run(
            [sys.executable, "-m", "localnet", "--ledger", str(tmp_path), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        error = proc.stderr.strip().splitlines()[-1]
        assert error.startswith("python -m localnet: error: ") and says in error, error


async def _confirmed_transfer(
    rpc: AsyncClient, payer: Keypair, to: Pubkey, lamports: int
) -> tuple[str, VersionedTransaction]:
    blockhash = (await rpc.get_latest_blockhash(Confirmed)).value.blockhash
    message = MessageV0.try_compile(
        payer.pubkey(), [transfer_ix(payer.pubkey(), to, lamports)], [], blockhash
    )
    tx = VersionedTransaction(message, [payer])
    signature = (await rpc.send_transaction(tx, TxOpts(preflight_commitment=Confirmed))).value
    for _ in range(300):
        status = (await rpc.get_signature_statuses([signature])).value[0]
        level = None if status is None else status.confirmation_status
        if level is not None and "Processed" not in str(level):
            return str(signature), tx
        await asyncio.sleep(0.05)
    raise AssertionError("transfer never confirmed")


async def test_cli_ledger_keeps_the_chain_across_a_restart(tmp_path: Path) -> None:
    # Accounts, a program loaded at the first start, transactions, the slot
    # and the genesis hash survive a stop (SIGTERM) and a start with the same
    # --ledger; --reset starts a new chain.
    ledger = tmp_path / "ledger"
    payer = _keypair_file(tmp_path / "id.json")
    other = _keypair_file(tmp_path / "other-keypair.json").pubkey()
    receiver, lamports = Keypair().pubkey(), 123_456_789
    common = ("--ledger", str(ledger), "--keypair", str(tmp_path / "id.json"))
    proc, banner = await _start(
        "--rpc-port", str(_free_port()), *common,
        "--bpf-program", str(tmp_path / "other-keypair.json"), str(program_path()),
    )  # fmt: skip
    try:
        async with AsyncClient(banner["RPC URL"]) as rpc:
            signature, sent = await _confirmed_transfer(rpc, payer, receiver, lamports)
            genesis = await rpc.get_genesis_hash()
            before = (await rpc.get_slot(Confirmed)).value
            payer_balance = (await rpc.get_balance(payer.pubkey(), Confirmed)).value
    finally:
        await _stop(proc)
    assert (ledger / "state.json").exists()

    # Started again without the program flag: the program comes from the ledger.
    proc, banner = await _start("--rpc-port", str(_free_port()), *common)
    try:
        async with AsyncClient(banner["RPC URL"]) as rpc:
            assert (await rpc.get_genesis_hash()).value == genesis.value
            assert (await rpc.get_balance(receiver, Confirmed)).value == lamports
            assert (await rpc.get_balance(payer.pubkey(), Confirmed)).value == payer_balance
            assert (await rpc.get_slot(Confirmed)).value > before
            found = (
                await rpc.get_transaction(
                    Signature.from_string(signature),
                    commitment=Confirmed,
                    max_supported_transaction_version=0,
                )
            ).value
            assert found is not None and found.transaction.meta is not None
            assert found.transaction.meta.post_balances[1] == lamports
            history = (await rpc.get_signatures_for_address(receiver, commitment=Confirmed)).value
            assert [str(h.signature) for h in history] == [signature]
            # The restored program still executes.
            blockhash = (await rpc.get_latest_blockhash()).value.blockhash
            call = Instruction(other, b"", [])
            message = MessageV0.try_compile(payer.pubkey(), [call], [], blockhash)
            sim = (await rpc.simulate_transaction(VersionedTransaction(message, [payer]))).value
            assert sim.logs is not None and f"Program {other} invoke [1]" in sim.logs, sim.err
            # The status cache came back with the blockhashes: no second run.
            with pytest.raises(RPCException, match="AlreadyProcessed"):
                await rpc.send_transaction(sent, TxOpts(preflight_commitment=Confirmed))
            # New transactions land on the restored state.
            await _confirmed_transfer(rpc, payer, receiver, 1)
            assert (await rpc.get_balance(receiver, Confirmed)).value == lamports + 1
    finally:
        await _stop(proc)

    proc, banner = await _start("--rpc-port", str(_free_port()), *common, "--reset")
    try:
        async with AsyncClient(banner["RPC URL"]) as rpc:
            assert (await rpc.get_genesis_hash()).value != genesis.value
            assert (await rpc.get_balance(receiver)).value == 0
            assert (await rpc.get_account_info(other)).value is None
    finally:
        await _stop(proc)


def test_cli_refuses_a_ledger_it_cannot_restore(tmp_path: Path) -> None:
    # A damaged or foreign state.json stops the start with a clear error
    # (exit 2) instead of a chain silently missing part of its state.
    for content, says in [
        ("{not json", "cannot restore the saved chain"),
        (json.dumps({"format": 99}), "format 99, expected 1"),
        (json.dumps({"format": 1, "genesisHash": "x"}), "cannot restore the saved chain"),
    ]:
        (tmp_path / "state.json").write_text(content)
        proc = subprocess.run(
            [sys.executable, "-m", "localnet", "--ledger", str(tmp_path), "--rpc-port", "0"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2, (content, proc.stderr)
        error = proc.stderr.strip().splitlines()[-1]
        assert error.startswith("python -m localnet: error: ") and says in error, error
