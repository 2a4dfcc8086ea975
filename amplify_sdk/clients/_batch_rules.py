"""What a requester's calls must respect before anything is sent: the program's
`create_batch` parameter rules (so a bad batch raises the program's own error
without paying a fee) and how many ratings one transaction's log can carry."""

from __future__ import annotations

from ..protocol._ceiling import MAX_SCORE as MAX_RATING
from ..protocol._codecs import fixed_size, type_size
from ..protocol._fee import fee_of
from ..protocol._idl import constant, load_idl
from ..protocol._layout import MAX_PERMITTED_DATA_INCREASE, batch_size
from ..protocol._program_errors import (
    ExpiryTooFar,
    InvalidExpiry,
    InvalidMinRating,
    InvalidPrice,
    InvalidRedundancy,
    InvalidReservation,
    PriceBelowFee,
    RosterTooLarge,
    UnreachableRating,
    UriTooLong,
)

#: Bytes of log a transaction keeps (the runtime's log collector limit); past
#: it every line is dropped ("Log truncated"), events included.
LOG_LIMIT = 10_000
#: Log bytes left for what is not an event: invoke, compute and success lines
#: of the program and of the compute-budget program.
LOG_RESERVE = 1_000


def event_line_size(name: str) -> int:
    """Bytes of one `Program data: <base64>` line carrying event `name`."""
    size = 8 + type_size(name)
    return len("Program data: ") + 4 * -(-size // 3)


#: Most ratings one transaction of `rate_assignments` may carry: it logs an
#: `AssignmentRated` event per rating, and events past the log limit are lost
#: to every reader of history (ratings in `batch_results`, the market view).
MAX_RATINGS_PER_TX = (LOG_LIMIT - LOG_RESERVE) // event_line_size("AssignmentRated")

#: Log bytes of one instruction besides its events: the runtime's invoke,
#: consumed and success lines (the longest: "Program <id> consumed
#: 1400000 of 1400000 compute units", 92 bytes).
INSTRUCTION_LOG = 3 * 100


def rated_log_size(n: int) -> int:
    """Log bytes of one `rate_worker` instruction of `n` ratings: its lines and
    its `WorkerRated` event (whose list of ratings grows with `n`)."""
    idl = load_idl()
    size = 8
    for f in idl.types["WorkerRated"]["type"]["fields"]:
        ty = f["type"]
        if isinstance(ty, dict) and "vec" in ty:
            size += 4 + n * type_size(ty["vec"]["defined"]["name"])
        else:
            known = fixed_size(ty, idl)
            assert known is not None, f"WorkerRated.{f['name']}"
            size += known
    return INSTRUCTION_LOG + len("Program data: ") + 4 * -(-size // 3)


def check_batch(
    price: int,
    fee_bps: int,
    redundancy: int,
    min_rating: int,
    max_active: int,
    reservation_secs: int,
    expires_at: int,
    now: int,
    base_uri: str,
    roster_capacity: int,
    rating_ceiling: int = MAX_RATING,
) -> None:
    """`create_batch`'s parameter rules, in the program's order, raising the
    program's own errors before anything is sent. (Values that do not fit
    their fields at all are the encoder's `InvalidArgumentError`.)"""
    if price <= 0:
        raise InvalidPrice()
    if fee_of(price, fee_bps) >= price:
        raise PriceBelowFee()
    if not 1 <= redundancy <= constant("MAX_REDUNDANCY"):
        raise InvalidRedundancy()
    if min_rating > MAX_RATING:
        raise InvalidMinRating()
    if min_rating > rating_ceiling:
        raise UnreachableRating()
    if reservation_secs <= 0 or max_active <= 0:
        raise InvalidReservation()
    if expires_at <= now:
        raise InvalidExpiry()
    # Within 65,534 reservations of span a deadline tick is at most one
    # reservation long, so no reservation lasts twice its time.
    if expires_at - now > (constant("MAX_TICK") - 1) * reservation_secs:
        raise ExpiryTooFar()
    uri = len(base_uri.encode("utf-8", "surrogatepass"))
    if uri > constant("MAX_BASE_URI_LEN"):
        raise UriTooLong()
    if (
        not 1 <= roster_capacity <= constant("MAX_ROSTER")
        or batch_size(uri, roster_capacity) > MAX_PERMITTED_DATA_INCREASE
    ):
        raise RosterTooLarge()


__all__ = [
    "LOG_LIMIT",
    "MAX_RATING",
    "MAX_RATINGS_PER_TX",
    "check_batch",
    "event_line_size",
    "rated_log_size",
]
