"""A build for another program address (`scripts/build-program.sh
--program-id`): it runs only at that address, the shipped build refuses to
run there, and an SDK session given the address derives every account and
builds every instruction for it, beside a session of the shipped build in the
same process and event loop."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import PROGRAM_ID, Amplify
from amplify_sdk.errors import InvalidProgramAccount
from amplify_sdk.protocol import program_bytes
from cli.conftest import amplify, start_node, stop_node
from conftest import ROOT
from market import Market

pytestmark = pytest.mark.toolchain

#: A key for tests only (committed, so public, like the default one).
OTHER_KEYPAIR = Path(__file__).with_name("other-program-keypair.json")
LOADER = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")
PRICE = 10_000
FEE_BPS = 500


def other_address() -> Pubkey:
    return Keypair.from_bytes(bytes(json.loads(OTHER_KEYPAIR.read_text()))).pubkey()


@pytest.fixture(scope="module")
def other_build() -> tuple[Pubkey, bytes]:
    other = other_address()
    done = subprocess.run(
        [str(ROOT / "scripts/build-program.sh"), "--program-id", str(other)],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The script names the ProgramData address it compiled in: the loader's PDA.
    data = Pubkey.find_program_address([bytes(other)], LOADER)[0]
    assert f"ProgramData {data}" in done.stdout
    return other, (ROOT / f"programs/target/deploy/amplify-{other}.so").read_bytes()


async def market(amp: Amplify) -> Market:
    admin = amp.admin()
    await admin.initialize(await admin.create_amp_mint())
    return Market(amp, amp.backend, admin, amp.requester())  # type: ignore[arg-type]


async def test_a_build_for_another_address_runs_the_market_there(
    other_build: tuple[Pubkey, bytes],
) -> None:
    other, elf = other_build
    assert other != PROGRAM_ID and elf != program_bytes()
    ours = await Amplify.embedded(program=elf, program_id=other)
    shipped = await Amplify.embedded()
    # Both deployments at once, interleaved on one event loop: each session's
    # clients must address their own program throughout.
    (b1, w1), (b2, _) = await asyncio.gather(
        (await market(ours)).done_work(4, price=PRICE),
        (await market(shipped)).done_work(3, price=PRICE),
    )
    for amp, program, batch, n in ((ours, other, b1, 4), (shipped, PROGRAM_ID, b2, 3)):
        config = Pubkey.find_program_address([b"config"], program)[0]
        acc = await amp.backend.get_account(config)
        assert acc is not None and acc.owner == program
        acc = await amp.backend.get_account(batch.address)
        assert acc is not None and acc.owner == program
        assert (
            batch.address
            == Pubkey.find_program_address(
                [b"batch", bytes(batch.requester), batch.batch_id.to_bytes(8, "little")], program
            )[0]
        )
        done = await amp.requester().get_batch(batch.address)
        assert done.completed_count == n
    # The worker of the other build was paid there: price less the 5% fee, per item.
    paid = sum(e.fields["paid"] for e in w1.last_receipt.events if e.name == "ResultsSubmitted")  # type: ignore[union-attr]
    assert paid == 4 * (PRICE - PRICE * FEE_BPS // 10_000)


async def test_fail_a_build_at_an_address_it_was_not_built_for(
    other_build: tuple[Pubkey, bytes],
) -> None:
    # Bug class: program-address confusion: a build answers at its own
    # address only, so code deployed elsewhere (a copy at a squatted address,
    # or the public-key build at a serious one) never acts for it.
    other, elf = other_build
    for program, address in ((program_bytes(), other), (elf, PROGRAM_ID)):
        amp = await Amplify.embedded(program=program, program_id=address)
        admin = amp.admin()
        mint = await admin.create_amp_mint()
        with pytest.raises(InvalidProgramAccount):
            await admin.initialize(mint)


def test_the_command_line_deploys_and_runs_a_build_for_another_address(
    other_build: tuple[Pubkey, bytes], tmp_path: Path
) -> None:
    """`amplify program deploy` of the other build at its address (named by
    `$AMPLIFY_PROGRAM_ID`), `program init`, a batch, and `program verify`
    against the artifact; the config file's per-cluster entry names it too."""
    other, elf = other_build
    artifact = tmp_path / "other.so"
    artifact.write_bytes(elf)
    node = start_node(tmp_path / "ledger", "--no-program")
    try:
        env = {"AMPLIFY_PROGRAM_ID": str(other)}
        shipped = node.cli("program", "deploy", "--program-keypair", OTHER_KEYPAIR, **env)
        assert (
            shipped.code == 2 and "--program-id" in shipped.error and "--artifact" in shipped.error
        )
        deployed = node.ok(
            "program", "deploy", "--program-keypair", OTHER_KEYPAIR, "--artifact", artifact, **env
        )
        assert deployed["action"] == "deployed" and deployed["program_id"] == str(other)
        assert node.ok("program", "init", **env)["fee_bps"] == FEE_BPS
        batch = node.ok("batch", "create", "--price", str(PRICE), **env)
        info = node.rpc("getAccountInfo", batch["address"], {"encoding": "base64"})["value"]
        assert info["owner"] == str(other)
        verified = node.ok("program", "verify", "--artifact", artifact, **env)
        assert verified["verified"] is True and verified["program_id"] == str(other)
        # The shipped build is not what runs there.
        assert node.cli("program", "verify", "-o", "json", **env).code == 1

        # The same, from the config file's entry for this cluster.
        config = tmp_path / "config.yml"
        config.write_text(
            f"json_rpc_url: {node.url}\nkeypair_path: {node.authority}\n"
            f"amplify_program_ids:\n  {node.url}: {other}\n"
        )
        shown = amplify("program", "show", "-o", "json", "--config", config)
        assert shown.code == 0 and shown.json()["program_id"] == str(other)
        assert shown.json()["initialized"] is True
        config.write_text(f"json_rpc_url: {node.url}\namplify_program_ids:\n  {node.url}: nope\n")
        bad = amplify("program", "show", "--config", config)
        assert bad.code == 2 and "not a program address" in bad.error
    finally:
        stop_node(node)


def test_fail_deploy_of_the_public_key_address_on_mainnet_beta_only() -> None:
    # Bug class: a squattable address where it matters: the public-key
    # address is refused on mainnet-beta; a build for an address only its
    # deployer holds is not.
    from amplify_sdk.cli._context import UserError
    from amplify_sdk.cli.program import MAINNET_GENESIS, refuse_public_key

    with pytest.raises(UserError, match=r"scripts/build-program\.sh --program-id"):
        refuse_public_key("https://rpc.example.com", MAINNET_GENESIS, PROGRAM_ID)
    refuse_public_key("https://rpc.example.com", MAINNET_GENESIS, other_address())
