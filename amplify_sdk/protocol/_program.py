"""The compiled on-chain program shipped inside this package."""

from __future__ import annotations

from importlib import resources


def program_bytes() -> bytes:
    """The SBPF v0 ELF of the Amplify program (built by scripts/build-program.sh)."""
    return resources.files("amplify_sdk").joinpath("program/amplify.so").read_bytes()
