"""The interface every backend implements, and what it returns.

Two backends implement it: `EmbeddedBackend` (LiteSVM in process, running the
shipped program) and `RpcBackend` (JSON-RPC, for real clusters and localnet).
The client is written only against this protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction_status import TransactionErrorType


@dataclass(frozen=True)
class AccountSnapshot:
    """An account as read: its lamports, owner, data and whether it is a program."""

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
    """A landed transaction: its signature, compute units, fee, logs and our program's events."""

    signature: Signature
    compute_units: int
    fee: int
    logs: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    #: True for a transaction that landed but failed (it still paid its fee).
    failed: bool = False


@dataclass(frozen=True)
class Memcmp:
    """Account filter: `data[offset : offset + len(bytes)] == bytes`."""

    offset: int
    bytes: bytes


@dataclass(frozen=True)
class DataSize:
    """Account filter: the account's data is exactly `size` bytes."""

    size: int


#: A `get_program_accounts` filter (all given must hold).
AccountFilter = Memcmp | DataSize


@dataclass(frozen=True)
class SignatureInfo:
    """One entry of an address's transaction history (newest first)."""

    signature: Signature
    slot: int
    err: TransactionErrorType | None
    block_time: int | None


@dataclass(frozen=True)
class TransactionDetails:
    """A landed transaction: what it did (instructions) and what happened."""

    signature: Signature
    slot: int
    block_time: int | None
    fee: int
    compute_units: int
    err: TransactionErrorType | None
    instructions: list[Instruction]
    logs: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class LogsNotice:
    """The logs of one landed transaction that mentions a subscribed address."""

    signature: Signature
    err: TransactionErrorType | None
    logs: list[str]
    events: list[Event]


T = TypeVar("T")


class _End:
    def __init__(self, error: BaseException | None) -> None:
        self.error = error


class Subscription(Generic[T]):
    """An async iterator of decoded items until `close()` (or `async with` ends).

    Items pushed while nobody iterates are queued, so a subscription opened
    before a send never misses that send's notification.
    """

    def __init__(self, on_close: Callable[[], Awaitable[None]] | None = None) -> None:
        self._queue: asyncio.Queue[T | _End] = asyncio.Queue()
        self._on_close = on_close
        self.closed = False

    def set_on_close(self, on_close: Callable[[], Awaitable[None]]) -> None:
        self._on_close = on_close

    def push(self, item: T) -> None:
        if not self.closed:
            self._queue.put_nowait(item)

    def fail(self, error: BaseException) -> None:
        """End the iteration with `error` (raised to the iterating task)."""
        if not self.closed:
            self._queue.put_nowait(_End(error))

    def pending(self) -> list[T]:
        """Items already queued, taken without waiting (an end marker stays
        queued for the next `__anext__`)."""
        out: list[T] = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if isinstance(item, _End):
                # Put back in front of nothing: it is the last item anyway.
                self._queue.put_nowait(item)
                break
            out.append(item)
        return out

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        if self.closed and self._queue.empty():
            raise StopAsyncIteration
        item = await self._queue.get()
        if isinstance(item, _End):
            self.closed = True
            if item.error is not None:
                raise item.error
            raise StopAsyncIteration
        return item

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._queue.put_nowait(_End(None))
        if self._on_close is not None:
            await self._on_close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class Backend(Protocol):
    #: The address of the Amplify program this backend's clients talk to (a
    #: build for another address than the IDL's is called there).
    program_id: Pubkey

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

    async def get_multiple_accounts(
        self, addresses: Sequence[Pubkey]
    ) -> list[AccountSnapshot | None]:
        """The accounts at `addresses`, in order (None where none exists); any
        number of addresses (an RPC backend asks in chunks of 100)."""
        ...

    async def get_program_accounts(
        self, program: Pubkey, filters: Sequence[AccountFilter] = ()
    ) -> list[AccountSnapshot]:
        """Every account owned by `program` that passes all `filters`."""
        ...

    async def get_signatures_for_address(
        self,
        address: Pubkey,
        *,
        limit: int = 1000,
        before: Signature | None = None,
        until: Signature | None = None,
    ) -> list[SignatureInfo]:
        """Landed transactions that mention `address`, newest first: older than
        `before`, newer than `until`, at most `limit` (at most 1000)."""
        ...

    async def get_transaction(self, signature: Signature) -> TransactionDetails | None:
        """A landed transaction (success or failure) with its instructions, logs
        and decoded events; None if it is unknown."""
        ...

    async def subscribe_logs(self, mentions: Sequence[Pubkey]) -> Subscription[LogsNotice]:
        """Logs of every transaction landing from now on that mentions any of
        `mentions`. Active when this returns; `close()` it when done."""
        ...

    async def subscribe_account(self, address: Pubkey) -> Subscription[AccountSnapshot | None]:
        """The account's state after each change from now on (None once closed).
        Active when this returns; `close()` it when done."""
        ...

    async def wait_slot_after(self, signature: Signature) -> None:
        """Return once the cluster is past the slot `signature` landed in. A
        program deployed or upgraded there is callable only from the next
        slot on; the embedded SVM loads it at once."""
        ...
