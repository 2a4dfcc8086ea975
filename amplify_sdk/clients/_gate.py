"""What a batch's rating gate is worth against what it costs to forge: the
figures `create_batch` states and the rule it refuses by (docs/reputation.md,
"Gates whose price exceeds their prize").

The forge cost comes from the reputation twin, which lives a layer above the
clients (`amplify_sdk.quality.forge`); that module registers its search here
when imported, and `price_gate` imports it on first use, so the clients use
it without a static upward import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..protocol._exceptions import ForgeableGateError
from ..protocol._fee import fee_of
from ..protocol._models import ReputationParams

#: Kinds of ring the forge search tries (docs/reputation.md).
DECOY_RING = "decoy ring"
ONE_REQUESTER = "one requester"
SEVERAL_REQUESTERS = "several requesters"


@dataclass(frozen=True)
class Ring:
    """One way to lift a fresh worker identity past a gate with requester keys
    the attacker owns: `requesters` keys take turns, each rating the identity
    5 stars on an item paying `fee` lamports of protocol fee, and (a decoy
    ring) following each 5-star with a 1-star to another identity on an item
    paying `decoy_fee`, so its own average stays at `neutral` and its 5s are
    not discounted. The last 5-star pays only `last_fee`, just enough."""

    kind: str
    requesters: int
    fee: int
    decoy_fee: int
    #: 5-star ratings to the identity, the last one included.
    fives: int
    #: 1-star ratings to decoys sent before the identity passed.
    decoys: int
    last_fee: int

    @property
    def lamports(self) -> int:
        """Protocol fees the ring pays, decoys included."""
        return (self.fives - 1) * self.fee + self.last_fee + self.decoys * self.decoy_fee

    @property
    def decoy_lamports(self) -> int:
        """Of `lamports`, what the decoy 1-stars pay."""
        return self.decoys * self.decoy_fee

    def ratings(self) -> list[tuple[int, bool, int]]:
        """The ring's ratings in order: (requester 0.., to a decoy, fee)."""
        out: list[tuple[int, bool, int]] = []
        fives = t = 0
        while fives < self.fives:
            decoy = self.decoy_fee > 0 and (t // self.requesters) % 2 == 1
            if decoy:
                out.append((t % self.requesters, True, self.decoy_fee))
            else:
                fives += 1
                fee = self.last_fee if fives == self.fives else self.fee
                out.append((t % self.requesters, False, fee))
            t += 1
        return out


@dataclass(frozen=True)
class ForgeCost:
    """The cheapest ring of each kind that lifts a fresh identity to `gate`
    (None: no ring of that kind gets there) and the cheapest of all."""

    gate: int
    rings: dict[str, Ring | None]
    #: False when the search stopped at its round limit with rings still
    #: running: `lamports` is then `bound`, a lower bound.
    exact: bool = True
    #: When not `exact`: the least of the cheapest ring found and what each
    #: ring still running had paid.
    bound: int | None = None

    @property
    def cheapest(self) -> Ring | None:
        found = [r for r in self.rings.values() if r is not None]
        return min(found, key=lambda r: r.lamports) if found else None

    @property
    def lamports(self) -> int | None:
        """Fees the cheapest ring pays (None: no ring reaches the gate)."""
        if not self.exact:
            return self.bound
        c = self.cheapest
        return None if c is None else c.lamports


@dataclass(frozen=True)
class GatePrice:
    """A batch's rating gate: what forging it costs, what it protects."""

    min_rating: int
    forge: ForgeCost
    #: Lamports one worker keeps per item (price − fee).
    payout: int
    per_worker_cap: int

    @property
    def forge_cost(self) -> int | None:
        """Lamports of fees the cheapest ring pays (None: no ring gets there)."""
        return self.forge.lamports

    @property
    def prize(self) -> int | None:
        """What one identity past the gate can take: `per_worker_cap × payout`;
        None when uncapped (the whole batch, every item ever added)."""
        return self.per_worker_cap * self.payout if self.per_worker_cap else None

    @property
    def forgeable(self) -> bool:
        """The prize exceeds the forge cost (an uncapped batch's prize always does)."""
        cost = self.forge_cost
        if cost is None:
            return False
        prize = self.prize
        return prize is None or prize > cost

    @property
    def safe_cap(self) -> int:
        """The largest per-worker cap whose prize does not exceed the forge cost
        (0: even one item is worth more)."""
        cost = self.forge_cost
        if cost is None or self.payout <= 0:
            return 2**32 - 1
        return min(cost // self.payout, 2**32 - 1)


#: The twin's forge search, registered by `amplify_sdk.quality.forge`.
ForgeSearch = Callable[[ReputationParams, int, int], ForgeCost]
_SEARCH: list[ForgeSearch] = []


def register_forge_search(search: ForgeSearch) -> None:
    _SEARCH[:] = [search]


def price_gate(
    params: ReputationParams, fee_bps: int, min_rating: int, price: int, per_worker_cap: int
) -> GatePrice | None:
    """The gate's price and prize under these parameters and fee rate (None
    for an ungated batch)."""
    if min_rating <= 0:
        return None
    if not _SEARCH:
        # The search lives a layer up and registers itself when imported;
        # `import amplify_sdk` no longer imports every layer, so load it here.
        importlib.import_module("amplify_sdk.quality.forge")
    forge = _SEARCH[0](params, fee_bps, min_rating)
    return GatePrice(min_rating, forge, price - fee_of(price, fee_bps), per_worker_cap)


def check_gate(gate: GatePrice | None, allow_forgeable_gate: bool) -> None:
    """Raise `ForgeableGateError` when the gate protects more than it costs to
    forge, unless the requester allowed it."""
    if gate is None or allow_forgeable_gate or not gate.forgeable:
        return
    cost = gate.forge_cost
    assert cost is not None
    raise ForgeableGateError(gate.min_rating, cost, gate.prize, gate.safe_cap, gate.forge.exact)


__all__ = [
    "DECOY_RING",
    "ONE_REQUESTER",
    "SEVERAL_REQUESTERS",
    "ForgeCost",
    "GatePrice",
    "Ring",
    "check_gate",
    "price_gate",
    "register_forge_search",
]
