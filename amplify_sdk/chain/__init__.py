"""Chain access: the `Backend` interface and its two implementations.

`EmbeddedBackend` runs the program in an in-process SVM (LiteSVM);
`RpcBackend` speaks JSON-RPC and PubSub to a cluster. Both sign, send and
confirm transactions exactly once, decode the program's errors into typed
exceptions and its events, read accounts and history, and subscribe.
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import _backend
from ._backend import (
    AccountSnapshot,
    Backend,
    DataSize,
    Event,
    LogsNotice,
    Memcmp,
    SignatureInfo,
    Subscription,
    TransactionDetails,
    TxReceipt,
)

if TYPE_CHECKING:
    from ._embedded import EmbeddedBackend
    from ._rpc import RpcBackend

#: The two backends, imported when first asked for: a command line talking
#: to a node never loads the in-process SVM, nor a script using the SVM the
#: HTTP stack.
_BACKENDS = {"EmbeddedBackend": "._embedded", "RpcBackend": "._rpc"}


def __getattr__(name: str) -> Any:
    if name in _BACKENDS:
        return getattr(importlib.import_module(_BACKENDS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Re-bound here so the API reference carries its doc.
AccountFilter = _backend.AccountFilter
"""A `Backend.get_program_accounts` filter: `Memcmp` or `DataSize` (all given must hold)."""

__all__ = [
    "AccountFilter",
    "AccountSnapshot",
    "Backend",
    "DataSize",
    "EmbeddedBackend",
    "Event",
    "LogsNotice",
    "Memcmp",
    "RpcBackend",
    "SignatureInfo",
    "Subscription",
    "TransactionDetails",
    "TxReceipt",
]
