"""TEST-ONLY fault injection.

Off unless the node is started with `faults=True` (`--test-faults` on the
command line); then `POST /_localnet/faults` on the RPC port, or the
`LocalNode.faults` object in process, arms faults that make the node misbehave
the way real RPC providers do, so clients' retry logic can be tested against a
real server. Never enable it on a node anything but a test talks to.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass
class Faults:
    #: Execute the next N sendTransaction calls, then close the connection
    #: without answering (the transaction landed, the client sees a drop).
    drop_send_responses: int = 0
    #: Answer the next N HTTP requests with 429 Too Many Requests (not executed).
    http_429: int = 0
    #: Answer the next N HTTP requests with 503 Service Unavailable (not executed).
    http_503: int = 0
    #: Delay every HTTP response by this many seconds.
    delay_seconds: float = 0.0
    #: The next N submitted transactions are accepted (signature returned) but
    #: their blockhash expires before they execute: they never land.
    expire_next_blockhash: int = 0
    #: Refuse the next N websocket connections (HTTP 503 on the upgrade).
    refuse_websockets: int = 0
    #: Transactions sent are included this many slots later (a busy leader,
    #: or forwarding through several hops), not at once; 0 is off.
    delay_send_slots: int = 0
    #: getSignaturesForAddress leaves out the transactions of the newest N
    #: slots (a validator's address index lags its confirmations); 0 is off.
    history_lag_slots: int = 0

    def take(self, name: str) -> bool:
        """Consume one unit of a counted fault; True if it was armed."""
        value = getattr(self, name)
        if value > 0:
            setattr(self, name, value - 1)
            return True
        return False

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}")
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"fault {key!r} needs a non-negative number")
            setattr(self, key, float(value) if key == "delay_seconds" else int(value))

    def clear(self) -> None:
        for f in fields(self):
            setattr(self, f.name, f.default)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
