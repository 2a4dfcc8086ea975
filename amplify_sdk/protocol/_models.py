"""Typed, immutable views of the program's accounts and events.

Field names are the IDL's; `tests/test_idl.py` checks each model lists exactly
the IDL fields (reserved/padding bytes excepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from solders.pubkey import Pubkey
from solders.signature import Signature

from ._account import AccountModel
from ._codecs import decode_account
from ._exceptions import AccountTypeError, ProgramError
from ._gov_models import (
    EmissionParams,
    Governance,
    GovernanceParams,
    Proposal,
    ProposalStage,
    ProposalStatus,
    StakeAccount,
    VoteRecord,
)
from ._idl import constant
from ._standing import SkillValue, Standing, standing


class ReputationParams(BaseModel):
    """The reputation formula's parameters (docs/reputation.md): ratings in
    milli-stars, weights in lamports of protocol fee."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    prior_mean: int
    neutral: int
    distinct_cap: int
    prior_weight: int
    horizon: int
    requester_horizon: int
    max_weight_per_rating: int
    max_weight_per_requester: int
    qualifying_weight: int


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
    rating_window_secs: int
    requester_count: int
    reputation: ReputationParams
    emission_min_stars: int


class Treasury(AccountModel):
    """Protocol treasury (PDA `["treasury"]`); `lamports` includes its rent reserve."""

    IDL_NAME: ClassVar[str] = "Treasury"
    version: int
    bump: int
    total_collected: int


class WorkerProfile(AccountModel):
    """A worker (PDA `["worker", worker]`). `rating` is its score in
    milli-stars, 0 = no rating yet; `score_sum`/`weight` are the fee-weighted,
    fading sums of its adjusted ratings; `raters` the requesters (by id) that
    rated it and the weight each carried (docs/reputation.md)."""

    IDL_NAME: ClassVar[str] = "WorkerProfile"
    version: int
    bump: int
    rating: int
    rating_count: int
    worker: Pubkey
    encryption_key: bytes
    score_sum: int
    weight: int
    registered_at: int
    raters: list[dict[str, int]]
    well_rated: int
    emissions_claimed: int
    emission_credit: int
    emission_paid: int

    @property
    def rated(self) -> bool:
        return self.rating_count > 0

    def standing(
        self, params: ReputationParams, skills: list[SkillValue] | None = None
    ) -> Standing:
        """The score with its evidence (`amplify_sdk.quality.standing`):
        ratings, fee weight against the prior's, mean stars as rated,
        distinct raters, the `skills` it holds; `params` the chain's
        `Config.reputation`."""
        return standing(self, params, skills)


class RequesterProfile(AccountModel):
    """A requester (PDA `["requester", requester]`): the fee-weighted, fading
    average of the stars it gives (`stars_sum / weight`), against which its
    ratings are read."""

    IDL_NAME: ClassVar[str] = "RequesterProfile"
    version: int
    bump: int
    id: int
    requester: Pubkey
    stars_sum: int
    weight: int
    rated_weight: int
    ratings_given: int


class BatchStatus(IntEnum):
    """A batch's state as the program stores it: open, paused or cancelled
    (a closed batch has no account)."""

    OPEN = 0
    PAUSED = 1
    CANCELLED = 2


#: The first batch version whose roster places pass to a new worker when
#: their worker holds nothing (`RosterEntry.idle`).
REUSABLE_ROSTER_VERSION = 3


class RosterEntry(BaseModel):
    """A worker's place in a batch: `taken` counts every item it reserved there
    (the per-worker cap), `active` its reservations now, `pending` its
    completed items not yet rated (saturating at 65,535)."""

    model_config = ConfigDict(defer_build=True, frozen=True, arbitrary_types_allowed=True)

    index: int
    worker: Pubkey
    taken: int
    active: int
    pending: int = 0

    @property
    def idle(self) -> bool:
        """Holds nothing its place is needed for: a new worker may take it."""
        return self.active == 0 and self.pending == 0


class Batch(AccountModel):
    """A batch of items (PDA `["batch", requester, batch_id]`).

    Money is kept as counters; the properties below derive every amount exactly.
    The account holds at least `rent + escrow + fees_accrued + bonds_held`
    lamports; any excess is uncommitted deposit.
    """

    IDL_NAME: ClassVar[str] = "Batch"
    version: int
    bump: int
    status: BatchStatus
    encrypted: bool
    redundancy: int
    fee_bps: int
    min_rating: int
    max_active: int
    per_worker_cap: int
    reservation_secs: int
    tick_secs: int
    requester: Pubkey
    key_agent: Pubkey
    batch_id: int
    batch_number: int
    price: int
    fee_per_item: int
    bond: int
    created_at: int
    expires_at: int
    cancelled_at: int
    item_count: int
    items_capacity: int
    reserved_count: int
    completed_count: int
    cancelled_slots: int
    rated_count: int
    fees_swept: int
    refunded_total: int
    forfeited_total: int
    rating_window_secs: int
    table_count: int
    roster_len: int
    roster_capacity: int
    skill_count: int
    """Skills a worker must prove to accept (`BatchSkills`); 0: none."""
    places_reused: int
    """Roster places given to a new worker (from version 4): while 0, every
    completed slot's holder is the worker who did the work."""
    manifest_hash: bytes
    instructions_hash: bytes
    base_uri: str
    roster: tuple[RosterEntry, ...]

    @classmethod
    def _from_data(cls, address: Pubkey, data: bytes) -> Self:
        fields = decode_account(cls.IDL_NAME, data)
        workers = fields.pop("workers")
        order = fields.pop("order")  # the program's search index; the roster is `workers`
        n = fields["roster_len"]
        capacity = fields["roster_capacity"]
        if not len(workers) == len(order) == capacity or n > capacity:
            raise AccountTypeError(
                f"Batch {address}: roster of {n} in {len(workers)}/{len(order)} of {capacity}"
            )
        roster = tuple(
            RosterEntry(
                index=i,
                worker=Pubkey.from_bytes(bytes(workers["worker"][i])),
                taken=int(workers["taken"][i]),
                active=int(workers["active"][i]),
                pending=int(workers["pending"][i]),
            )
            for i in range(n)
        )
        wanted = {k: v for k, v in fields.items() if k in cls.model_fields}
        return cls(address=address, roster=roster, **wanted)

    def roster_index(self, worker: Pubkey) -> int | None:
        """The worker's index in this batch's roster; None before its first item
        (or after its place passed to another worker)."""
        for entry in self.roster:
            if entry.worker == worker:
                return entry.index
        return None

    def free_place(self) -> int | None:
        """The place a worker new to this full roster would take (as the
        program picks it: the first whose worker holds nothing); None if none."""
        if self.version < REUSABLE_ROSTER_VERSION:
            return None
        return next((e.index for e in self.roster if e.idle), None)

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
    def bonds_held(self) -> int:
        return self.bond * self.reserved_count

    @property
    def paid_total(self) -> int:
        return self.payout * self.completed_count

    def deadline(self, tick: int) -> int:
        """Unix time at which a reservation with deadline `tick` lapses."""
        return self.created_at + tick * self.tick_secs

    def done(self, now: int) -> bool:
        """No slot can change any more: the batch can close."""
        if self.reserved_count:
            return False
        settled = self.completed_count + self.cancelled_slots == self.slots
        return settled or self.status == BatchStatus.CANCELLED or now >= self.expires_at


U16Array = npt.NDArray[np.uint16]


def answer_of_code(code: int) -> bytes | None:
    """The answer a completed slot's code stands for (the IDL's `Slot` docs)."""
    if code == 0:
        return None
    if code <= 256:
        return bytes([code - 1])
    return (code - 257).to_bytes(2, "little")


class TaskTable(AccountModel):
    """Slots of items `first_item .. first_item + count` of a batch.

    `holders[i, r]` is the roster index + 1 of the worker on slot r of item
    `first_item + i` (0 = open or settled); `done[i, r]` marks it completed;
    `ticks[i, r]` is the reservation's deadline tick while reserved, and once
    completed the code of the answer the slot keeps (`answer`; 0 when not
    kept); `flags[i, r]` means key delivered (reserved), rated (completed) or,
    with no holder, settled (`settle_items`: refunded, never to be taken). A
    version 1 table (before answers were kept) reads with every code 0.
    """

    IDL_NAME: ClassVar[str] = "TaskTable"
    version: int
    redundancy: int
    index: int
    batch: Pubkey
    batch_number: int
    first_item: int
    capacity: int
    count: int
    holders: U16Array
    ticks: U16Array
    flags: npt.NDArray[np.bool_]
    done: npt.NDArray[np.bool_]

    @classmethod
    def _from_data(cls, address: Pubkey, data: bytes) -> Self:
        fields = decode_account(cls.IDL_NAME, data)
        slots = fields.pop("slots")
        shape = (fields["capacity"], fields["redundancy"])
        if len(slots) != shape[0] * shape[1] or fields["count"] > fields["capacity"]:
            raise AccountTypeError(
                f"TaskTable {address}: {len(slots)} slots for {shape}, count {fields['count']}"
            )
        workers = slots["worker"].reshape(shape)[: fields["count"]]
        ticks = slots["tick"].reshape(shape)[: fields["count"]].copy()
        wanted = {k: v for k, v in fields.items() if k in cls.model_fields}
        if fields["version"] < constant("TABLE_VERSION"):
            # Completed was `tick == 0` (the program converts the table when
            # an instruction next opens it); no answer kept.
            holders = workers & ~np.uint16(constant("SLOT_FLAG"))
            done = (holders != 0) & (ticks == 0)
        else:
            holders = workers & constant("SLOT_HOLDER")
            done = (workers & constant("SLOT_DONE")) != 0
        return cls(
            address=address,
            holders=holders,
            ticks=ticks,
            flags=(workers & constant("SLOT_FLAG")) != 0,
            done=done,
            **wanted,
        )

    @property
    def end_item(self) -> int:
        return self.first_item + self.count

    def reserved(self) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = (self.holders != 0) & ~self.done
        return out

    def completed(self) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = (self.holders != 0) & self.done
        return out

    def answer(self, row: int, col: int) -> bytes | None:
        """The answer completed slot (row, col) keeps; None when it keeps none
        (wider than two bytes, a two-byte value past 65,278, or a version 1
        table): the `ResultsSubmitted` event has it."""
        if not (self.done[row, col] and self.holders[row, col]):
            raise ValueError(f"slot ({row}, {col}) of table {self.index} is not completed")
        return answer_of_code(int(self.ticks[row, col]))

    def open(self) -> npt.NDArray[np.bool_]:
        """Slots a worker can take: no holder, not settled."""
        out: npt.NDArray[np.bool_] = (self.holders == 0) & ~self.flags
        return out

    def settled(self) -> npt.NDArray[np.bool_]:
        """Slots refunded by `settle_items`: no worker can take them."""
        out: npt.NDArray[np.bool_] = (self.holders == 0) & self.flags
        return out

    def open_items(self, holder: int = 0) -> npt.NDArray[np.int64]:
        """Items with an open slot that the worker with roster index + 1 =
        `holder` does not already hold."""
        has_open = self.open().any(axis=1)
        if holder:
            has_open &= ~(self.holders == holder).any(axis=1)
        return np.flatnonzero(has_open) + self.first_item

    def items_of(self, holder: int, *, reserved: bool) -> npt.NDArray[np.int64]:
        """Items the worker (roster index + 1) holds reserved, or completed."""
        state = self.reserved() if reserved else self.completed()
        return np.flatnonzero(((self.holders == holder) & state).any(axis=1)) + self.first_item


@dataclass(frozen=True)
class ItemOutcome:
    """What a bulk call did with one item: done (`ok`), or refused with the
    program's typed error (`error`). `signature` is the transaction that decided
    it; None when the SDK refused the item before sending anything."""

    item: int
    ok: bool
    error: ProgramError | None = None
    signature: Signature | None = None
    detail: Any = None

    def __post_init__(self) -> None:
        if self.ok == (self.error is not None):
            raise ValueError("an outcome is either ok or refused with an error")


# The governance accounts live in `_gov_models`; every account model is
# reachable from here, the one index of them.
__all__ = [
    "REUSABLE_ROSTER_VERSION",
    "AccountModel",
    "Batch",
    "BatchStatus",
    "Config",
    "EmissionParams",
    "Governance",
    "GovernanceParams",
    "ItemOutcome",
    "Proposal",
    "ProposalStage",
    "ProposalStatus",
    "ReputationParams",
    "RequesterProfile",
    "RosterEntry",
    "StakeAccount",
    "TaskTable",
    "Treasury",
    "VoteRecord",
    "WorkerProfile",
]
