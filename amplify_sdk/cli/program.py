"""`amplify program deploy|init|show|verify`: put the shipped program on a
cluster, initialize the protocol, look at both, check the deployed bytes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import click
from rich.console import Console
from solders.pubkey import Pubkey

from ..chain._rpc import RpcBackend
from ..clients._artifact import choose_artifact
from ..clients._deploy import DeployError, deploy
from ..clients._verify import verify
from ..protocol._fee import DEFAULT_FEE_BPS
from ..protocol._idl import constant
from ..protocol._models import Config, Treasury
from ..protocol._pda import PROGRAM_ID, config_pda, program_data_pda, treasury_pda
from ..protocol._program import ARTIFACTS, program_arch, program_bytes
from ._context import (
    MONIKERS,
    Out,
    Settings,
    UserError,
    command,
    connect,
    lamports,
    load_keypair,
)
from ._params import ADDRESS

#: The program's keypair in a source checkout (the program's address is fixed:
#: the program refuses to run anywhere else).
SOURCE_KEYPAIR = Path(__file__).resolve().parents[2] / "programs/amplify/program-keypair.json"
DEFAULT_BUFFER = Path(".amplify-deploy-buffer.json")
#: mainnet-beta's genesis hash: a cluster is mainnet-beta by it, whatever its URL.
MAINNET_GENESIS = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d"
#: Why the default build is never deployed on mainnet-beta.
PUBLIC_KEY_ON_MAINNET = (
    f"refusing to deploy on mainnet-beta at {PROGRAM_ID}: that address's key is public "
    "(programs/amplify/program-keypair.json is in the repository), so anyone holding the "
    "repository could deploy their own code there first. Deploy a build for an address only "
    "you hold: solana-keygen new -o program-keypair.json (keep it offline, never commit it), "
    "scripts/build-program.sh --program-id ADDRESS, then amplify program deploy "
    "--program-keypair program-keypair.json --artifact programs/target/deploy/"
    'amplify-ADDRESS.so with AMPLIFY_PROGRAM_ID=ADDRESS (docs/cli.md, "Another program '
    'address")'
)


def refuse_public_key(url: str, genesis: str | None, program_id: Pubkey = PROGRAM_ID) -> None:
    """`UserError` when the program address is the public-key one and the
    cluster is mainnet-beta: by its URL (before connecting) or by its genesis
    hash (an RPC provider's own URL)."""
    if program_id != PROGRAM_ID:
        return
    if url == MONIKERS["mainnet-beta"] or genesis == MAINNET_GENESIS:
        raise UserError(PUBLIC_KEY_ON_MAINNET)


@click.group("program")
def group() -> None:
    """Deploy the shipped Amplify program and initialize the protocol."""


def register(cli: click.Group) -> None:
    cli.add_command(group)


@command(group, "deploy")
@click.option(
    "--program-keypair",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Keypair of the program address (a first deployment needs it) [default, for "
    f"{PROGRAM_ID}: programs/amplify/program-keypair.json of a source checkout].",
)
@click.option(
    "--artifact",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The executable to deploy [default: the program shipped in this package, built "
    f"for {PROGRAM_ID}]; a build for another address: scripts/build-program.sh --program-id.",
)
@click.option(
    "--buffer",
    "buffer_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_BUFFER,
    show_default=True,
    help="Where the buffer's keypair is kept until the deployment completes.",
)
@click.option(
    "--max-len",
    type=click.IntRange(min=1),
    default=None,
    help="Room for later upgrades, bytes [default: twice the program's size].",
)
@click.option("--force", is_flag=True, help="Upgrade even if the deployed bytes are the same.")
@click.option(
    "--sbpf",
    type=click.Choice(["auto", *ARTIFACTS]),
    default="auto",
    show_default=True,
    help="Which build to deploy: auto reads the cluster's feature accounts (v0 while it "
    "deploys v0, v3 once SIMD-0500 disabled that).",
)
async def deploy_cmd(
    settings: Settings,
    out: Out,
    program_keypair: Path | None,
    artifact: Path | None,
    buffer_file: Path,
    max_len: int | None,
    force: bool,
    sbpf: str,
) -> None:
    """Deploy the program shipped in this package (or upgrade it; the wallet is
    the upgrade authority), in the SBPF version the cluster accepts.
    Interrupted, the same command resumes, writing only what the buffer lacks."""
    program_id = settings.program_id
    refuse_public_key(settings.url, None, program_id)
    if artifact is None and program_id != PROGRAM_ID:
        raise UserError(
            f"the shipped program is built for {PROGRAM_ID} and runs only there: build it for "
            f"{program_id} (scripts/build-program.sh --program-id {program_id}) and pass "
            "--artifact"
        )
    given = executable(None, artifact, False) if artifact is not None else None
    default = SOURCE_KEYPAIR if SOURCE_KEYPAIR.exists() and program_id == PROGRAM_ID else None
    path = program_keypair or default
    keypair = load_keypair(path) if path is not None else None
    if keypair is not None and keypair.pubkey() != program_id:
        raise UserError(
            f"{path} is the keypair of {keypair.pubkey()}, not of the program "
            f"address {program_id} (the program only runs at the address it was built for)"
        )
    from rich.progress import (  # deploy only: read-only commands start faster
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    stderr = Console(stderr=True)
    progress = Progress(
        TextColumn("writing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        disable=settings.json or not stderr.is_terminal,
    )
    task = progress.add_task("write", total=None)
    async with connect(settings, settings.wallet()) as amp:
        if isinstance(amp.backend, RpcBackend):
            refuse_public_key(settings.url, await amp.backend.genesis_hash(), program_id)
        client = amp.admin()
        if given is not None:
            # An --artifact says its own SBPF version (the ELF header's e_flags).
            sbpf = sbpf_version(given)
        choice = await choose_artifact(amp.backend, sbpf)
        if isinstance(choice, str):
            raise UserError(choice)
        arch, why = choice.arch, choice.reason
        elf = given if given is not None else program_bytes(arch)
        with progress:
            try:
                result = await deploy(
                    client,
                    elf,
                    program_id,
                    program_keypair=keypair,
                    buffer_file=buffer_file,
                    max_len=max_len,
                    force=force,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
            except DeployError as e:
                if keypair is None and "needs its keypair" in str(e):
                    raise UserError(f"{e}: pass --program-keypair PATH") from None
                raise UserError(str(e)) from None
    data = {
        "program_id": result.program_id,
        "action": result.action,
        "authority": result.authority,
        "program_bytes": len(elf),
        "sbpf": arch,
        "sbpf_reason": why,
        "buffer": result.buffer,
        "chunks": result.chunks,
        "chunks_written": result.written,
        "transactions": result.transactions,
        "seconds": round(result.seconds, 3),
    }
    out.result(
        data,
        f"program {result.program_id} {result.action}, SBPF {arch} "
        f"({len(elf):,} bytes; {result.written}/{result.chunks} chunks written now, "
        f"{result.transactions} transactions, {result.seconds:.1f} s); "
        f"upgrade authority {result.authority}; SBPF {arch} because {why}",
    )


@command(group, "init")
@click.option(
    "--fee-bps",
    type=click.IntRange(0, constant("MAX_FEE_BPS")),
    default=DEFAULT_FEE_BPS,
    show_default=True,
    help=f"Protocol fee in basis points (hard ceiling {constant('MAX_FEE_BPS'):,}).",
)
@click.option(
    "--amp-mint",
    type=ADDRESS,
    default=None,
    help="The AMP governance token's mint [default: create one (dev clusters)].",
)
async def init(settings: Settings, out: Out, fee_bps: int, amp_mint: Pubkey | None) -> None:
    """Initialize the protocol (config and treasury); the wallet must be the
    program's upgrade authority and becomes the admin."""
    async with connect(settings, settings.wallet()) as amp:
        admin = amp.admin()
        mint = amp_mint or await admin.create_amp_mint()
        config = await admin.initialize(mint, fee_bps)
    out.result(
        {
            "admin": config.admin,
            "amp_mint": config.amp_mint,
            "fee_bps": config.fee_bps,
            "config": config.address,
        },
        f"protocol initialized: admin {config.admin}, fee {config.fee_bps} bps, "
        f"AMP mint {config.amp_mint}",
    )


@command(group, "show")
async def show(settings: Settings, out: Out) -> None:
    """The program account, its upgrade authority, and the protocol's state."""
    async with connect(settings) as amp:
        client = amp.admin()
        program = await amp.backend.get_account(settings.program_id)
        pdata = await amp.backend.get_account(program_data_pda(settings.program_id))
        config = await client.fetch_or_none(Config, config_pda()[0])
        treasury = await client.fetch_or_none(Treasury, treasury_pda()[0])
        treasury_lamports = await client.balance(treasury_pda()[0])
    data: dict[str, object] = {
        "program_id": settings.program_id,
        "deployed": program is not None,
    }
    if pdata is not None:
        data["deployed_slot"] = int.from_bytes(pdata.data[4:12], "little")
        data["upgrade_authority"] = (
            Pubkey.from_bytes(pdata.data[13:45]) if pdata.data[12] == 1 else None
        )
        data["program_data_bytes"] = len(pdata.data) - 45
    data["initialized"] = config is not None
    if config is not None:
        data |= {
            "admin": config.admin,
            "fee_bps": config.fee_bps,
            "paused": config.paused,
            "amp_mint": config.amp_mint,
            "batches_created": config.batch_count,
        }
    if treasury is not None:
        data |= {
            "treasury_collected": treasury.total_collected,
            "treasury_lamports": treasury_lamports,
        }

    def render(c: Console) -> None:
        for key, value in data.items():
            shown = (
                lamports(value) if key.startswith("treasury") and isinstance(value, int) else value
            )
            c.print(f"[bold]{key.replace('_', ' ')}:[/bold] {shown}")

    out.result(json.loads(json.dumps(data, default=str)), render)


@command(group, "verify")
@click.option(
    "--program-id",
    type=ADDRESS,
    default=None,
    help=f"The deployed program to check [default: the cluster's, else {PROGRAM_ID}].",
)
@click.option(
    "--artifact",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The executable to compare with [default: the program shipped in this package].",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="First rebuild the program from this source checkout with the pinned toolchain "
    "(scripts/build-program.sh --check) and require it to equal the shipped one.",
)
async def verify_cmd(
    settings: Settings,
    out: Out,
    program_id: Pubkey | None,
    artifact: Path | None,
    rebuild: bool,
) -> int | None:
    """Whether the program deployed on the cluster is, byte for byte, the shipped
    executable (or --artifact): exit 0 when it is, 1 when it differs."""
    program_id = program_id or settings.program_id
    elf = executable(out, artifact, rebuild)
    # Without --artifact, either shipped build may be the deployed one (deploy
    # picks v0 or v3 by the cluster's features): the one that matches, else
    # the one AMPLIFY_PROGRAM names.
    candidates = [(str(artifact), elf)]
    if artifact is None:
        archs = sorted(ARTIFACTS, key=lambda a: a != program_arch())
        candidates = [(f"the shipped program (SBPF {a})", program_bytes(a)) for a in archs]
    async with connect(settings) as amp:
        try:
            checked = [(src, await verify(amp.backend, program_id, b)) for src, b in candidates]
        except DeployError as e:
            raise UserError(str(e)) from None
    source, v = next(((src, v) for src, v in checked if v.matches), checked[0])
    data = {
        "program_id": v.program_id,
        "verified": v.matches,
        "artifact": source,
        "rebuilt_from_source": rebuild,
        "expected_bytes": v.expected_bytes,
        "expected_sha256": v.expected_sha256,
        "deployed_bytes": v.deployed_bytes,
        "deployed_sha256": v.deployed_sha256,
        "deployed_slot": v.deployed_slot,
        "upgrade_authority": v.upgrade_authority,
        "first_difference": v.first_difference,
    }
    if v.matches:
        text = (
            f"verified: the program at {v.program_id} is {source}, byte for byte "
            f"({v.deployed_bytes:,} bytes, sha256 {v.deployed_sha256})"
        )
    else:
        text = (
            f"NOT verified: the program at {v.program_id} ({v.deployed_bytes:,} bytes, "
            f"sha256 {v.deployed_sha256}) differs from {source} ({v.expected_bytes:,} bytes, "
            f"sha256 {v.expected_sha256}) from byte {v.first_difference:,} on"
        )
    out.result(data, text)
    return None if v.matches else 1


def sbpf_version(elf: bytes) -> str:
    """The SBPF version an executable is built in (ELF64 `e_flags`: 0 or 3)."""
    flags = int.from_bytes(elf[48:52], "little") if elf[:4] == b"\x7fELF" else -1
    if f"v{flags}" not in ARTIFACTS:
        raise UserError(f"the artifact is not an SBPF v0 or v3 program (ELF e_flags {flags})")
    return f"v{flags}"


def executable(out: Out | None, artifact: Path | None, rebuild: bool) -> bytes:
    if rebuild:
        if artifact is not None:
            raise UserError("--rebuild checks the shipped program: leave out --artifact")
        rebuild_from_source(out)
    return artifact.read_bytes() if artifact is not None else program_bytes()


def rebuild_from_source(out: Out | None) -> None:
    script = SOURCE_KEYPAIR.parents[2] / "scripts/build-program.sh"
    if not script.exists():
        raise UserError(
            "--rebuild needs a source checkout (scripts/build-program.sh): "
            "this package was installed without one"
        )
    if out is not None:
        out.note("rebuilding the program from source (scripts/build-program.sh --check)...")
    done = subprocess.run([str(script), "--check"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise UserError(
            "the program rebuilt from this checkout differs from the shipped one, or the build "
            f"failed: {' / '.join(tail)}"
        )
