"""anchorpy reads the IDL and its coders agree with amplify_sdk byte for byte.

anchorpy 0.21 pins older solana/solders than the SDK, so it runs in its own
venv (created here under .cache/anchorpy-venv from tests/interop/anchorpy/
requirements.txt, reused while that file is unchanged), and it only parses the
legacy IDL format: scripts/idl_legacy.py converts ours. Its instruction coder
must produce amplify_sdk.protocol.encode_instruction's bytes for every instruction
(sample arguments generated from the IDL types), and its account and event
coders must decode real bytes from a marketplace run to amplify_sdk's values.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from solders.pubkey import Pubkey

from amplify_sdk import PROGRAM_ID
from amplify_sdk import instructions as ix
from amplify_sdk.protocol import (
    config_pda,
    decode_account,
    decode_event,
    encode_instruction,
    load_idl,
    treasury_pda,
    worker_profile_pda,
)
from conftest import ROOT
from market import Market

from .client_forms import anchorpy_form

HERE = Path(__file__).resolve().parent / "anchorpy"
VENV = ROOT / ".cache" / "anchorpy-venv"
REQUIREMENTS = HERE / "requirements.txt"


def anchorpy_python() -> Path:
    """The anchorpy venv's interpreter, created (pip, pinned) if missing or stale."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".amplify-requirements"
    if python.exists() and stamp.exists() and stamp.read_bytes() == REQUIREMENTS.read_bytes():
        return python
    # Same base interpreter as the SDK's venv (venv builds on sys._base_executable).
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    install = ["install", "-q", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
    pip = subprocess.run(
        [str(python), "-m", "pip", *install],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pip.returncode == 0, f"installing anchorpy failed:\n{pip.stdout}\n{pip.stderr}"
    stamp.write_bytes(REQUIREMENTS.read_bytes())
    return python


def sample(ty: Any, k: int) -> Any:
    """A JSON-form value of an IDL type (keys base58, bytes hex), varied by `k`,
    with the extremes of each integer width."""
    if isinstance(ty, str):
        ints = {"u8": 255 - k, "u16": 0xBEEF + k, "u32": 0xFFFF_FFFF - k, "u64": 2**64 - 1 - k}
        ints |= {"i64": -(2**63) + k, "i32": -(2**31) + k, "i16": -k, "i8": -128 + k}
        if ty in ints:
            return ints[ty]
        if ty == "bool":
            return k % 2 == 1
        if ty == "pubkey":
            return str(Pubkey(bytes((k + i) % 256 for i in range(32))))
        if ty == "string":
            return f"https://例え.example/{k}/✓"
        if ty == "bytes":
            return bytes(range(k, k + 5)).hex()
    elif "array" in ty and ty["array"][0] == "u8":
        return bytes((k * 7 + i) % 256 for i in range(ty["array"][1])).hex()
    elif "vec" in ty:
        return [sample(ty["vec"], k + i) for i in range(3)]
    elif "defined" in ty:
        defined = load_idl().types[ty["defined"]["name"]]["type"]
        if defined["kind"] == "enum":
            # A variant with fields (one per instruction: the k-th).
            variant = defined["variants"][k % len(defined["variants"])]
            fields = variant.get("fields", [])
            return {
                variant["name"]: {f["name"]: sample(f["type"], k + j) for j, f in enumerate(fields)}
            }
        fields = defined["fields"]
        return {f["name"]: sample(f["type"], k + j) for j, f in enumerate(fields)}
    raise ValueError(f"no sample for {ty!r}")


def sdk_value(ty: Any, value: Any) -> Any:
    """A JSON-form value as amplify_sdk.protocol.encode_instruction takes it."""
    if ty == "pubkey":
        return Pubkey.from_string(value)
    if ty == "bytes" or (isinstance(ty, dict) and "array" in ty and ty["array"][0] == "u8"):
        return bytes.fromhex(value)
    if isinstance(ty, dict) and "vec" in ty:
        return [sdk_value(ty["vec"], v) for v in value]
    if isinstance(ty, dict) and "defined" in ty:
        defined = load_idl().types[ty["defined"]["name"]]["type"]
        if defined["kind"] == "enum":
            ((variant, fields_value),) = value.items()
            spec = next(v for v in defined["variants"] if v["name"] == variant)
            fields = spec.get("fields", [])
            return {
                variant: {f["name"]: sdk_value(f["type"], fields_value[f["name"]]) for f in fields}
            }
        fields = defined["fields"]
        return {f["name"]: sdk_value(f["type"], value[f["name"]]) for f in fields}
    return value


async def marketplace_bytes(market: Market) -> tuple[dict[str, bytes], list[bytes]]:
    """Every account type and every event payload of a small marketplace run."""
    worker = await market.worker()
    b = await market.batch(n_items=4, redundancy=2, price=10_000, base_uri="https://x.example/")
    await worker.accept_tasks(b.address, [0, 1, 2])
    await worker.submit_results(b.address, [(0, b"\x01"), (1, b"\x02")], "ipfs://r/")
    # Both rating instructions: rate_assignments (one AssignmentRated per rating)
    # sent as built from the IDL, rate_worker (one WorkerRated listing the
    # ratings) as the SDK sends it.
    req = market.requester
    await req.register_requester()
    roster = (await req.get_batch(b.address)).roster_index(worker.address)
    assert roster is not None
    profile = worker_profile_pda(worker.address)[0]
    rating = ix.rate_assignments(
        req.address, b.address, market.table(b), [(0, roster, 4, 0)], [profile]
    )
    await req.send([rating])
    assert all(o.ok for o in await req.rate_assignments(b.address, [(1, worker.address, 3)]))
    await market.requester.send([ix.sweep_fees(b.address)])
    addresses = {
        "Config": config_pda()[0],
        "Treasury": treasury_pda()[0],
        "WorkerProfile": worker_profile_pda(worker.address)[0],
        "Batch": b.address,
        "TaskTable": market.table(b),
    }
    accounts = {name: await market.data(address) for name, address in addresses.items()}
    events = []
    for info in reversed(await market.backend.get_signatures_for_address(PROGRAM_ID)):
        tx = await market.backend.get_transaction(info.signature)
        assert tx is not None
        events += [
            base64.b64decode(line.removeprefix("Program data: "))
            for line in tx.logs
            if line.startswith("Program data: ")
        ]
    return accounts, events


def run_anchorpy(request: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """check.py in the anchorpy venv on `request`; its JSON answer."""
    python = anchorpy_python()
    (workdir / "in.json").write_text(json.dumps(request))
    done = subprocess.run(
        [str(python), str(HERE / "check.py"), str(ROOT), str(workdir / "in.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"anchorpy check failed:\n{done.stdout}\n{done.stderr}"
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


async def test_anchorpy_agrees_with_the_sdk(market: Market, tmp_path: Path) -> None:
    idl = load_idl()
    samples = {
        name: {a["name"]: sample(a["type"], k) for k, a in enumerate(spec.args)}
        for name, spec in idl.instructions.items()
    }
    accounts, events = await marketplace_bytes(market)
    request = {
        "instructions": [{"name": n, "args": args} for n, args in samples.items()],
        "accounts": [
            {"name": n, "data": base64.b64encode(d).decode()} for n, d in accounts.items()
        ],
        "events": [base64.b64encode(e).decode() for e in events],
    }
    seen = await asyncio.to_thread(run_anchorpy, request, tmp_path)
    assert seen["versions"]["anchorpy"] == "0.21.0"

    # The IDL as anchorpy parsed it: every instruction, account order and flags.
    for name, spec in idl.instructions.items():
        want = [[a.name, a.writable, a.signer] for a in spec.accounts]
        assert seen["metas"][name] == want, name

    # Instruction data: byte-identical for every instruction.
    assert set(seen["instructions"]) == set(idl.instructions)
    for name, args in samples.items():
        data = encode_instruction(
            name,
            {a["name"]: sdk_value(a["type"], args[a["name"]]) for a in idl.instructions[name].args},
        )
        assert seen["instructions"][name] == data.hex(), name

    # Accounts and events: the same values from the same bytes.
    assert [a["name"] for a in seen["accounts"]] == list(accounts)
    for got in seen["accounts"]:
        ours = decode_account(got["name"], accounts[got["name"]])
        assert got["fields"] == anchorpy_form({"defined": {"name": got["name"]}}, ours), got["name"]
    names = set()
    for payload, got in zip(events, seen["events"], strict=True):
        decoded = decode_event(payload)
        assert decoded is not None
        names.add(decoded[0])
        assert got["name"] == decoded[0]
        assert got["fields"] == anchorpy_form({"defined": {"name": decoded[0]}}, decoded[1])
    rated = {"AssignmentRated", "WorkerRated"}
    assert {"BatchCreated", "TasksAccepted", "ResultsSubmitted"} | rated <= names
