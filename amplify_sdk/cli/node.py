"""`amplify localnet`: the local JSON-RPC node (`python -m localnet`)."""

from __future__ import annotations

from pathlib import Path

import click


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
    help="Directory keeping the default keypair [default: ./.localnet-ledger].",
)
@click.option(
    "--keypair",
    "-k",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Default keypair: funded, and the program's upgrade authority.",
)
def localnet(rpc_port: int, no_program: bool, ledger: Path | None, keypair: Path | None) -> None:
    """Run a local node (LiteSVM behind Solana's JSON-RPC and PubSub APIs)
    on 127.0.0.1 until interrupted."""
    from localnet.__main__ import main

    argv = ["--rpc-port", str(rpc_port)]
    if no_program:
        argv.append("--no-program")
    if ledger is not None:
        argv += ["--ledger", str(ledger)]
    if keypair is not None:
        argv += ["--keypair", str(keypair)]
    main(argv)
