"""Transaction history: every landed transaction (success or failure) with its
meta, indexed by signature and by account address, bounded in memory.

Records hold the solders objects the runtime produced and the wire bytes the
client sent; JSON is only built when a client asks for it, so the send path
pays nothing for history beyond a few dict and deque appends.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey
from solders.signature import Signature
from solders.transaction import VersionedTransaction
from solders.transaction_metadata import TransactionMetadata

from .spl import TokenBalance

#: Default number of transactions kept (oldest dropped first).
DEFAULT_CAPACITY = 200_000


@dataclass(slots=True)
class TxRecord:
    signature: Signature
    slot: int
    block_time: int
    #: The transaction exactly as the client sent it (never re-serialized).
    raw: bytes
    tx: VersionedTransaction
    keys: list[Pubkey]
    #: None on success, else the error in serde JSON form.
    err: Any
    fee: int
    meta: TransactionMetadata
    pre_balances: list[int]
    post_balances: list[int]
    #: The token accounts among the keys, before and after.
    pre_token_balances: list[TokenBalance]
    post_token_balances: list[TokenBalance]


class History:
    """Landed transactions by signature, and signatures by address (newest last)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self.by_signature: OrderedDict[Signature, TxRecord] = OrderedDict()
        self.by_address: dict[Pubkey, deque[TxRecord]] = {}
        #: slot -> its transactions, in the order they landed.
        self.by_slot: dict[int, list[TxRecord]] = {}
        #: Blocks before this slot have lost transactions to eviction.
        self.first_complete_slot = 0
        self.count = 0

    def add(self, record: TxRecord) -> None:
        self.by_signature[record.signature] = record
        self.by_slot.setdefault(record.slot, []).append(record)
        self.count += 1
        index = self.by_address
        for key in record.keys:
            q = index.get(key)
            if q is None:
                index[key] = q = deque()
            q.append(record)
        if len(self.by_signature) > self.capacity:
            self._evict()

    def _evict(self) -> None:
        _, old = self.by_signature.popitem(last=False)
        self.first_complete_slot = old.slot + 1
        same_slot = self.by_slot.get(old.slot)
        if same_slot and same_slot[0] is old:
            same_slot.pop(0)
            if not same_slot:
                del self.by_slot[old.slot]
        # Records are added and evicted in the same global order, so the oldest
        # record is at the head of every address queue it is in.
        for key in old.keys:
            q = self.by_address.get(key)
            if q and q[0] is old:
                q.popleft()
                if not q:
                    del self.by_address[key]

    def get(self, signature: Signature) -> TxRecord | None:
        return self.by_signature.get(signature)

    def for_address(
        self,
        address: Pubkey,
        *,
        limit: int,
        before: Signature | None = None,
        until: Signature | None = None,
        newest_slot: int | None = None,
    ) -> list[TxRecord]:
        """Newest first; `before` excludes it and everything newer, `until` stops
        before it (as getSignaturesForAddress); only slots up to `newest_slot`
        (the commitment's), as if the rest were not indexed yet."""
        q = self.by_address.get(address)
        if not q:
            return []
        out: list[TxRecord] = []
        started = before is None
        for record in reversed(q):
            if not started:
                started = record.signature == before
                continue
            if until is not None and record.signature == until:
                break
            if newest_slot is not None and record.slot > newest_slot:
                continue
            out.append(record)
            if len(out) >= limit:
                break
        return out
