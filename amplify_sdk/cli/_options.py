"""What the root command needs before any command runs: the options every
command shares. Kept free of the SDK so that `amplify --help` starts fast."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import click

#: The Solana CLI's config file, read for `json_rpc_url` and `keypair_path`.
DEFAULT_CONFIG = Path("~/.config/solana/cli/config.yml")
#: Names another config file (like `--config`), for scripts and CI.
CONFIG_ENV = "AMPLIFY_CONFIG"
#: The program address to talk to, over the config file's (a build for another address).
PROGRAM_ENV = "AMPLIFY_PROGRAM_ID"


class Output(StrEnum):
    TEXT = "text"
    JSON = "json"


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--output",
        "-o",
        type=click.Choice([o.value for o in Output]),
        default=None,
        help="text (default) or json: one JSON document on stdout.",
    )(f)
    f = click.option(
        "--config",
        "-C",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Solana CLI config file [default: ${CONFIG_ENV} or {DEFAULT_CONFIG}].",
    )(f)
    f = click.option(
        "--keypair",
        "-k",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Keypair file (JSON array of 64 ints) [default: the config's keypair_path].",
    )(f)
    f = click.option(
        "--url",
        "-u",
        default=None,
        help="RPC URL or moniker: localhost, devnet, testnet, mainnet-beta "
        "[default: the config's json_rpc_url, else localhost].",
    )(f)
    return f
