"""`amplify keygen | airdrop | balance`: the few wallet chores a marketplace
user needs without the Solana tool suite."""

from __future__ import annotations

from pathlib import Path

import click
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ._context import SOL, Out, Settings, UserError, command, connect, lamports, save_keypair
from ._params import ADDRESS
from .node import register as register_node


def register(cli: click.Group) -> None:
    for cmd in (keygen, airdrop, balance):
        cli.add_command(cmd)
    register_node(cli)


def _new_keypair(path: Path, force: bool) -> Keypair:
    if path.exists() and not force:
        raise UserError(f"{path} exists: pass --force to overwrite it")
    keypair = Keypair()
    save_keypair(keypair, path)
    return keypair


@command(click.Group(), "keygen")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
async def keygen(settings: Settings, out: Out, path: Path, force: bool) -> None:
    """Write a new keypair file (Solana CLI format) and print its address."""
    keypair = _new_keypair(path, force)
    out.result({"address": keypair.pubkey(), "path": path}, str(keypair.pubkey()))


@command(click.Group(), "airdrop")
@click.argument("sol", type=click.FloatRange(min=0, min_open=True))
@click.argument("address", type=ADDRESS, required=False)
async def airdrop(settings: Settings, out: Out, sol: float, address: Pubkey | None) -> None:
    """Request SOL from the cluster's faucet (localnet, devnet) for ADDRESS
    [default: the wallet]."""
    to = address or settings.wallet().pubkey()
    async with connect(settings) as amp:
        await amp.backend.airdrop(to, round(sol * SOL))
        balance_now = await amp.backend.get_balance(to)
    out.result({"address": to, "lamports": balance_now}, f"{to}: {lamports(balance_now)}")


@command(click.Group(), "balance")
@click.argument("address", type=ADDRESS, required=False)
async def balance(settings: Settings, out: Out, address: Pubkey | None) -> None:
    """Lamports held by ADDRESS [default: the wallet]."""
    at = address or settings.wallet().pubkey()
    async with connect(settings) as amp:
        n = await amp.backend.get_balance(at)
    out.result({"address": at, "lamports": n}, lamports(n))
