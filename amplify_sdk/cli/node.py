"""`amplify localnet`: the local JSON-RPC node (`python -m localnet`) with the
shipped Amplify program loaded, the node's default keypair its upgrade
authority."""

from __future__ import annotations

from pathlib import Path

import click

from .._extras import require
from ..protocol._pda import PROGRAM_ID
from ..protocol._program import program_path

DEFAULT_LEDGER = Path(".localnet-ledger")


def register(cli: click.Group) -> None:
    cli.add_command(localnet)


@click.command("localnet")
@click.option(
    "--rpc-port",
    type=click.IntRange(1, 65534),
    default=8899,
    show_default=True,
    help="HTTP JSON-RPC port; PubSub listens on the next one.",
)
@click.option(
    "--no-program",
    is_flag=True,
    help="Start without the Amplify program (deploy it with `amplify program deploy`).",
)
@click.option(
    "--ledger",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Directory keeping the default keypair and the chain, saved when the node "
    f"stops and restored when it starts [default: ./{DEFAULT_LEDGER}].",
)
@click.option("--reset", is_flag=True, help="Start a new chain, ignoring the one in the ledger.")
@click.option(
    "--keypair",
    "-k",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Default keypair: funded, and the program's upgrade authority.",
)
def localnet(
    rpc_port: int, no_program: bool, ledger: Path | None, reset: bool, keypair: Path | None
) -> None:
    """Run a local node (LiteSVM behind Solana's JSON-RPC and PubSub APIs)
    on 127.0.0.1 until interrupted."""
    require("node", "the local node")
    from localnet.__main__ import main
    from localnet.node import default_keypair

    ledger = ledger or DEFAULT_LEDGER
    argv = ["--rpc-port", str(rpc_port), "--ledger", str(ledger)]
    if keypair is not None:
        argv += ["--keypair", str(keypair)]
    if reset:
        argv.append("--reset")
    if not no_program:
        # The node's default keypair (made and saved now when new) is the
        # upgrade authority: the one wallet that may `amplify program init`.
        authority = default_keypair(keypair, ledger).pubkey()
        argv += ["--upgradeable-program", str(PROGRAM_ID), str(program_path()), str(authority)]
    main(argv)
