"""The compiled on-chain program shipped inside this package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def program_path() -> Path:
    """The file of the shipped program (what `amplify localnet` loads)."""
    return Path(str(resources.files("amplify_sdk").joinpath("program/amplify.so")))


def program_bytes() -> bytes:
    """The SBPF v0 ELF of the Amplify program (built by scripts/build-program.sh)."""
    return program_path().read_bytes()
