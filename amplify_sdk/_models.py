"""Typed, immutable views of the program's accounts and events.

Field names are the IDL's; `tests/test_idl.py` checks each model lists exactly
the IDL fields (reserved/padding bytes excepted).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict
from solders.pubkey import Pubkey

from ._codecs import decode_account


class AccountModel(BaseModel):
    """Base of account models: frozen, holds solders types, built from account data."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    IDL_NAME: ClassVar[str]
    address: Pubkey

    @classmethod
    def from_account_data(cls, address: Pubkey, data: bytes) -> Self:
        fields: dict[str, Any] = decode_account(cls.IDL_NAME, data)
        wanted = {k: v for k, v in fields.items() if k in cls.model_fields}
        return cls(address=address, **wanted)


class Config(AccountModel):
    """Protocol configuration (PDA `["config"]`)."""

    IDL_NAME: ClassVar[str] = "Config"
    version: int
    bump: int
    treasury_bump: int
    paused: bool
    fee_bps: int
    quorum_bps: int
    admin: Pubkey
    amp_mint: Pubkey
    voting_period_secs: int
    batch_count: int


class Treasury(AccountModel):
    """Protocol treasury (PDA `["treasury"]`); `lamports` includes its rent reserve."""

    IDL_NAME: ClassVar[str] = "Treasury"
    version: int
    bump: int
    total_collected: int


class WorkerProfile(AccountModel):
    """A worker (PDA `["worker", worker]`). `rating` is in milli-stars, 0 = unrated."""

    IDL_NAME: ClassVar[str] = "WorkerProfile"
    version: int
    bump: int
    rating: int
    rating_count: int
    worker: Pubkey
    encryption_key: bytes
    rating_sum: int
    registered_at: int


class BatchStatus(IntEnum):
    OPEN = 0
    PAUSED = 1
    CANCELLED = 2


class Batch(AccountModel):
    """A batch of tasks (PDA `["batch", requester, batch_id]`).

    Money is kept as counters; escrow, accrued fees and paid totals are derived
    (exactly) by the properties below. The account holds at least
    `rent + escrow + fees_accrued` lamports; the excess is uncommitted deposit.
    """

    IDL_NAME: ClassVar[str] = "Batch"
    version: int
    bump: int
    status: BatchStatus
    encrypted: bool
    redundancy: int
    fee_bps: int
    min_rating: int
    per_worker_cap: int
    reservation_secs: int
    requester: Pubkey
    batch_id: int
    batch_number: int
    price: int
    fee_per_item: int
    created_at: int
    expires_at: int
    item_count: int
    reserved_count: int
    completed_count: int
    cancelled_slots: int
    fees_swept: int
    refunded_total: int
    page_count: int
    instructions_hash: bytes
    base_uri: str

    @property
    def slots(self) -> int:
        """Item slots in total: items × redundancy."""
        return self.item_count * self.redundancy

    @property
    def open_slots(self) -> int:
        return self.slots - self.reserved_count - self.completed_count - self.cancelled_slots

    @property
    def payout(self) -> int:
        """Lamports a worker receives per completed item (price minus fee)."""
        return self.price - self.fee_per_item

    @property
    def escrow(self) -> int:
        """Lamports held for slots still payable (open or reserved)."""
        return self.price * (self.slots - self.completed_count - self.cancelled_slots)

    @property
    def fees_total(self) -> int:
        return self.fee_per_item * self.completed_count

    @property
    def fees_accrued(self) -> int:
        """Fees earned here and not yet swept to the treasury."""
        return self.fees_total - self.fees_swept

    @property
    def paid_total(self) -> int:
        return self.payout * self.completed_count


class ItemRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    content_hash: bytes
    reserved: int
    completed: int


class ItemPage(AccountModel):
    """Up to 256 items of a batch (PDA `["page", batch, page_index]`)."""

    IDL_NAME: ClassVar[str] = "ItemPage"
    version: int
    bump: int
    page_index: int
    batch: Pubkey
    count: int
    items: list[ItemRecord]

    @property
    def filled(self) -> list[ItemRecord]:
        return self.items[: self.count]


class SlotStatus(IntEnum):
    RESERVED = 0
    SUBMITTED = 1
    RATED = 2
    RELEASED = 3


class Slot(BaseModel):
    """One acceptance in a worker's ledger."""

    model_config = ConfigDict(frozen=True)

    item_index: int
    status: SlotStatus
    rating: int
    key_delivered: bool
    deadline: int
    result_hash: bytes
    sealed_key: bytes


class Ledger(AccountModel):
    """A worker's ledger for one batch (address: `ledger_address`): every item the
    worker took, in order. Only the first `taken` of `slots` are used."""

    IDL_NAME: ClassVar[str] = "Ledger"
    version: int
    taken: int
    capacity: int
    bitmap_bytes: int
    active: int
    batch: Pubkey
    worker: Pubkey
    rent_payer: Pubkey
    batch_number: int
    bitmap: bytes
    slots: list[Slot]

    @property
    def used(self) -> list[Slot]:
        return self.slots[: self.taken]

    def holds(self, item_index: int) -> bool:
        byte = item_index >> 3
        return byte < len(self.bitmap) and bool(self.bitmap[byte] & (1 << (item_index & 7)))

    def slot_of(self, item_index: int) -> int | None:
        """The slot holding `item_index`, if the worker took it."""
        for i, s in enumerate(self.used):
            if s.item_index == item_index:
                return i
        return None
