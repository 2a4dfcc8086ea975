"""The interface every backend implements, and what it returns.

Two backends implement it: `EmbeddedBackend` (LiteSVM in process, running the
shipped program) and, for real clusters and localnet, an RPC backend. The
client is written only against this protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature


@dataclass(frozen=True)
class AccountSnapshot:
    address: Pubkey
    lamports: int
    owner: Pubkey
    data: bytes
    executable: bool = False


@dataclass(frozen=True)
class Event:
    """One Anchor-style event our program logged."""

    name: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class TxReceipt:
    signature: Signature
    compute_units: int
    fee: int
    logs: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    #: True for a transaction that landed but failed (it still paid its fee).
    failed: bool = False


class Backend(Protocol):
    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair], payer: Keypair
    ) -> TxReceipt:
        """Sign with `payer` (fee payer) and `signers`, send, wait for the result.

        Raises a `ProgramError` subclass when our program fails, `TransactionError`
        for any other failure, `TransactionTooLargeError` before sending.
        """
        ...

    async def get_account(self, address: Pubkey) -> AccountSnapshot | None: ...

    async def get_balance(self, address: Pubkey) -> int: ...

    async def minimum_balance(self, size: int) -> int: ...

    async def airdrop(self, address: Pubkey, lamports: int) -> None: ...

    async def close(self) -> None: ...
