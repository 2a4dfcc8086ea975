"""`amplify program verify`: the program deployed on a node (through the
upgradeable loader, with room for upgrades, so its ProgramData is padded with
zeros) against the shipped executable, a rebuilt one and altered copies."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID
from amplify_sdk.protocol._pda import program_data_pda
from amplify_sdk.protocol._program import program_path

from .conftest import ROOT, Node, load, parallel, start_node, stop_node

PROGRAM_KEYPAIR = ROOT / "programs/amplify/program-keypair.json"
#: The loader's ProgramData header: tag u32, slot u64, Option<authority> (1 + 32).
HEADER = 4 + 8 + 1 + 32


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A node whose program was deployed by `amplify program deploy`."""
    n = start_node(tmp_path_factory.mktemp("verify"), "--no-program")
    done = n.ok("program", "deploy", "--program-keypair", PROGRAM_KEYPAIR)
    assert done["action"] == "deployed"
    yield n
    stop_node(n)


def shipped() -> bytes:
    return program_path().read_bytes()


def program_data(node: Node) -> bytes:
    address = str(program_data_pda(PROGRAM_ID))
    info = node.rpc("getAccountInfo", address, {"encoding": "base64"})["value"]
    return base64.b64decode(info["data"][0])


def test_verify_the_deployed_program(deployed: Node) -> None:
    elf = shipped()
    data = program_data(deployed)
    # The deployment left room for upgrades: zeros follow the executable, and
    # verify must see through them.
    assert len(data) > HEADER + len(elf) and data[HEADER + len(elf) :].count(0) > 0
    assert data[HEADER : HEADER + len(elf)] == elf

    r = deployed.cli("program", "verify", "-o", "json")
    assert r.code == 0, r.stderr
    v = r.json()
    assert v["verified"] is True and v["first_difference"] is None
    assert v["program_id"] == str(PROGRAM_ID)
    # solana-verify's hash: the executable without trailing zeros.
    digest = hashlib.sha256(elf.rstrip(b"\0")).hexdigest()
    assert v["deployed_sha256"] == v["expected_sha256"] == digest
    assert v["upgrade_authority"] == str(load(deployed.authority).pubkey())
    assert "verified: the program at" in deployed.cli("program", "verify").stdout


def test_verify_tells_an_altered_executable(deployed: Node, tmp_path: Path) -> None:
    elf = shipped()
    at = len(elf) // 2
    flipped = tmp_path / "flipped.so"
    flipped.write_bytes(elf[:at] + bytes([elf[at] ^ 0x01]) + elf[at + 1 :])
    longer = tmp_path / "longer.so"
    longer.write_bytes(elf + b"\x01")
    padded = tmp_path / "padded.so"
    padded.write_bytes(elf + bytes(100))
    a, b, c = parallel(
        lambda: deployed.cli("program", "verify", "--artifact", flipped, "-o", "json"),
        lambda: deployed.cli("program", "verify", "--artifact", longer, "-o", "json"),
        lambda: deployed.cli("program", "verify", "--artifact", padded, "-o", "json"),
    )
    assert a.code == 1 and a.json()["verified"] is False
    assert a.json()["first_difference"] == at
    stripped = flipped.read_bytes().rstrip(b"\0")
    assert a.json()["expected_sha256"] == hashlib.sha256(stripped).hexdigest()
    assert b.code == 1 and b.json()["first_difference"] == len(elf.rstrip(b"\0"))
    # Zeros past the end are the loader's padding, not a difference.
    assert c.code == 0 and c.json()["verified"] is True
    text = deployed.cli("program", "verify", "--artifact", flipped)
    assert text.code == 1 and "NOT verified" in text.stdout and f"{at:,}" in text.stdout


def test_fail_verify_with_an_address_that_holds_no_program(deployed: Node) -> None:
    # Bug class: a verdict about the wrong account: an address with no
    # program, or an account the upgradeable loader does not own (a wallet),
    # has no executable to compare and must not be reported as either.
    wallet = str(load(deployed.authority).pubkey())
    nobody = str(Keypair().pubkey())
    r1, r2 = parallel(
        lambda: deployed.cli("program", "verify", "--program-id", wallet),
        lambda: deployed.cli("program", "verify", "--program-id", nobody, "-o", "json"),
    )
    assert r1.code == 2 and "not a program of the upgradeable loader" in r1.error
    assert r2.code == 2 and "no program is deployed" in r2.error
    assert "error" in r2.json()


def test_fail_verify_with_rebuild_and_an_artifact(deployed: Node, tmp_path: Path) -> None:
    # Bug class: a check that silently checks something else: --rebuild vouches
    # for the shipped program, so an --artifact beside it is refused.
    other = tmp_path / "other.so"
    other.write_bytes(shipped())
    r = deployed.cli("program", "verify", "--rebuild", "--artifact", other)
    assert r.code == 2 and "leave out --artifact" in r.error


@pytest.mark.toolchain
def test_verify_a_rebuild_from_source(deployed: Node) -> None:
    # The build finds cargo and the toolchain under the real home.
    r = deployed.cli("program", "verify", "--rebuild", "-o", "json", HOME=str(Path.home()))
    assert r.code == 0, r.stderr
    assert r.json()["verified"] is True and r.json()["rebuilt_from_source"] is True
