"""A local Solana JSON-RPC node for Amplify: the shipped program in LiteSVM
behind the HTTP JSON-RPC and PubSub websocket APIs clients use.

    async with LocalNode(rpc_port=0) as node:
        client = AsyncClient(node.url)
"""

from .chain import Chain
from .faults import Faults
from .node import LocalNode, serve

__all__ = ["Chain", "Faults", "LocalNode", "serve"]
