"""`AmplifyClient`: the typed asyncio entry point of the SDK.

One client holds one wallet (`payer`), which signs and pays for its calls. The
requester, each worker and each voter are separate clients over the same
backend: `client.with_wallet(keypair)`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Self, TypeVar

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import TransferParams, transfer
from solders.sysvar import CLOCK

from . import _instructions as ix
from ._backend import Backend, TxReceipt
from ._embedded import EmbeddedBackend
from ._exceptions import AccountNotFoundError, ProgramError
from ._models import (
    AccountModel,
    Batch,
    Config,
    ItemPage,
    Ledger,
    SlotStatus,
    Treasury,
    WorkerProfile,
)
from ._packing import pack
from ._pda import (
    ITEMS_PER_PAGE,
    PROGRAM_ID,
    batch_pda,
    config_pda,
    ledger_address,
    page_pda,
    treasury_pda,
    worker_profile_pda,
)
from ._token import MINT_SIZE, create_mint_instructions

M = TypeVar("M", bound=AccountModel)

#: Lamports given to the payer of a fresh embedded client.
EMBEDDED_PAYER_LAMPORTS = 1_000 * 10**9
AMP_DECIMALS = 6
#: Hashes per `add_tasks` instruction that fit a 1,232-byte transaction.
MAX_HASHES_PER_TX = 30

Progress = Callable[[int, int], None]


def content_hash(data: bytes) -> bytes:
    """The 32-byte content address of an item (sha256)."""
    return hashlib.sha256(data).digest()


class AmplifyClient:
    """One interface over any backend; `payer` signs and pays for every call."""

    def __init__(self, backend: Backend, payer: Keypair) -> None:
        self.backend = backend
        self.payer = payer
        self.last_receipt: TxReceipt | None = None
        self.receipts: list[TxReceipt] = []
        # Batch numbers never change; they seed the workers' record addresses.
        self._batch_numbers: dict[Pubkey, int] = {}

    @classmethod
    async def embedded(cls, payer: Keypair | None = None) -> AmplifyClient:
        """A client on a fresh in-process SVM running the shipped program, with a
        funded payer."""
        backend = EmbeddedBackend()
        payer = payer or Keypair()
        await backend.airdrop(payer.pubkey(), EMBEDDED_PAYER_LAMPORTS)
        # The payer plays the deployer: it holds the upgrade authority.
        backend.set_upgrade_authority(payer.pubkey())
        return cls(backend, payer)

    def with_wallet(self, wallet: Keypair) -> AmplifyClient:
        """Another client on the same backend, signing with `wallet`."""
        return AmplifyClient(self.backend, wallet)

    @property
    def address(self) -> Pubkey:
        return self.payer.pubkey()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.backend.close()

    # -- plumbing ------------------------------------------------------------------

    async def send(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair] = ()
    ) -> TxReceipt:
        """Send instructions in one transaction, paid by `payer`."""
        receipt = await self.backend.send(instructions, signers, self.payer)
        self.last_receipt = receipt
        self.receipts.append(receipt)
        return receipt

    async def send_packed(
        self, instructions: Sequence[Instruction], signers: Sequence[Keypair] = ()
    ) -> list[TxReceipt]:
        """Send many instructions in as few transactions as fit, in order."""
        return [
            await self.send(group, signers)
            for group in pack(instructions, self.payer, 1 + len(signers))
        ]

    async def fetch(self, model: type[M], address: Pubkey) -> M:
        """Fetch and decode one program account."""
        acc = await self.backend.get_account(address)
        if acc is None:
            raise AccountNotFoundError(f"{model.IDL_NAME} account {address} does not exist")
        return model.from_account_data(address, acc.data)

    async def now(self) -> int:
        """The cluster's unix time (Clock sysvar), as the program sees it."""
        acc = await self.backend.get_account(CLOCK)
        if acc is None:
            raise AccountNotFoundError("clock sysvar")
        return int.from_bytes(acc.data[32:40], "little", signed=True)

    # -- protocol ------------------------------------------------------------------

    async def create_amp_mint(self, authority: Pubkey | None = None) -> Pubkey:
        """Create an SPL mint to serve as the AMP governance token (dev and tests;
        on a real cluster the mint already exists)."""
        mint = Keypair()
        rent = await self.backend.minimum_balance(MINT_SIZE)
        await self.send(
            create_mint_instructions(
                self.address, mint.pubkey(), authority or self.address, AMP_DECIMALS, rent
            ),
            [mint],
        )
        return mint.pubkey()

    async def initialize(self, amp_mint: Pubkey, fee_bps: int = 500) -> Config:
        """Create the protocol config and treasury with `payer` as admin."""
        await self.send([ix.initialize(self.address, amp_mint, fee_bps)])
        return await self.get_config()

    async def set_paused(self, paused: bool) -> None:
        await self.send([ix.set_paused(self.address, paused)])

    async def get_config(self) -> Config:
        return await self.fetch(Config, config_pda()[0])

    async def get_treasury(self) -> Treasury:
        return await self.fetch(Treasury, treasury_pda()[0])

    async def sweep_fees(self, batch: Pubkey) -> None:
        await self.send([ix.sweep_fees(batch)])

    # -- requester -------------------------------------------------------------------

    async def create_batch(
        self,
        *,
        price: int,
        redundancy: int = 1,
        min_rating: int = 0,
        per_worker_cap: int = 0,
        reservation_secs: int = 3600,
        expires_at: int | None = None,
        expires_in: int = 7 * 24 * 3600,
        encrypted: bool = False,
        instructions_hash: bytes = bytes(32),
        base_uri: str = "",
        batch_id: int | None = None,
    ) -> Batch:
        """Open a batch. `price` is lamports per item per worker, fee included."""
        batch_id = secrets.randbits(63) if batch_id is None else batch_id
        if expires_at is None:
            expires_at = await self.now() + expires_in
        await self.send(
            [
                ix.create_batch(
                    self.address,
                    batch_id,
                    price=price,
                    redundancy=redundancy,
                    min_rating=min_rating,
                    per_worker_cap=per_worker_cap,
                    reservation_secs=reservation_secs,
                    expires_at=expires_at,
                    encrypted=encrypted,
                    instructions_hash=instructions_hash,
                    base_uri=base_uri,
                )
            ]
        )
        return await self.get_batch(batch_pda(self.address, batch_id)[0])

    async def fund_batch(self, batch: Pubkey, lamports: int) -> None:
        """Deposit lamports into a batch; `add_tasks` moves them into escrow."""
        await self.send(
            [transfer(TransferParams(from_pubkey=self.address, to_pubkey=batch, lamports=lamports))]
        )

    async def add_tasks(
        self, batch: Pubkey, hashes: Iterable[bytes], progress: Progress | None = None
    ) -> int:
        """Upload item hashes, in order, resuming from what the chain already holds.

        Exactly once: the first `item_count` hashes must be the ones on chain (they
        are checked, so a different file is refused) and are skipped; the rest are
        sent 30 per transaction. Returns the number of items added by this call.
        """
        items = list(hashes)
        if any(len(h) != 32 for h in items):
            raise ValueError("every item hash must be 32 bytes")
        b = await self.get_batch(batch)
        start = b.item_count
        if start > len(items):
            raise ValueError(f"batch already holds {start} items, more than given")
        await self._check_prefix(b, items[:start])
        todo = items[start:]
        if not todo:
            return 0
        needed = b.price * b.redundancy * len(todo)
        acc = await self.backend.get_account(batch)
        assert acc is not None
        rent = await self.backend.minimum_balance(len(acc.data))
        free = acc.lamports - rent - b.escrow - b.fees_accrued
        if free < needed:
            await self.fund_batch(batch, needed - free)
        index = start
        while index < len(items):
            page_index, slot = divmod(index, ITEMS_PER_PAGE)
            if slot == 0 and b.page_count <= page_index:
                await self.send([ix.create_page(self.address, batch, page_index)])
            n = min(MAX_HASHES_PER_TX, ITEMS_PER_PAGE - slot, len(items) - index)
            await self.send([ix.add_tasks(self.address, batch, index, items[index : index + n])])
            index += n
            if progress is not None:
                progress(index - start, len(todo))
            b = await self.get_batch(batch) if slot + n == ITEMS_PER_PAGE else b
        return len(todo)

    async def _check_prefix(self, b: Batch, prefix: list[bytes]) -> None:
        for page_index in range(0, (len(prefix) + ITEMS_PER_PAGE - 1) // ITEMS_PER_PAGE):
            page = await self.get_page(b.address, page_index)
            chunk = prefix[page_index * ITEMS_PER_PAGE : (page_index + 1) * ITEMS_PER_PAGE]
            on_chain = [r.content_hash for r in page.filled[: len(chunk)]]
            if on_chain != chunk:
                raise ValueError("items already on chain differ from the ones given")

    async def set_batch_paused(self, batch: Pubkey, paused: bool) -> None:
        await self.send([ix.set_batch_paused(self.address, batch, paused)])

    async def cancel_batch(self, batch: Pubkey) -> None:
        await self.send([ix.cancel_batch(self.address, batch)])

    async def rate(self, batch: Pubkey, item_index: int, worker: Pubkey, stars: int) -> None:
        await self.rate_many(batch, [(item_index, worker, stars)])

    async def rate_many(self, batch: Pubkey, ratings: Sequence[tuple[int, Pubkey, int]]) -> None:
        """Rate many submitted items: (item_index, worker, stars), packed."""
        ledgers: dict[Pubkey, Ledger] = {}
        ixs = []
        for item_index, worker, stars in ratings:
            if worker not in ledgers:
                ledgers[worker] = await self.get_ledger(batch, worker)
            ledger = ledgers[worker]
            slot = ledger.slot_of(item_index)
            if slot is None:
                raise ValueError(f"worker {worker} does not hold item {item_index}")
            ixs.append(ix.rate_assignment(self.address, batch, ledger.address, worker, slot, stars))
        await self.send_packed(ixs)

    async def close_batch(self, batch: Pubkey) -> None:
        """Close every item page, then the batch (fees to the treasury, the rest back)."""
        b = await self.get_batch(batch)
        pages = [ix.close_page(self.address, batch, p) for p in range(b.page_count)]
        if pages:
            await self.send_packed(pages)
        await self.send([ix.close_batch(self.address, batch)])

    # -- worker ----------------------------------------------------------------------

    async def register_worker(self, encryption_key: bytes) -> WorkerProfile:
        await self.send([ix.register_worker(self.address, encryption_key)])
        return await self.get_worker_profile(self.address)

    async def ensure_ledger(
        self, batch: Pubkey, free_slots: int, *, rent_payer: Keypair | None = None
    ) -> Ledger:
        """Make this worker's ledger for `batch` exist, cover every item the batch
        has, and have at least `free_slots` unused slots (opening or growing it in
        steps of at most 10 KiB). `rent_payer` pays instead of this wallet."""
        b = await self.get_batch(batch)
        payer = rent_payer or self.payer
        signers = [rent_payer] if rent_payer else []
        address = ledger_address(self.address, b.batch_number)
        ledger = await self._ledger_or_none(address)
        if ledger is None:
            first = min(max(free_slots, 1), max_new_slots(bitmap_for(b.item_count), 0))
            await self.send(
                [ix.open_ledger(self.address, batch, b.batch_number, first, payer.pubkey())],
                signers,
            )
            ledger = await self.fetch(Ledger, address)
        while ledger.capacity - ledger.taken < free_slots or ledger.bitmap_bytes < bitmap_for(
            b.item_count
        ):
            bitmap = max(bitmap_for(b.item_count), ledger.bitmap_bytes)
            grow = min(
                max(free_slots - (ledger.capacity - ledger.taken), 0),
                max_new_slots(bitmap, ledger.bitmap_bytes),
            )
            await self.send([ix.grow_ledger(payer.pubkey(), batch, address, grow)], signers)
            ledger = await self.fetch(Ledger, address)
        return ledger

    async def _ledger_or_none(self, address: Pubkey) -> Ledger | None:
        # An address can hold lamports before the ledger exists (anyone may send
        # some); only an account of the program is a ledger.
        acc = await self.backend.get_account(address)
        if acc is None or acc.owner != PROGRAM_ID:
            return None
        return Ledger.from_account_data(address, acc.data)

    async def accept_tasks(
        self, batch: Pubkey, item_indices: Sequence[int], *, rent_payer: Keypair | None = None
    ) -> list[int]:
        """Accept items, many per transaction, into this worker's ledger (opened or
        grown first as needed). Items refused on chain (full, cap reached, ...) are
        dropped and the rest retried.

        Idempotent: items the worker already holds are not sent again, so a run
        interrupted half way can simply be repeated. Returns the requested items
        the worker now holds, in request order.
        """
        b = await self.get_batch(batch)
        ledger = await self.ensure_ledger(batch, len(item_indices), rent_payer=rent_payer)
        held = {i for i in item_indices if ledger.holds(i)}
        built = {
            i: ix.accept_task(self.address, batch, b.batch_number, i)
            for i in item_indices
            if i not in held
        }
        accepted: list[int] = []
        pending = list(built)
        while pending:
            group = pack([built[i] for i in pending], self.payer)[0]
            chunk, rest = pending[: len(group)], pending[len(group) :]
            try:
                await self.send(group)
            except ProgramError as err:
                if err.instruction_index is None:
                    raise
                # The whole transaction was rolled back: drop the refused item and
                # try the rest of the chunk again.
                refused = chunk[err.instruction_index]
                pending = [i for i in chunk if i != refused] + rest
                continue
            accepted += chunk
            pending = rest
        got = held | set(accepted)
        return [i for i in dict.fromkeys(item_indices) if i in got]

    async def submit_results(
        self, batch: Pubkey, results: Sequence[tuple[int, bytes]], result_uri: str = ""
    ) -> list[TxReceipt]:
        """Submit (item_index, result_hash) pairs for items this worker holds,
        many per transaction. Idempotent: items already submitted are skipped, so an
        interrupted run can be repeated; an item never held is an error."""
        ledger = await self.get_ledger(batch, self.address)
        slots = reserved_slots(ledger)
        done = {
            s.item_index
            for s in ledger.used
            if s.status in (SlotStatus.SUBMITTED, SlotStatus.RATED)
        }
        missing = [i for i, _ in results if i not in slots and i not in done]
        if missing:
            raise ValueError(f"this worker does not hold a reservation for items {missing}")
        results = [(i, h) for i, h in results if i in slots]
        number = await self.batch_number(batch)
        return await self.send_packed(
            [
                ix.submit_result(self.address, batch, number, slots[i], i, h, result_uri)
                for i, h in results
            ]
        )

    async def release_expired(self, batch: Pubkey, worker: Pubkey, item_index: int) -> None:
        """Release `worker`'s reservation of `item_index` once past its deadline
        (anyone may)."""
        b = await self.get_batch(batch)
        ledger = await self.get_ledger(batch, worker)
        slot = reserved_slots(ledger).get(item_index)
        if slot is None:
            raise ValueError(f"worker {worker} does not hold a reservation for item {item_index}")
        await self.send([ix.release_expired(batch, ledger.address, slot, item_index, b.requester)])

    async def close_ledger(self, batch: Pubkey, worker: Pubkey) -> None:
        """Close a worker's ledger of a finished batch (anyone may); rent to its payer."""
        ledger = await self.get_ledger(batch, worker)
        await self.send([ix.close_ledger(ledger.address, batch, ledger.rent_payer)])

    # -- reads -----------------------------------------------------------------------

    async def get_batch(self, batch: Pubkey) -> Batch:
        return await self.fetch(Batch, batch)

    async def get_page(self, batch: Pubkey, page_index: int) -> ItemPage:
        return await self.fetch(ItemPage, page_pda(batch, page_index)[0])

    async def batch_number(self, batch: Pubkey) -> int:
        if batch not in self._batch_numbers:
            self._batch_numbers[batch] = (await self.get_batch(batch)).batch_number
        return self._batch_numbers[batch]

    async def get_ledger(self, batch: Pubkey, worker: Pubkey) -> Ledger:
        number = await self.batch_number(batch)
        return await self.fetch(Ledger, ledger_address(worker, number))

    async def get_worker_profile(self, worker: Pubkey) -> WorkerProfile:
        return await self.fetch(WorkerProfile, worker_profile_pda(worker)[0])

    async def open_items(self, batch: Pubkey) -> list[tuple[int, bytes]]:
        """(item_index, content_hash) of every item with a free slot."""
        b = await self.get_batch(batch)
        out: list[tuple[int, bytes]] = []
        for page_index in range(b.page_count):
            page = await self.get_page(batch, page_index)
            for slot, rec in enumerate(page.filled):
                if rec.reserved + rec.completed < b.redundancy:
                    out.append((page_index * ITEMS_PER_PAGE + slot, rec.content_hash))
        return out


#: Bytes of a ledger's fixed header, and of each slot (see the IDL's `Ledger`).
LEDGER_HEADER = 160
SLOT_SIZE = 128
#: The runtime lets one instruction create or grow an account by at most 10 KiB.
MAX_DATA_INCREASE = 10 * 1024


def bitmap_for(items: int) -> int:
    """Bitmap bytes covering item indices 0..items, in whole pages (32 bytes)."""
    return -(-items // 256) * 32


def max_new_slots(bitmap: int, old_bitmap: int) -> int:
    """Slots one open/grow instruction can add within the 10 KiB limit."""
    fixed = (LEDGER_HEADER + 8 if old_bitmap == 0 else 0) + bitmap - old_bitmap
    return max((MAX_DATA_INCREASE - fixed) // SLOT_SIZE, 0)


def reserved_slots(ledger: Ledger) -> dict[int, int]:
    """item_index -> slot for the ledger's reservations still open."""
    return {s.item_index: i for i, s in enumerate(ledger.used) if s.status == SlotStatus.RESERVED}
