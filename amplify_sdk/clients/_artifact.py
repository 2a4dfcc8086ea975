"""Which build of the program a cluster accepts, read from its feature accounts.

A cluster's feature gates are accounts owned by the Feature program
(`Feature111…`), whose data is bincode `Option<u64>`: a 1 in the first byte
means activated (at the slot that follows). Two of them decide the artifact
(`amplify_sdk/program/`):

- `disable_sbpf_v0_v1_v2_deployment` (SIMD-0500) active: v0 can no longer be
  deployed or upgraded there;
- `enable_sbpf_v3_deployment_and_execution` (Agave 4.1's id) active: the
  cluster loads the SBPF v3 format `amplify-v3.so` is built in.

v0 is chosen while the cluster still deploys it (it is the build every tier,
the real-validator one included, has run), v3 once v0 is refused, and neither
when the cluster refuses v0 and lacks v3.
"""

from __future__ import annotations

from dataclasses import dataclass

from solders.pubkey import Pubkey

from ..chain._backend import Backend
from ..protocol._program import DISABLE_SBPF_V0_V1_V2_DEPLOYMENT, ENABLE_SBPF_V3

FEATURE_PROGRAM = Pubkey.from_string("Feature111111111111111111111111111111111111")


@dataclass(frozen=True)
class ArtifactChoice:
    #: "v0" or "v3" (a key of `amplify_sdk.protocol._program.ARTIFACTS`).
    arch: str
    #: Why, in the cluster's terms (which feature is or is not active).
    reason: str


async def feature_active(backend: Backend, feature: Pubkey) -> bool:
    """Whether the cluster has activated `feature` (its account says so)."""
    account = await backend.get_account(feature)
    return (
        account is not None
        and account.owner == FEATURE_PROGRAM
        and len(account.data) >= 9
        and account.data[0] == 1
    )


async def choose_artifact(backend: Backend, wanted: str = "auto") -> ArtifactChoice | str:
    """The build to deploy on this cluster (`wanted`: auto, v0 or v3), or why
    none fits (a message naming the features)."""
    v0_closed = await feature_active(backend, DISABLE_SBPF_V0_V1_V2_DEPLOYMENT)
    v3_open = await feature_active(backend, ENABLE_SBPF_V3)
    v0_state = (
        f"disable_sbpf_v0_v1_v2_deployment, {DISABLE_SBPF_V0_V1_V2_DEPLOYMENT}, is "
        f"{'active' if v0_closed else 'not active'}"
    )
    v3_state = (
        f"enable_sbpf_v3_deployment_and_execution, {ENABLE_SBPF_V3}, is "
        f"{'active' if v3_open else 'not active'}"
    )
    if wanted == "v0" and v0_closed:
        return f"the cluster no longer deploys SBPF v0 ({v0_state}): deploy the v3 build"
    if wanted == "v3" and not v3_open:
        return f"the cluster does not run the SBPF v3 this package ships ({v3_state})"
    if wanted != "auto":
        return ArtifactChoice(wanted, f"asked for; the cluster accepts it ({v0_state}; {v3_state})")
    if not v0_closed:
        return ArtifactChoice("v0", f"the cluster still deploys SBPF v0 ({v0_state})")
    if v3_open:
        return ArtifactChoice(
            "v3",
            f"the cluster no longer deploys SBPF v0 ({v0_state}) and runs SBPF v3 ({v3_state})",
        )
    return (
        f"no build of this package fits the cluster: it no longer deploys SBPF v0 "
        f"({v0_state}) and does not run the SBPF v3 this package ships ({v3_state})"
    )
