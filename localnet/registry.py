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

#: The Agave release whose RPC this node imitates (reported by getVersion and
#: in every response context).
API_VERSION = "2.2.20"
FEATURE_SET = 3294202862


@dataclass
class Context:
    chain: Chain
    faults: Faults

    def context(self) -> dict[str, JSON]:
        return {"slot": self.chain.slot, "apiVersion": API_VERSION}

    def with_context(self, value: JSON) -> dict[str, JSON]:
        return {"context": {"slot": self.chain.slot, "apiVersion": API_VERSION}, "value": value}

    def check_min_context_slot(self, config: dict[str, JSON]) -> None:
        wanted = config.get("minContextSlot")
        if isinstance(wanted, int) and wanted > self.chain.slot:
            raise RpcError.min_context_slot(self.chain.slot)


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
