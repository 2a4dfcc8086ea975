"""Whether the program deployed at an address is, byte for byte, a given
executable (the shipped artifact, or one rebuilt from source), as
`solana-verify` checks Anchor programs.

The deployed executable is the ProgramData account after its 45-byte header
(slot, upgrade authority); the loader pads it with zeros up to the room the
deployer asked for, and the executable's own length is not recorded, so both
sides are compared without trailing zeros, as `solana-verify` hashes them."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from solders.pubkey import Pubkey

from ..chain._backend import Backend
from ..protocol._pda import BPF_LOADER_UPGRADEABLE as LOADER
from ..protocol._pda import program_data_pda
from ._deploy import PROGRAMDATA_METADATA, DeployError

#: `UpgradeableLoaderState::Program` (tag 2, then the ProgramData address).
_PROGRAM_TAG = struct.pack("<I", 2)


@dataclass(frozen=True)
class Verification:
    """What `verify` found. `matches` is the verdict; the rest says why."""

    program_id: Pubkey
    matches: bool
    #: Bytes and sha256 of each executable, trailing zeros removed.
    expected_bytes: int
    expected_sha256: str
    deployed_bytes: int
    deployed_sha256: str
    #: Slot of the last deployment or upgrade, and who may upgrade it (None: immutable).
    deployed_slot: int
    upgrade_authority: Pubkey | None
    #: First byte offset where the two differ (None when they match).
    first_difference: int | None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _first_difference(a: bytes, b: bytes) -> int | None:
    if a == b:
        return None
    differ = (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
    return next(differ, min(len(a), len(b)))


async def verify(backend: Backend, program_id: Pubkey, elf: bytes) -> Verification:
    """Compare the program deployed at `program_id` with `elf`. Raises
    `DeployError` when nothing verifiable is there (no account, not an
    upgradeable program, no ProgramData)."""
    program = await backend.get_account(program_id)
    if program is None:
        raise DeployError(f"no program is deployed at {program_id}")
    pdata_address = program_data_pda(program_id)
    if (
        program.owner != LOADER
        or program.data[:4] != _PROGRAM_TAG
        or program.data[4:36] != bytes(pdata_address)
    ):
        raise DeployError(
            f"{program_id} is not a program of the upgradeable loader "
            "(nothing to compare: its executable is not in a ProgramData account)"
        )
    pdata = await backend.get_account(pdata_address)
    if pdata is None or pdata.owner != LOADER or len(pdata.data) < PROGRAMDATA_METADATA:
        raise DeployError(f"program {program_id} has no ProgramData account")
    data = bytes(pdata.data)
    deployed = data[PROGRAMDATA_METADATA:].rstrip(b"\0")
    expected = elf.rstrip(b"\0")
    authority = Pubkey.from_bytes(data[13:45]) if data[12] == 1 else None
    return Verification(
        program_id=program_id,
        matches=deployed == expected,
        expected_bytes=len(expected),
        expected_sha256=_sha256(expected),
        deployed_bytes=len(deployed),
        deployed_sha256=_sha256(deployed),
        deployed_slot=int.from_bytes(data[4:12], "little"),
        upgrade_authority=authority,
        first_difference=_first_difference(deployed, expected),
    )
