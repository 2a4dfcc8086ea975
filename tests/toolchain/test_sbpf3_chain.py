"""The chain `AMPLIFY_PROGRAM=v3` configures: SIMD-0500's
`disable_sbpf_v0_v1_v2_deployment` is active, so the upgradeable loader
refuses to deploy the v0 artifact and deploys the v3 one, which then runs.
A default chain deploys the v0 artifact (the control)."""

from __future__ import annotations

from pathlib import Path

import pytest
from solders.account import Account
from solders.keypair import Keypair
from solders.litesvm import LiteSVM

from amplify_sdk import AdminClient, RequesterClient, WorkerClient
from amplify_sdk.chain._embedded import (
    DISABLE_SBPF_V0_V1_V2_DEPLOYMENT,
    ENABLE_SBPF_V3,
    EmbeddedBackend,
)
from amplify_sdk.clients._admin import AMP_DECIMALS
from amplify_sdk.clients._artifact import ArtifactChoice, choose_artifact
from amplify_sdk.clients._deploy import deploy
from amplify_sdk.protocol import program_bytes
from amplify_sdk.protocol._exceptions import TransactionError
from amplify_sdk.protocol._pda import program_data_pda
from amplify_sdk.protocol._token import MINT_SIZE, create_mint_instructions

PROGRAMDATA_METADATA = 45


async def deploy_fresh(arch: str, tmp_path: Path) -> tuple[EmbeddedBackend, Keypair, bytes]:
    backend = EmbeddedBackend()
    wallet, program = Keypair(), Keypair()
    await backend.airdrop(wallet.pubkey(), 100 * 10**9)
    elf = program_bytes(arch)
    await deploy(
        AdminClient(backend, wallet),
        elf,
        program.pubkey(),
        program_keypair=program,
        buffer_file=tmp_path / f"buffer-{arch}.json",
    )
    return backend, program, elf


async def test_v3_chain_deploys_the_v3_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMPLIFY_PROGRAM", "v3")
    backend, program, elf = await deploy_fresh("v3", tmp_path)
    data = backend.svm.get_account(program_data_pda(program.pubkey()))
    assert data is not None and bytes(data.data)[PROGRAMDATA_METADATA:].startswith(elf)


async def test_fail_deploy_v0_on_a_v3_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bug class: an artifact a post-SIMD-0500 cluster refuses. The v0 program's
    # DeployWithMaxDataLen fails there, so the v3 chain really enforces it.
    monkeypatch.setenv("AMPLIFY_PROGRAM", "v3")
    with pytest.raises(TransactionError) as err:
        await deploy_fresh("v0", tmp_path)
    assert "InvalidAccountData" in str(err.value)
    # The loader's reason: v0 is outside the versions it may deploy.
    assert "Detected sbpf_version required by the executable which are not enabled" in (
        err.value.logs
    )


async def test_default_chain_deploys_the_v0_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AMPLIFY_PROGRAM", raising=False)
    backend, program, elf = await deploy_fresh("v0", tmp_path)
    data = backend.svm.get_account(program_data_pda(program.pubkey()))
    assert data is not None and bytes(data.data)[PROGRAMDATA_METADATA:].startswith(elf)


def test_litesvm_default_is_mainnet_feature_set() -> None:
    # What docs/toolchain.md says of solders 0.29: LiteSVM() is built from
    # mainnet-beta's features (litesvm 0.15.2's into_basic), not all of them.
    svm, mainnet = LiteSVM(), LiteSVM.mainnet_feature_set()
    assert all(svm.get_account(f) is not None for f in mainnet.active)
    assert not any(svm.get_account(f) is not None for f in mainnet.inactive)
    assert len(mainnet.inactive) == 39 and not mainnet.is_active(DISABLE_SBPF_V0_V1_V2_DEPLOYMENT)
    assert mainnet.is_active(ENABLE_SBPF_V3)


async def flow_compute_units(arch: str) -> list[tuple[str, int]]:
    """A batch's life (initialize, register, create, upload, accept, submit,
    rate, close) on a fresh chain running `arch`, every key fixed: the CU of
    each transaction, named by its first log line's program and instruction."""
    backend = EmbeddedBackend(program=program_bytes(arch))
    admin_kp, mint, req_kp, worker_kp = (Keypair.from_seed(bytes([n]) * 32) for n in (1, 2, 3, 4))
    for kp in (admin_kp, req_kp, worker_kp):
        await backend.airdrop(kp.pubkey(), 100 * 10**9)
    backend.set_upgrade_authority(admin_kp.pubkey())
    admin = AdminClient(backend, admin_kp)
    rent = await backend.minimum_balance(MINT_SIZE)
    await admin.send(
        create_mint_instructions(admin.address, mint.pubkey(), admin.address, AMP_DECIMALS, rent),
        [mint],
    )
    await admin.initialize(mint.pubkey())
    req, worker = RequesterClient(backend, req_kp), WorkerClient(backend, worker_kp)
    await req.register_requester()
    await worker.register()
    b = await req.create_batch(
        price=100_000, redundancy=1, max_active=40, base_uri="ipfs://x/", batch_id=7
    )
    await req.add_tasks(b.address, [bytes([i]) * 32 for i in range(40)])
    await worker.accept_tasks(b.address, range(40))
    await worker.submit_results(b.address, [(i, bytes([i % 4])) for i in range(40)])
    await req.rate_assignments(b.address, [(i, worker.address, 1 + i % 5) for i in range(10)])
    await req.close_batch(b.address)
    receipts = [*admin.receipts, *req.receipts, *worker.receipts]
    return [(r.logs[0] + (r.logs[1] if len(r.logs) > 1 else ""), r.compute_units) for r in receipts]


async def test_v3_costs_the_same_compute_units_as_v0() -> None:
    # The two artifacts hold the same instructions (only call immediates and
    # addresses differ), so the same transactions cost the same CU.
    v0, v3 = await flow_compute_units("v0"), await flow_compute_units("v3")
    assert len(v0) >= 9 and sum(cu for _, cu in v0) > 50_000
    assert v3 == v0


async def test_choose_artifact_reads_the_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMPLIFY_PROGRAM", raising=False)
    default = await choose_artifact(EmbeddedBackend())
    assert isinstance(default, ArtifactChoice) and default.arch == "v0"
    assert f"{DISABLE_SBPF_V0_V1_V2_DEPLOYMENT}, is not active" in default.reason
    assert (await choose_artifact(EmbeddedBackend(), "v3")).arch == "v3"  # type: ignore[union-attr]
    monkeypatch.setenv("AMPLIFY_PROGRAM", "v3")
    past = await choose_artifact(EmbeddedBackend())
    assert isinstance(past, ArtifactChoice) and past.arch == "v3"
    assert f"{ENABLE_SBPF_V3}, is active" in past.reason


async def test_fail_choose_artifact_with_v0_closed_and_no_v3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Bug class: deploying what the cluster will refuse. v0 disabled and the
    # v3 feature account gone (or not yet activated: data[0] == 0): no build
    # fits, and the message names both features.
    monkeypatch.setenv("AMPLIFY_PROGRAM", "v3")
    backend = EmbeddedBackend()
    feature = backend.svm.get_account(ENABLE_SBPF_V3)
    assert feature is not None
    pending = Account(feature.lamports, bytes(9), feature.owner, False, 0)
    for account in (pending, Account(0, b"", feature.owner, False, 0)):
        backend.set_account(ENABLE_SBPF_V3, account)
        refusal = await choose_artifact(backend)
        assert isinstance(refusal, str) and "no build of this package fits" in refusal
        assert str(ENABLE_SBPF_V3) in refusal and str(DISABLE_SBPF_V0_V1_V2_DEPLOYMENT) in refusal
        refusal = await choose_artifact(backend, "v3")
        assert isinstance(refusal, str) and "does not run the SBPF v3" in refusal
    refusal = await choose_artifact(backend, "v0")
    assert isinstance(refusal, str) and "no longer deploys SBPF v0" in refusal
