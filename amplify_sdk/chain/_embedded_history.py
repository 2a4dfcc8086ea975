"""The embedded backend's transaction history (LiteSVM keeps none a client can
page through) and the account filters both backends apply the same way."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Sequence

from solders.pubkey import Pubkey
from solders.signature import Signature

from ._backend import AccountFilter, DataSize, Memcmp, TransactionDetails

#: Transactions kept; the oldest are dropped first.
DEFAULT_CAPACITY = 100_000


def matches(data: bytes, filters: Sequence[AccountFilter]) -> bool:
    for f in filters:
        if isinstance(f, DataSize):
            if len(data) != f.size:
                return False
        elif isinstance(f, Memcmp) and data[f.offset : f.offset + len(f.bytes)] != f.bytes:
            return False
    return True


class EmbeddedHistory:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._by_signature: OrderedDict[Signature, tuple[TransactionDetails, list[Pubkey]]] = (
            OrderedDict()
        )
        self._by_address: dict[Pubkey, deque[TransactionDetails]] = {}

    def add(self, details: TransactionDetails, keys: list[Pubkey]) -> None:
        """Record a landed transaction and the addresses its message lists."""
        self._by_signature[details.signature] = (details, keys)
        for key in keys:
            self._by_address.setdefault(key, deque()).append(details)
        if len(self._by_signature) > self.capacity:
            _, (old, old_keys) = self._by_signature.popitem(last=False)
            # Added and dropped in one global order: the oldest is at every head.
            for key in old_keys:
                q = self._by_address.get(key)
                if q and q[0] is old:
                    q.popleft()
                    if not q:
                        del self._by_address[key]

    def get(self, signature: Signature) -> TransactionDetails | None:
        entry = self._by_signature.get(signature)
        return entry[0] if entry else None

    def for_address(
        self,
        address: Pubkey,
        *,
        limit: int,
        before: Signature | None,
        until: Signature | None,
    ) -> list[TransactionDetails]:
        out: list[TransactionDetails] = []
        started = before is None
        for details in reversed(self._by_address.get(address, ())):
            if not started:
                started = details.signature == before
                continue
            if details.signature == until:
                break
            out.append(details)
            if len(out) >= min(limit, 1000):
                break
        return out
