"""The RPC backend against an in-process local node, with the test controls
the embedded backend has (clock, accounts), so the same tests run over real
HTTP on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from solders.account import Account
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from amplify_sdk import PROGRAM_ID
from amplify_sdk.chain._retry import Backoff
from amplify_sdk.chain._rpc import RpcBackend
from amplify_sdk.protocol import program_bytes
from amplify_sdk.protocol._pda import program_data_pda
from localnet import LocalNode, Program


def amplify_node(*, keypair: Keypair | None = None, **options: Any) -> LocalNode:
    """A local node running the shipped program, its default keypair the
    upgrade authority: what `amplify localnet` starts (a node loads only the
    programs it is given)."""
    keypair = keypair or Keypair()
    program = Program(PROGRAM_ID, program_bytes(), upgrade_authority=keypair.pubkey())
    return LocalNode(keypair=keypair, programs=[program], **options)


class NodeBackend(RpcBackend):
    """`RpcBackend` over HTTP to `node`; the test controls act on the node's
    chain directly (the node runs in this process)."""

    def __init__(self, node: LocalNode) -> None:
        super().__init__(node.url, poll_interval=0.02, backoff=Backoff(base=0.01, cap=0.2))
        self.node = node

    def warp(self, seconds: int) -> None:
        self.node.chain.warp(seconds)

    def set_account(self, address: Pubkey, account: Account) -> None:
        self.node.chain.set_account(address, account)

    def set_upgrade_authority(self, authority: Pubkey | None) -> None:
        address = program_data_pda(PROGRAM_ID)
        acc = self.node.chain.svm.get_account(address)
        assert acc is not None
        data = bytearray(acc.data)
        data[12:45] = b"\x01" + bytes(authority) if authority else bytes(33)
        self.node.chain.svm.set_account(
            address, Account(acc.lamports, bytes(data), acc.owner, acc.executable, acc.rent_epoch)
        )
