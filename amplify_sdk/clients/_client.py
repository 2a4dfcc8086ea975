"""The session and what every role shares: one wallet over one backend.

    async with await Amplify.embedded() as amp:
        admin = amp.admin()                 # the session's wallet
        requester = amp.requester()         # the same wallet, requester methods
        worker = amp.worker(worker_keypair)  # another wallet, worker methods

Role clients (`AdminClient`, `RequesterClient`, `WorkerClient`) add their
methods to `AmplifyClient`'s plumbing and reads. Nothing is cached between
calls: every call reads the accounts it needs, so a batch closed and created
again at the same address is never seen stale.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.sysvar import CLOCK

from ..chain._backend import Backend, TxReceipt
from ..chain._scan import tables_of
from ..chain._tx import PACKET_DATA_SIZE, transaction_size
from ..protocol import _instructions as ix
from ..protocol._exceptions import (
    AccountNotFoundError,
    InsufficientFundsError,
    ProgramError,
    TransactionError,
)
from ..protocol._models import (
    AccountModel,
    Batch,
    Config,
    ItemOutcome,
    TaskTable,
    Treasury,
    WorkerProfile,
)
from ..protocol._pda import (
    config_pda,
    treasury_pda,
    using_program,
    worker_profile_pda,
)
from ..protocol._standing import Standing
from ..protocol._token import associated_token_address, create_associated_token_account
from ._bulk import chunks, collect, group, settle

M = TypeVar("M", bound=AccountModel)

#: The network fee per signature (lamports).
SIGNATURE_FEE = 5_000
#: A distinct address to size transactions with before the real one is known
#: (a repeated address would be counted once and undersize the transaction).
PLACEHOLDER = Pubkey.from_string("P1aceho1der11111111111111111111111111111111")

Progress = Callable[[int, int], None]


def content_hash(data: bytes) -> bytes:
    """The 32-byte content address of an item (sha256 of its data)."""
    return hashlib.sha256(data).digest()


def _in_program(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, run with its client's program as the current one."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(self: AmplifyClient, *args: Any, **kwargs: Any) -> Any:
            with using_program(self.backend.program_id):
                return await method(self, *args, **kwargs)

        return run_async

    @functools.wraps(method)
    def run(self: AmplifyClient, *args: Any, **kwargs: Any) -> Any:
        with using_program(self.backend.program_id):
            return method(self, *args, **kwargs)

    return run


class AmplifyClient:
    """Plumbing and reads shared by every role. `wallet` signs and pays.

    Every coroutine method of a client runs for its backend's program
    (`Backend.program_id`): the addresses it derives and the instructions it
    builds are that program's, whichever other sessions the process holds."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _bind_program(cls)

    def __init__(self, backend: Backend, wallet: Keypair) -> None:
        self.backend = backend
        self.wallet = wallet
        self.last_receipt: TxReceipt | None = None
        #: Every transaction this client sent (fees and compute for accounting).
        self.receipts: list[TxReceipt] = []

    @property
    def address(self) -> Pubkey:
        return self.wallet.pubkey()

    # -- plumbing ------------------------------------------------------------------

    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair] = ()
    ) -> TxReceipt:
        """Send instructions in one transaction, paid by this client's wallet.
        A transaction that fails on chain is recorded in `receipts` too (it
        paid its fee) before its error is raised."""
        try:
            receipt = await self.backend.send(instructions, signers, self.wallet)
        except TransactionError as e:
            if e.signature is not None:
                self.receipts.append(
                    TxReceipt(e.signature, e.compute_units, e.fee, e.logs, failed=True)
                )
            raise
        self.last_receipt = receipt
        self.receipts.append(receipt)
        return receipt

    def max_items(self, build: Callable[[int], Instruction], per_item: int) -> int:
        """How many items of `per_item` bytes fit one transaction with the
        instruction `build(n)` builds for n items (measured, not assumed)."""
        base = transaction_size([build(0)], self.wallet, 1)
        k = max((PACKET_DATA_SIZE - base) // per_item, 0)
        # Length prefixes grow by a byte past 127 (compact-u16): check, don't assume.
        while k > 0 and transaction_size([build(k)], self.wallet, 1) > PACKET_DATA_SIZE:
            k -= 1
        return k

    async def fetch(self, model: type[M], address: Pubkey) -> M:
        """Fetch and decode one program account."""
        found = await self.fetch_or_none(model, address)
        if found is None:
            raise AccountNotFoundError(f"{model.IDL_NAME} account {address} does not exist")
        return found

    async def fetch_or_none(self, model: type[M], address: Pubkey) -> M | None:
        """The account decoded, or None if there is no such program account (an
        address holding only lamports, which anyone can send, counts as none)."""
        acc = await self.backend.get_account(address)
        if acc is None or acc.owner != self.backend.program_id:
            return None
        return model.from_account_data(address, acc.data)

    async def now(self) -> int:
        """The cluster's unix time (Clock sysvar), as the program sees it."""
        acc = await self.backend.get_account(CLOCK)
        if acc is None:
            raise AccountNotFoundError("clock sysvar")
        return int.from_bytes(acc.data[32:40], "little", signed=True)

    async def balance(self, address: Pubkey | None = None) -> int:
        return await self.backend.get_balance(address or self.address)

    async def require_lamports(self, needed: int, what: str) -> None:
        """Raise `InsufficientFundsError` before sending if the wallet is short.
        A wallet must also stay rent-exempt itself (the runtime refuses a fee
        payer left below that), so its own minimum counts."""
        needed += await self.backend.minimum_balance(0)
        have = await self.balance()
        if have < needed:
            raise InsufficientFundsError(
                f"{what} needs {needed:,} lamports; wallet {self.address} holds {have:,}",
                needed,
                have,
            )

    # -- reads -----------------------------------------------------------------------

    async def open_token_account(self, owner: Pubkey, mint: Pubkey) -> list[Instruction]:
        """The instruction creating `owner`'s associated token account for
        `mint`, paid by this wallet, when it does not exist yet; none when it
        does (creating it idempotently anyway costs ~4,300 compute units)."""
        if await self.backend.get_account(associated_token_address(owner, mint)) is not None:
            return []
        return [create_associated_token_account(self.address, owner, mint)]

    async def get_config(self) -> Config:
        return await self.fetch(Config, config_pda()[0])

    async def get_treasury(self) -> Treasury:
        return await self.fetch(Treasury, treasury_pda()[0])

    async def get_batch(self, batch: Pubkey) -> Batch:
        return await self.fetch(Batch, batch)

    async def get_worker_profile(self, worker: Pubkey) -> WorkerProfile:
        return await self.fetch(WorkerProfile, worker_profile_pda(worker)[0])

    async def get_standing(self, worker: Pubkey) -> Standing | None:
        """The worker's score with its evidence, under the chain's reputation
        parameters (`amplify_sdk.quality.standing`); None if unregistered."""
        profile = await self.fetch_or_none(WorkerProfile, worker_profile_pda(worker)[0])
        if profile is None:
            return None
        return profile.standing((await self.get_config()).reputation)

    async def get_tables(self, batch: Batch) -> list[TaskTable]:
        """The batch's task tables, in item order (`getMultipleAccounts`, up
        to 100 a call over RPC)."""
        return await tables_of(self.backend, batch)

    # -- anyone ----------------------------------------------------------------------

    async def sweep_fees(self, batch: Pubkey) -> TxReceipt:
        """Move a batch's accrued fees to the treasury (anyone may)."""
        return await self.send([ix.sweep_fees(batch)])

    async def release_expired(
        self, batch: Pubkey, worker: Pubkey, items: Sequence[int] | None = None
    ) -> list[ItemOutcome]:
        """Release `worker`'s reservations of `items` (default: all its expired
        ones) whose deadline has passed; anyone may. One outcome per item."""
        b = await self.get_batch(batch)
        tables = await self.get_tables(b)
        idx = b.roster_index(worker)
        if items is None:
            now = await self.now()
            found: list[int] = []
            if idx is not None:
                for t in tables:
                    mine = (t.holders == idx + 1) & t.reserved()
                    late = mine & (b.created_at + t.ticks.astype("int64") * b.tick_secs < now)
                    found += (np.flatnonzero(late.any(axis=1)) + t.first_item).tolist()
            items = found
        groups, outcomes = group(list(items), b, tables)
        k = self.max_items(
            lambda n: ix.release_expired(batch, PLACEHOLDER, b.requester, worker, [0] * n), 4
        )
        for n_done, (table, chunk) in enumerate(todo := list(chunks(groups, k))):
            try:
                receipt = await self.send(
                    [
                        ix.release_expired(
                            batch, table.address, b.requester, worker, [i for _, i in chunk]
                        )
                    ]
                )
            except ProgramError as e:
                for _, rest in todo[n_done:]:
                    for pos, item in rest:
                        outcomes[pos] = ItemOutcome(item, False, e)
                break
            settle(chunk, receipt, "TasksReleased", "items", outcomes)
        return collect(outcomes)


def _bind_program(cls: type) -> None:
    """Wrap the methods `cls` defines (not properties, static or class
    methods, generators or dunders) in `_in_program`."""
    for name, value in list(vars(cls).items()):
        if (
            inspect.isfunction(value)
            and not name.startswith("__")
            and not inspect.isasyncgenfunction(value)
            and not inspect.isgeneratorfunction(value)
        ):
            setattr(cls, name, _in_program(value))


_bind_program(AmplifyClient)
