"""Ratings packed into transactions: `rate_worker` instructions (one per
worker and table) whose transactions fit one packet and whose events fit the
log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from solders.instruction import Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from ..chain._tx import PACKET_DATA_SIZE, transaction_size
from ..protocol import _instructions as ix
from ..protocol._exceptions import ProgramError
from ..protocol._models import Batch, ItemOutcome, TaskTable
from ..protocol._pda import worker_profile_pda
from ..protocol._program_errors import (
    AlreadyRated,
    InvalidStars,
    ItemNotFound,
    NotInRoster,
    NotSubmitted,
    SelfRating,
)
from ._batch_rules import LOG_LIMIT, LOG_RESERVE, rated_log_size
from ._bulk import table_of

#: Bytes one more rating adds to a `rate_worker` instruction: item u32, stars u8.
RATING_BYTES = 5
#: At most what a new `rate_worker` instruction adds to a transaction besides
#: its ratings: profile and table keys, program and account indices, length
#: prefixes, discriminator, worker index, vector length.
NEW_PART = 2 * 32 + 1 + 1 + 7 + 2 + 8 + 2 + 4


@dataclass
class Part:
    """One `rate_worker` instruction: a worker's ratings in one table, as
    (position in the caller's list, item, stars)."""

    table: TaskTable
    index: int
    worker: Pubkey
    ratings: list[tuple[int, int, int]] = field(default_factory=list)

    def instruction(self, requester: Pubkey, b: Batch) -> Instruction:
        return ix.rate_worker(
            requester,
            b.address,
            self.table.address,
            worker_profile_pda(self.worker)[0],
            self.index,
            [(item, stars) for _, item, stars in self.ratings],
        )


def rating_transactions(wallet: Keypair, b: Batch, parts: list[Part]) -> Iterable[list[Part]]:
    """Split each worker's ratings over transactions that fit: 5 bytes per
    rating, an instruction (and a profile account) per worker, and logs that
    keep every `WorkerRated` event (past the runtime's log limit they would
    be lost to every reader of history). Sizes are upper bounds between
    measurements (a rating adds 5 bytes and perhaps a byte of length prefix;
    a new instruction at most its keys, indices and prefixes), so a
    transaction is built only near the packet limit (linear time)."""
    requester = wallet.pubkey()

    def measure(trial: list[Part]) -> int:
        return transaction_size([p.instruction(requester, b) for p in trial], wallet, 1)

    tx: list[Part] = []
    size = log = 0
    for part in parts:
        for rating in part.ratings:
            new = not tx or tx[-1].table is not part.table or tx[-1].index != part.index
            cur = Part(part.table, part.index, part.worker) if new else tx[-1]
            n = len(cur.ratings)
            trial_log = log + rated_log_size(n + 1) - (0 if new else rated_log_size(n))
            fits = False
            if tx and trial_log <= LOG_LIMIT - LOG_RESERVE:
                trial_size = size + (NEW_PART if new else 1) + RATING_BYTES
                if trial_size > PACKET_DATA_SIZE:
                    cur.ratings.append(rating)
                    trial_size = measure([*tx, cur] if new else tx)
                    cur.ratings.pop()
                fits = trial_size <= PACKET_DATA_SIZE
            if not fits:
                if tx:
                    yield tx
                cur = Part(part.table, part.index, part.worker, [rating])
                tx = [cur]
                size, log = measure(tx), rated_log_size(1)
                continue
            if new:
                tx.append(cur)
            cur.ratings.append(rating)
            size, log = trial_size, trial_log
    if tx:
        yield tx


def plan_ratings(
    b: Batch, tables: list[TaskTable], ratings: Sequence[tuple[int, Pubkey, int]]
) -> tuple[list[ItemOutcome | None], list[Part]]:
    """The ratings `rate_worker` can take, as parts (one per table and
    worker, in the order first given; a part's ratings in the order given),
    and an outcome already for each one that cannot succeed (not completed,
    already rated, the requester's own work, bad stars): refused before
    anything is sent."""
    outcomes: list[ItemOutcome | None] = [None] * len(ratings)
    # One part per (table, worker), in the order first given: each is one
    # `rate_worker` instruction (split when a transaction fills), whose
    # ratings apply in the order given.
    parts: dict[tuple[int, int], Part] = {}
    asked: set[tuple[int, Pubkey]] = set()
    for pos, (item, worker, stars) in enumerate(ratings):
        idx = b.roster_index(worker)
        table = table_of(tables, item)
        err: ProgramError | None = None
        if not 1 <= stars <= 5:
            err = InvalidStars()
        elif worker == b.requester:
            err = SelfRating()
        elif idx is None:
            err = NotInRoster()
        elif table is None or item >= b.item_count:
            err = ItemNotFound()
        else:
            row = table.holders[item - table.first_item]
            done = (row == idx + 1) & table.done[item - table.first_item]
            if not done.any():
                err = NotSubmitted()
            elif table.flags[item - table.first_item][done].all() or (item, worker) in asked:
                err = AlreadyRated()
        if err is not None or idx is None or table is None:
            outcomes[pos] = ItemOutcome(item, False, err)
            continue
        asked.add((item, worker))
        key = (table.index, idx)
        if key not in parts:
            parts[key] = Part(table, idx, worker)
        parts[key].ratings.append((pos, item, stars))
    return outcomes, list(parts.values())
