"""`python -m localnet [--rpc-port 8899] [--no-program] [--ledger DIR] [--keypair PATH]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from .node import DEFAULT_LEDGER, DEFAULT_PORT, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m localnet", description="Local Solana JSON-RPC node running Amplify."
    )
    parser.add_argument(
        "--rpc-port", type=int, default=DEFAULT_PORT, help="HTTP port; PubSub on +1"
    )
    parser.add_argument(
        "--no-program", action="store_true", help="start without the Amplify program"
    )
    parser.add_argument(
        "--ledger", type=Path, default=DEFAULT_LEDGER, help="directory for the default keypair"
    )
    parser.add_argument("--keypair", type=Path, help="default keypair (upgrade authority) file")
    parser.add_argument(
        "--test-faults",
        action="store_true",
        help="TEST-ONLY: enable fault injection (POST /_localnet/faults)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                rpc_port=args.rpc_port,
                program=not args.no_program,
                ledger=args.ledger,
                keypair_path=args.keypair,
                faults=args.test_faults,
            )
        )


if __name__ == "__main__":
    main()
