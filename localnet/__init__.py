"""A local Solana JSON-RPC and PubSub node: LiteSVM behind the HTTP JSON-RPC
and PubSub websocket APIs clients use, running the programs it is given
(as `solana-test-validator --bpf-program / --upgradeable-program`). It
depends on solders and aiohttp only.

    async with LocalNode(rpc_port=0, programs=[Program(address, "prog.so")]) as node:
        client = AsyncClient(node.url)
"""

from .chain import Chain
from .faults import Faults
from .node import LocalNode, serve
from .programs import NO_UPGRADES, Program, ProgramLoadError, load_keypair, program_data_address

__all__ = [
    "NO_UPGRADES",
    "Chain",
    "Faults",
    "LocalNode",
    "Program",
    "ProgramLoadError",
    "load_keypair",
    "program_data_address",
    "serve",
]
