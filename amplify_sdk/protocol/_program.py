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

from solders.pubkey import Pubkey

#: Which build `program_path` gives: v0 (the default) or v3.
PROGRAM_ENV = "AMPLIFY_PROGRAM"
#: SBPF version -> file in amplify_sdk/program/.
ARTIFACTS = {"v0": "amplify.so", "v3": "amplify-v3.so"}

#: SIMD-0500 (agave-feature-set 4.1.2): once active, the loaders refuse to
#: deploy, upgrade or finalize SBPF v0, v1 and v2 programs.
DISABLE_SBPF_V0_V1_V2_DEPLOYMENT = Pubkey.from_string(
    "B8JJXCy5amZyWG9r7EnUYLwzXSXTxG7GZ1qZ1qggo83g"
)
#: SIMD-0178/0189/0377 (agave-feature-set 4.1.2): deployment and execution of
#: SBPF v3 as `amplify-v3.so` is built (Agave 3.1 keyed an older, different v3
#: on another id).
ENABLE_SBPF_V3 = Pubkey.from_string("5cC3foj77CWun58pC51ebHFUWavHWKarWyR5UUik7dnC")


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
