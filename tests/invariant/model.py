"""The engine's model of the chain, written from the spec: batches with their
tables and slots, and the governance account."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from solders.pubkey import Pubkey

from .spec import RELEASE

# -- the model ---------------------------------------------------------------------------


@dataclass(eq=False)  # slots compare by identity: two of one worker can hold equal values
class SlotM:
    worker: int  # index into the engine's workers: who holds it, or did the work
    place: int  # its roster place (the chain names that, not the worker)
    reserved: bool  # else completed
    tick: int = 0
    flag: bool = False  # reserved: key delivered; completed: rated


@dataclass
class TableM:
    address: Pubkey
    first: int
    capacity: int
    count: int = 0


@dataclass
class BatchM:
    key: int  # the engine's id for it
    address: Pubkey
    requester: int
    batch_id: int
    number: int
    price: int
    fee: int
    bond: int
    redundancy: int
    cap: int
    max_active: int
    min_rating: int
    reservation: int
    created: int
    expires: int
    tick_secs: int
    encrypted: bool
    roster_capacity: int
    status: str = "open"  # open, paused, cancelled
    cancelled_at: int = 0
    closed: bool = False
    items: int = 0
    tables: list[TableM] = field(default_factory=list)
    slots: dict[int, list[SlotM | None]] = field(default_factory=dict)
    # Each place's worker now. A place passes to a worker new to the full
    # roster once its worker holds nothing (no reservation, nothing unrated).
    roster: list[int] = field(default_factory=list)
    taken: Counter[int] = field(default_factory=Counter)  # per worker in the roster
    active: Counter[int] = field(default_factory=Counter)
    pending: Counter[int] = field(default_factory=Counter)  # completed, not yet rated
    completed: int = 0
    cancelled_slots: int = 0
    swept: int = 0
    rated: int = 0
    deposit: int = 0  # lamports beyond what it owes (sent to it), returned on cancel/close
    reused: list[tuple[int, int, int]] = field(default_factory=list)  # (place, gone, new)

    @property
    def reserved(self) -> int:
        return sum(1 for ss in self.slots.values() for s in ss if s is not None and s.reserved)

    @property
    def capacity(self) -> int:
        return sum(t.capacity for t in self.tables)

    def row(self, item: int) -> list[SlotM | None]:
        return self.slots.setdefault(item, [None] * self.redundancy)

    def table_of(self, item: int) -> TableM | None:
        for t in self.tables:
            if t.first <= item < t.first + t.capacity:
                return t
        return None

    def held(self, w: int, item: int) -> SlotM | None:
        for s in self.slots.get(item, []):
            if s is not None and s.worker == w and s.reserved:
                return s
        return None

    def deadline(self, tick: int) -> int:
        return self.created + tick * self.tick_secs

    def free_place(self) -> int | None:
        """The first place whose worker holds nothing (docs/protocol.md, the roster)."""
        for p, w in enumerate(self.roster):
            if self.active[w] == 0 and self.pending[w] == 0:
                return p
        return None

    def finished(self, now: int) -> bool:
        return self.status == "cancelled" or now >= self.expires

    def done(self, now: int) -> bool:
        slots = self.items * self.redundancy
        settled = self.completed + self.cancelled_slots == slots
        return self.reserved == 0 and (settled or self.finished(now))

    def fees_accrued(self) -> int:
        return self.fee * self.completed - self.swept

    def committed(self, rent: int) -> int:
        escrow = self.price * (self.items * self.redundancy - self.completed - self.cancelled_slots)
        return rent + escrow + self.fees_accrued() + self.bond * self.reserved


@dataclass
class GovM:
    """The treasury's sharing among stakers (docs/governance.md), to the lamport."""

    exists: bool = False
    total_collected: int = 0
    distributed_upto: int = 0
    held: int = 0
    distributed: int = 0
    claimed: int = 0
    rps: int = 0  # reward per share, 64.64 fixed point
    donations: int = 0  # lamports sent to the treasury, not yet held
    releasing: int = 0  # fees being paid out to stakers (over a voting period)
    release_end: int = 0
    released_at: int = 0
    staked: dict[int, int] = field(default_factory=dict)
    snapshot: dict[int, int] = field(default_factory=dict)
    pending: dict[int, int] = field(default_factory=dict)
    exact: dict[int, Fraction] = field(default_factory=dict)  # exact shares of fees
    got: dict[int, int] = field(default_factory=dict)  # claimed per staker

    def update(self, now: int) -> None:
        """Before any stake changes: surplus lamports held, fresh fees join
        the release, what fell due since the last update shared."""
        self.held += self.donations
        self.donations = 0
        fresh = self.total_collected - self.distributed_upto
        if fresh:
            if sum(self.staked.values()) == 0:
                self.held += fresh
            else:
                self.releasing += fresh
                self.release_end = self.released_at + RELEASE
        self.distributed_upto = self.total_collected
        self.release(now)

    # -- fee release (issue 18: no flash stake) --------------------------------------------

    def release(self, now: int) -> None:
        """Pay out `releasing` evenly from `released_at` to `release_end`:
        what falls due by `now` is shared over the stake in place since the
        last update (held if none)."""
        due = 0
        if self.releasing and now > self.released_at:
            elapsed = min(now, self.release_end) - self.released_at
            due = self.releasing * elapsed // (self.release_end - self.released_at)
        self.releasing -= due
        self.released_at = max(now, self.released_at)
        total = sum(self.staked.values())
        if due and total == 0:
            self.held += due
        elif due:
            self.rps += (due << 64) // total
            self.distributed += due
            for v, amount in self.staked.items():
                self.exact[v] = self.exact.get(v, Fraction(0)) + Fraction(due * amount, total)

    def settle(self, v: int) -> None:
        amount = self.staked.get(v, 0)
        earned = (amount * (self.rps - self.snapshot.get(v, 0))) >> 64
        self.pending[v] = self.pending.get(v, 0) + earned
        self.snapshot[v] = self.rps
