"""The protocol fee, written once for the SDK: what `create_batch` charges per
item (`shared/math.rs::fee_of` on chain) and the rate `initialize` sets unless
told otherwise. Everything else (the requester's pre-flight checks, the
reputation simulation, the CLI) calls these."""

from __future__ import annotations

from ._exceptions import InvalidArgumentError
from ._idl import constant

#: Basis points in a whole: a rate of `BPS` would take the entire price.
BPS = 10_000
#: The fee rate `initialize` sets when none is given (5%).
DEFAULT_FEE_BPS = 500


def fee_of(price: int, fee_bps: int) -> int:
    """The fee on one item at `price` lamports: `price × fee_bps / BPS`,
    rounded *up* to a whole lamport, as the program rounds it (so any paid
    work pays a fee). `fee_bps` is bounded by the program's `MAX_FEE_BPS`."""
    if not 0 <= fee_bps <= constant("MAX_FEE_BPS"):
        raise InvalidArgumentError(
            f"fee_bps {fee_bps} is outside 0..{constant('MAX_FEE_BPS')} (the program's bound)"
        )
    if price < 0:
        raise InvalidArgumentError(f"price {price} is negative")
    return -(-price * fee_bps // BPS)


__all__ = ["BPS", "DEFAULT_FEE_BPS", "fee_of"]
