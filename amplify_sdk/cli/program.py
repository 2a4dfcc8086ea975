"""`amplify program deploy|init|show`: put the shipped program on a cluster,
initialize the protocol, look at both."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from solders.pubkey import Pubkey

from ..chain._rpc import RpcBackend
from ..clients._artifact import choose_artifact
from ..clients._deploy import DeployError, deploy
from ..protocol._fee import DEFAULT_FEE_BPS
from ..protocol._idl import constant
from ..protocol._models import Config, Treasury
from ..protocol._pda import PROGRAM_ID, config_pda, program_data_pda, treasury_pda
from ..protocol._program import ARTIFACTS, program_bytes
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
#: Why this build is never deployed on mainnet-beta.
PUBLIC_KEY_ON_MAINNET = (
    f"refusing to deploy on mainnet-beta: this build's program address {PROGRAM_ID} has a "
    "public key (programs/amplify/program-keypair.json is in the repository), so anyone "
    "holding the repository could deploy their own code there first, and the program runs "
    "only at that address. A mainnet deployment needs a build for an address only you hold "
    "(solana-keygen new -o program-keypair.json, kept offline, its key never committed); "
    "this version cannot build for another address yet"
)


def refuse_public_key(url: str, genesis: str | None) -> None:
    """`UserError` when the cluster is mainnet-beta: by its URL (before
    connecting) or by its genesis hash (an RPC provider's own URL)."""
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
    help=f"Keypair of the program address {PROGRAM_ID} (a first deployment needs it) "
    "[default: programs/amplify/program-keypair.json of a source checkout].",
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
    buffer_file: Path,
    max_len: int | None,
    force: bool,
    sbpf: str,
) -> None:
    """Deploy the program shipped in this package (or upgrade it; the wallet is
    the upgrade authority), in the SBPF version the cluster accepts.
    Interrupted, the same command resumes, writing only what the buffer lacks."""
    refuse_public_key(settings.url, None)
    path = program_keypair or (SOURCE_KEYPAIR if SOURCE_KEYPAIR.exists() else None)
    keypair = load_keypair(path) if path is not None else None
    if keypair is not None and keypair.pubkey() != PROGRAM_ID:
        raise UserError(
            f"{path} is the keypair of {keypair.pubkey()}, not of the program "
            f"address {PROGRAM_ID} (the program only runs there)"
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
            refuse_public_key(settings.url, await amp.backend.genesis_hash())
        client = amp.admin()
        choice = await choose_artifact(amp.backend, sbpf)
        if isinstance(choice, str):
            raise UserError(choice)
        arch, why = choice.arch, choice.reason
        elf = program_bytes(arch)
        with progress:
            try:
                result = await deploy(
                    client,
                    elf,
                    PROGRAM_ID,
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
        program = await amp.backend.get_account(PROGRAM_ID)
        pdata = await amp.backend.get_account(program_data_pda(PROGRAM_ID))
        config = await client.fetch_or_none(Config, config_pda()[0])
        treasury = await client.fetch_or_none(Treasury, treasury_pda()[0])
        treasury_lamports = await client.balance(treasury_pda()[0])
    data: dict[str, object] = {"program_id": PROGRAM_ID, "deployed": program is not None}
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
