"""The compiled on-chain program shipped inside this package.

Two builds of the same object ship (scripts/build-program.sh): SBPF v0
(`amplify.so`, what clusters run today) and SBPF v3 (`amplify-v3.so`, what a
cluster still accepts once it activates `disable_sbpf_v0_v1_v2_deployment`,
SIMD-0500). `AMPLIFY_PROGRAM=v3` makes the v3 one the program everywhere the
package loads it (embedded SVM, `amplify localnet`, deploy, the tests).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Which build `program_path` gives: v0 (the default) or v3.
PROGRAM_ENV = "AMPLIFY_PROGRAM"
#: SBPF version -> file in amplify_sdk/program/.
ARTIFACTS = {"v0": "amplify.so", "v3": "amplify-v3.so"}


def program_arch() -> str:
    """The SBPF version chosen by `AMPLIFY_PROGRAM` (v0 unless set)."""
    arch = os.environ.get(PROGRAM_ENV, "v0")
    if arch not in ARTIFACTS:
        raise ValueError(f"{PROGRAM_ENV}={arch!r}: give one of {', '.join(ARTIFACTS)}")
    return arch


def program_path(arch: str | None = None) -> Path:
    """The file of the shipped program (what `amplify localnet` loads)."""
    name = ARTIFACTS[arch or program_arch()]
    return Path(str(resources.files("amplify_sdk").joinpath(f"program/{name}")))


def program_bytes(arch: str | None = None) -> bytes:
    """The SBPF ELF of the Amplify program (built by scripts/build-program.sh)."""
    return program_path(arch).read_bytes()
