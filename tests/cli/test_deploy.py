"""`amplify program deploy` onto a node started without the program
(`amplify localnet --no-program`): the upgradeable loader's buffer, chunked
writes and DeployWithMaxDataLen in LiteSVM, resumed after an interruption;
then `amplify program init` by the upgrade authority, and the program runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID, AdminClient
from amplify_sdk.chain._rpc import RpcBackend
from amplify_sdk.clients._deploy import deploy
from amplify_sdk.protocol import program_bytes
from amplify_sdk.protocol._program import program_path

from .conftest import ROOT, Node, amplify, parallel, start_node, stop_node

PROGRAM_KEYPAIR = ROOT / "programs/amplify/program-keypair.json"


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    n = start_node(tmp_path_factory.mktemp("bare"), "--no-program")
    yield n
    stop_node(n)


class Interrupt(Exception):
    pass


async def test_deploy_resume_then_initialize(bare: Node, tmp_path: Path) -> None:
    assert bare.ok("program", "show")["deployed"] is False
    r = bare.cli("program", "init")
    assert r.code == 1 and r.error.startswith("error: ")

    # An interrupted run: the buffer exists, partly written, its keypair kept.
    buffer_file = tmp_path / "buffer.json"
    authority = Keypair.from_bytes(bytes(json.loads(bare.authority.read_text())))
    program = Keypair.from_bytes(bytes(json.loads(PROGRAM_KEYPAIR.read_text())))
    backend = RpcBackend(bare.url)

    def stop_midway(done: int, total: int) -> None:
        if done >= total // 3:
            raise Interrupt

    try:
        with pytest.raises(Interrupt):
            await deploy(
                AdminClient(backend, authority),
                program_bytes(),
                PROGRAM_ID,
                program_keypair=program,
                buffer_file=buffer_file,
                progress=stop_midway,
                concurrency=4,
            )
    finally:
        await backend.close()
    assert buffer_file.exists()

    done = bare.ok(
        "program", "deploy", "--buffer", buffer_file, "--program-keypair", PROGRAM_KEYPAIR
    )
    assert done["action"] == "deployed" and done["program_id"] == str(PROGRAM_ID)
    assert 0 < done["chunks_written"] < done["chunks"]
    assert not buffer_file.exists()
    shown = bare.ok("program", "show")
    assert shown["deployed"] and shown["upgrade_authority"] == str(authority.pubkey())
    assert shown["initialized"] is False

    init = bare.ok("program", "init", "--fee-bps", "250")
    assert init["admin"] == str(authority.pubkey()) and init["fee_bps"] == 250
    batch = bare.ok("batch", "create", "--price", "10000")
    assert batch["fee_per_item"] == 250

    stranger = tmp_path / "stranger.json"
    bare.wallet(stranger)
    same, foreign, wrong_id = parallel(
        lambda: bare.cli("program", "deploy", "-o", "json"),
        lambda: bare.cli("program", "deploy", "--force", keypair=stranger),
        lambda: bare.cli("program", "deploy", "--program-keypair", stranger),
    )
    assert same.code == 0 and same.json()["action"] == "unchanged"
    assert foreign.code == 2 and "upgrade authority" in foreign.error
    assert wrong_id.code == 2 and "not of the program address" in wrong_id.error


def test_fail_deploy_with_the_public_program_key_on_mainnet_beta(tmp_path: Path) -> None:
    # Bug class: a program address whose key is public, deployed where it
    # matters: anyone holding the repository could take AMPDC2… on
    # mainnet-beta first. Refused by the moniker before anything is read or
    # sent (no network needed), and by the genesis hash behind any other URL.
    from amplify_sdk.cli._context import UserError
    from amplify_sdk.cli.program import MAINNET_GENESIS, refuse_public_key

    wallet = tmp_path / "w.json"
    wallet.write_text(json.dumps(list(bytes(Keypair()))))
    for url in ("mainnet-beta", "m", "https://api.mainnet-beta.solana.com"):
        r = amplify("program", "deploy", "-u", url, "-k", wallet)
        assert r.code == 2 and "refusing to deploy on mainnet-beta" in r.error, r.stderr
        assert "solana-keygen new" in r.error
    with pytest.raises(UserError, match="key is public"):
        refuse_public_key("https://rpc.example.com", MAINNET_GENESIS)
    refuse_public_key("https://rpc.example.com", "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG")


@pytest.fixture(scope="module")
def past_simd_0500(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A node without the program on a chain where SBPF v0 can no longer be
    deployed (`AMPLIFY_PROGRAM=v3` in the node's environment only)."""
    n = start_node(tmp_path_factory.mktemp("v3"), "--no-program", AMPLIFY_PROGRAM="v3")
    yield n
    stop_node(n)


def test_deploy_picks_the_v3_build_where_v0_is_disabled(past_simd_0500: Node) -> None:
    # The CLI runs without AMPLIFY_PROGRAM: the choice comes from the cluster's
    # feature accounts. It says which build and why, and the program runs.
    n = past_simd_0500
    refused = n.cli("program", "deploy", "--sbpf", "v0", "--program-keypair", PROGRAM_KEYPAIR)
    assert refused.code == 2 and "no longer deploys SBPF v0" in refused.error, refused.stderr
    assert n.ok("program", "show")["deployed"] is False
    done = n.ok("program", "deploy", "--program-keypair", PROGRAM_KEYPAIR)
    assert (done["action"], done["sbpf"]) == ("deployed", "v3")
    assert "disable_sbpf_v0_v1_v2_deployment" in done["sbpf_reason"]
    assert done["program_bytes"] == len(program_bytes("v3"))
    assert n.ok("program", "init")["fee_bps"] >= 0
    assert n.ok("batch", "create", "--price", "10000")["fee_per_item"] >= 0
    again = n.ok("program", "deploy", "--force")  # an upgrade, v3 again
    assert (again["action"], again["sbpf"]) == ("upgraded", "v3")
    # verify finds the shipped build that is deployed, here the v3 one.
    checked = n.ok("program", "verify")
    assert checked["verified"] and checked["artifact"] == "the shipped program (SBPF v3)"
    # An --artifact in v0 is checked against the cluster like --sbpf v0.
    v0 = n.cli("program", "deploy", "--artifact", program_path("v0"), "--force")
    assert v0.code == 2 and "no longer deploys SBPF v0" in v0.error, v0.stderr


def test_deploy_picks_the_v0_build_where_v0_is_open(bare: Node) -> None:
    # The default node: v0 deployment is open, so the v0 build is chosen (the
    # unchanged program of the test above, read back and compared).
    same = bare.ok("program", "deploy")
    assert (same["action"], same["sbpf"]) == ("unchanged", "v0")
    assert "is not active" in same["sbpf_reason"]
