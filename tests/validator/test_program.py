"""The program on a real validator: deployed through the upgradeable loader
by `amplify program deploy` (a first deployment, then an upgrade with the
same authority), callable in the slot after, then initialized by the
README's block, which runs on it as written; and the third-party clients
(Anchor TS, web3.js) against it.

The deployment and the README share one validator (a validator's start and
deployment are about a minute of the tier): the README's block begins with
`program init`, so it runs right after the deployment test, on the program
that test deployed and upgraded."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from solders.keypair import Keypair

from amplify_sdk import PROGRAM_ID, AdminClient
from amplify_sdk.chain._rpc import RpcBackend, _ws_url
from amplify_sdk.protocol import program_bytes
from amplify_sdk.protocol._pda import config_pda, program_data_pda
from cli.conftest import Node, cli_env, load
from interop.node_tools import ensure_installed, run, run_flow
from readme_block import check_results, prepare, readme_block, run_block

from .conftest import deploy_program, start_validator, stop_validator

WEB3JS = Path(__file__).resolve().parents[1] / "interop" / "web3js"
#: The loader's ProgramData header: tag u32, slot u64, Option<authority>.
PROGRAMDATA_HEADER = 45


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A validator with nothing deployed: the deployment is the test."""
    node = start_validator(tmp_path_factory.mktemp("deploy-validator"))
    try:
        yield node
    finally:
        stop_validator(node)


def test_deploy_upgrade_and_initialize(fresh: Node) -> None:
    assert fresh.ok("program", "show")["deployed"] is False
    deployed = deploy_program(fresh)
    assert deployed["action"] == "deployed"
    assert deployed["program_id"] == str(PROGRAM_ID)
    chunks = deployed["chunks"]
    assert isinstance(chunks, int) and chunks == deployed["chunks_written"]
    # The loader holds the shipped bytes, byte for byte, under our authority.
    data = fresh.rpc(
        "getAccountInfo",
        str(program_data_pda(PROGRAM_ID)),
        {"encoding": "base64", "commitment": "confirmed"},
    )["value"]["data"][0]

    raw = base64.b64decode(data)
    authority = load(fresh.authority).pubkey()
    assert raw[13:45] == bytes(authority)
    elf = program_bytes()
    assert raw[PROGRAMDATA_HEADER : PROGRAMDATA_HEADER + len(elf)] == elf
    # Same bytes again: nothing to do; forced: an upgrade through a new buffer.
    assert deploy_program(fresh)["action"] == "unchanged"
    upgraded = deploy_program(fresh, "--force")
    assert upgraded["action"] == "upgraded" and upgraded["chunks_written"] == chunks
    shown = fresh.ok("program", "show")
    assert shown["deployed"] is True and shown["upgrade_authority"] == str(authority)


def test_the_readme_block_on_the_validator(fresh: Node, tmp_path: Path) -> None:
    """The README's block with its first two lines (start a local node, name
    its authority) replaced by the validator's: the rest runs as written,
    from `program init` on the program the test above deployed and upgraded
    (`deploy` returned after the slot of the upgrade: it is callable)."""
    assert fresh.ok("program", "show")["deployed"] is True
    config = tmp_path / "config.yml"
    config.write_text(f"json_rpc_url: {fresh.url}\nkeypair_path: {fresh.authority}\n")
    lines = readme_block().splitlines()
    assert lines[0].startswith("amplify localnet &") and lines[1].startswith("K=")
    assert lines[2].endswith("program init")
    script = "\n".join([f"K={fresh.authority}", *lines[2:]])
    prepare(tmp_path)
    done = run_block(tmp_path, script, cli_env(AMPLIFY_CONFIG=str(config)))
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    check_results(tmp_path)
    assert fresh.ok("program", "show")["fee_bps"] == 500


@dataclass
class _Flow:
    """What `interop.node_tools.run_flow` reads of a node."""

    url: str
    authority: Keypair


def test_anchor_ts_flow_on_the_validator(
    ts_package: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """@coral-xyz/anchor's whole flow (every instruction, governance taking the
    program over): on a validator of its own."""
    node = start_validator(tmp_path_factory.mktemp("anchor-validator"))
    try:
        assert deploy_program(node)["action"] == "deployed"
        authority = load(node.authority)

        async def go() -> object:
            backend = RpcBackend(node.url)
            try:
                mint = await AdminClient(backend, authority).create_amp_mint()
            finally:
                await backend.close()
            flow = _Flow(node.url, authority)
            # A validator's slots and voting period make the flow take about two
            # minutes, more on busy cores (120 s ran out once in CI).
            return await run_flow(ts_package, "src/anchor_flow.ts", flow, mint, tmp_path, limit=480)  # type: ignore[arg-type]

        seen = asyncio.run(go())
        assert isinstance(seen, dict) and seen["instructions"]
    finally:
        stop_validator(node)


def test_web3js_connection_on_the_validator(node: Node) -> None:
    ensure_installed(WEB3JS)
    config = config_pda()[0]

    async def go() -> tuple[int, str, str]:
        backend = RpcBackend(node.url)
        try:
            acc = await backend.get_account(config)
        finally:
            await backend.close()
        assert acc is not None
        return await run(
            WEB3JS,
            "node",
            "check.mjs",
            node.url,
            _ws_url(node.url),
            str(PROGRAM_ID),
            str(config),
            str(len(acc.data)),
            limit=180,
        )

    code, out, err = asyncio.run(go())
    assert code == 0, f"web3.js check failed on the validator:\n{out}\n{err}"
