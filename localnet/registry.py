"""The table of JSON-RPC methods and what every handler gets to work with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .chain import Chain
from .errors import RpcError
from .faults import Faults
from .params import Params

JSON = Any

#: The Agave release whose RPC this node imitates, the one tests/validator runs
#: (reported by getVersion and in every response context).
API_VERSION = "3.1.12"
FEATURE_SET = 4140108451


@dataclass
class Context:
    chain: Chain
    faults: Faults

    def with_context(self, value: JSON, commitment: str = "finalized") -> dict[str, JSON]:
        slot = self.chain.commitment_slot(commitment)
        return {"context": {"slot": slot, "apiVersion": API_VERSION}, "value": value}

    def commitment(self, config: dict[str, JSON], key: str = "commitment") -> str:
        """The commitment a request asks for (`finalized` when it names none,
        as Agave's RPC); refused when unknown."""
        raw = config.get(key)
        if raw is None:
            return "finalized"
        level = _COMMITMENT_ALIASES.get(raw) if isinstance(raw, str) else None
        if level is None:
            raise RpcError.invalid_params(f"Invalid commitment: {raw!r}")
        return level

    def check_min_context_slot(self, config: dict[str, JSON]) -> str:
        """Refuse a request whose `minContextSlot` the bank at its commitment
        has not reached; the commitment."""
        level = self.commitment(config)
        slot = self.chain.commitment_slot(level)
        wanted = config.get("minContextSlot")
        if isinstance(wanted, int) and wanted > slot:
            raise RpcError.min_context_slot(slot)
        return level


#: Commitment names, with the deprecated aliases Agave still accepts.
_COMMITMENT_ALIASES = {
    "processed": "processed",
    "recent": "processed",
    "confirmed": "confirmed",
    "single": "confirmed",
    "singleGossip": "confirmed",
    "finalized": "finalized",
    "root": "finalized",
    "max": "finalized",
}

Handler = Callable[[Context, Params], JSON]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        METHODS[name] = fn
        return fn

    return register


def call(ctx: Context, name: str, params: JSON) -> JSON:
    handler = METHODS.get(name)
    if handler is None:
        raise RpcError.method_not_found()
    return handler(ctx, Params(params))
