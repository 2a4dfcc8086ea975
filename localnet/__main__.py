"""`python -m localnet [--rpc-port 8899] [--ledger DIR] [--reset] [--keypair PATH]
[--bpf-program ADDRESS_OR_KEYPAIR SBF_PROGRAM.SO]...
[--upgradeable-program ADDRESS_OR_KEYPAIR SBF_PROGRAM.SO UPGRADE_AUTHORITY]...`

The program flags are `solana-test-validator`'s, with its meaning."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from .ledger import LedgerError
from .node import DEFAULT_LEDGER, DEFAULT_PORT, serve
from .programs import Program, ProgramLoadError, parse_address, parse_upgrade_authority


def _programs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Program]:
    given: list[tuple[str, str, str]] = [
        (address, path, "none") for address, path in args.bpf_program or []
    ]
    given += [(address, path, auth) for address, path, auth in args.upgradeable_program or []]
    programs = []
    for address, path, authority in given:
        try:
            programs.append(
                Program(parse_address(address), Path(path), parse_upgrade_authority(authority))
            )
        except (OSError, ValueError) as e:
            parser.error(f"program {address} {path}: {e}")
    return programs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m localnet",
        description="Local Solana JSON-RPC and PubSub node on LiteSVM.",
    )
    parser.add_argument(
        "--rpc-port", type=int, default=DEFAULT_PORT, help="HTTP port; PubSub on +1"
    )
    parser.add_argument(
        "--bpf-program",
        nargs=2,
        action="append",
        metavar=("ADDRESS_OR_KEYPAIR", "SBF_PROGRAM.SO"),
        help="load an SBF program at genesis with upgrades disabled (repeatable)",
    )
    parser.add_argument(
        "--upgradeable-program",
        nargs=3,
        action="append",
        metavar=("ADDRESS_OR_KEYPAIR", "SBF_PROGRAM.SO", "UPGRADE_AUTHORITY"),
        help="load an upgradeable SBF program at genesis; the authority is a pubkey, "
        'a keypair file, or "none" to disable upgrades (repeatable)',
    )
    parser.add_argument(
        "--ledger",
        type=Path,
        default=DEFAULT_LEDGER,
        help="directory for the default keypair and the chain (saved on stop, restored on start)",
    )
    parser.add_argument(
        "--reset", action="store_true", help="start a new chain, ignoring the one in --ledger"
    )
    parser.add_argument("--keypair", type=Path, help="default (funded) keypair file")
    parser.add_argument(
        "--test-faults",
        action="store_true",
        help="TEST-ONLY: enable fault injection (POST /_localnet/faults)",
    )
    args = parser.parse_args(argv)
    programs = _programs(parser, args)
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        try:
            asyncio.run(
                serve(
                    rpc_port=args.rpc_port,
                    programs=programs,
                    ledger=args.ledger,
                    keypair_path=args.keypair,
                    faults=args.test_faults,
                    reset=args.reset,
                )
            )
        except (ProgramLoadError, LedgerError) as e:
            parser.error(str(e))


if __name__ == "__main__":
    main()
