"""The programs a node loads at genesis, named as `solana-test-validator`
names them: `--bpf-program ADDRESS_OR_KEYPAIR SBF_PROGRAM.SO` and
`--upgradeable-program ADDRESS_OR_KEYPAIR SBF_PROGRAM.SO UPGRADE_AUTHORITY`.

The node knows nothing of what it runs: a program is an address, an ELF and
an upgrade authority. Both kinds are owned by the upgradeable loader with a
ProgramData account, as Agave's test validator writes them; `--bpf-program`
(and an upgrade authority of `none`) names the default pubkey as the
authority, whose key no one holds, so upgrades are disabled.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from solders.keypair import Keypair
from solders.pubkey import Pubkey

LOADER_V3 = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
#: The upgrade authority `--bpf-program` and `none` write (Agave: `Pubkey::default()`).
NO_UPGRADES = Pubkey.default()


class ProgramLoadError(ValueError):
    """A program the node cannot load (not an SBF ELF, an address given twice)."""


def program_data_address(program_id: Pubkey) -> Pubkey:
    """The ProgramData account of an upgradeable-loader program."""
    return Pubkey.find_program_address([bytes(program_id)], LOADER_V3)[0]


@dataclass(frozen=True, slots=True)
class Program:
    """A program to load at genesis: its address, its ELF (bytes, or a path
    read at once) and its upgrade authority (`NO_UPGRADES` by default, as
    `--bpf-program`)."""

    address: Pubkey
    elf: bytes | str | os.PathLike[str] = field(repr=False)
    upgrade_authority: Pubkey = NO_UPGRADES

    def __post_init__(self) -> None:
        if not isinstance(self.elf, bytes):
            object.__setattr__(self, "elf", Path(self.elf).read_bytes())

    @property
    def elf_bytes(self) -> bytes:
        assert isinstance(self.elf, bytes)  # read in __post_init__
        return self.elf

    @property
    def upgradeable(self) -> bool:
        return self.upgrade_authority != NO_UPGRADES


def load_keypair(path: str | os.PathLike[str]) -> Keypair:
    """A keypair in the Solana CLI's format: a JSON array of 64 bytes."""
    return Keypair.from_bytes(bytes(json.loads(Path(path).read_text())))


def parse_address(arg: str) -> Pubkey:
    """`ADDRESS_OR_KEYPAIR`: a base58 pubkey, else a keypair file's pubkey."""
    try:
        return Pubkey.from_string(arg)
    except ValueError:
        pass
    try:
        return load_keypair(arg).pubkey()
    except (OSError, ValueError) as e:
        raise ValueError(f"{arg!r} is neither a pubkey nor a keypair file ({e})") from None


def parse_upgrade_authority(arg: str) -> Pubkey:
    """`UPGRADE_AUTHORITY`: as `parse_address`, or `none` (upgrades disabled)."""
    return NO_UPGRADES if arg == "none" else parse_address(arg)
