"""Chain access: the `Backend` interface and its two implementations.

`EmbeddedBackend` runs the program in an in-process SVM (LiteSVM);
`RpcBackend` speaks JSON-RPC and PubSub to a cluster. Both sign, send and
confirm transactions exactly once, decode the program's errors into typed
exceptions and its events, read accounts and history, and subscribe.
"""

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
from ._embedded import EmbeddedBackend
from ._rpc import RpcBackend

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
