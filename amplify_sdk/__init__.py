"""Amplify SDK: a typed asyncio client for the Amplify micro-work marketplace.

```python
from amplify_sdk import Amplify

async with await Amplify.embedded() as amp:
    admin = amp.admin()
    await admin.initialize(await admin.create_amp_mint())
    requester = amp.requester()
    batch = await requester.create_batch(price=10_000, redundancy=3)
```

The package is layered; each layer imports only those below it:

- `amplify_sdk.protocol`: the IDL, codecs, account models, addresses,
  instruction builders, item commitments and encryption; pure, no I/O.
- `amplify_sdk.chain`: the `Backend` interface, `EmbeddedBackend` (LiteSVM in
  process) and `RpcBackend` (JSON-RPC and PubSub).
- `amplify_sdk.storage`: where item blobs, manifests and proofs are kept
  (local, HTTP, IPFS, Arweave).
- `amplify_sdk.clients`: `Amplify` and the requester, worker, voter and admin
  clients; the key agent.
- `amplify_sdk.quality`: agreement, gold answers, grading, the reputation rule
  and its simulation.
- `amplify_sdk.cli`: the `amplify` command (extra `[cli]`).

`amplify_sdk.errors` has every exception. This top level re-exports what a
user reaches for first.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from solders.pubkey import Pubkey as _Pubkey

from . import _version

# Constants are re-bound here so the API reference carries their docs.
__version__ = _version.__version__
"""The package's version: the IDL's, also `amplify --version`'s."""

if _TYPE_CHECKING:
    from . import chain, clients, errors, protocol, quality, storage
    from .chain import EmbeddedBackend, RpcBackend
    from .clients import (
        AdminClient,
        Amplify,
        AmplifyClient,
        BatchParams,
        KeyAgent,
        RequesterClient,
        VoterClient,
        WorkerClient,
        content_hash,
    )
    from .errors import (
        AmplifyError,
        ForgeableGateError,
        InsufficientFundsError,
        InvalidArgumentError,
        NotRegisteredError,
        ProgramError,
        TransactionError,
        TransportError,
    )
    from .protocol import (
        Batch,
        BatchStatus,
        Config,
        ItemOutcome,
        RequesterProfile,
        Upload,
        WorkerProfile,
        instructions,
    )
    from .storage import LocalStore, Store

# Loaded on first use (PEP 562): `import amplify_sdk` and the `amplify`
# command's start stay fast; `from amplify_sdk import Amplify` works as ever.
_HOME = {
    **dict.fromkeys(("EmbeddedBackend", "RpcBackend"), "chain"),
    **dict.fromkeys(
        (
            "AdminClient",
            "Amplify",
            "AmplifyClient",
            "BatchParams",
            "KeyAgent",
            "RequesterClient",
            "VoterClient",
            "WorkerClient",
            "content_hash",
        ),
        "clients",
    ),
    **dict.fromkeys(
        (
            "AmplifyError",
            "ForgeableGateError",
            "InsufficientFundsError",
            "InvalidArgumentError",
            "NotRegisteredError",
            "ProgramError",
            "TransactionError",
            "TransportError",
        ),
        "errors",
    ),
    **dict.fromkeys(
        (
            "Batch",
            "BatchStatus",
            "Config",
            "ItemOutcome",
            "RequesterProfile",
            "Upload",
            "WorkerProfile",
            "instructions",
            "PROGRAM_ID",
        ),
        "protocol",
    ),
    **dict.fromkeys(("LocalStore", "Store"), "storage"),
}
_LAYERS = ("protocol", "chain", "storage", "clients", "quality", "errors")

PROGRAM_ID: _Pubkey
"""The program's address (the IDL's `address`)."""


def __getattr__(name: str) -> _Any:
    if name in _LAYERS:
        return _importlib.import_module(f".{name}", __name__)
    if name in _HOME:
        value = getattr(_importlib.import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "__version__",
    # Sessions and roles
    "Amplify",
    "RequesterClient",
    "WorkerClient",
    "VoterClient",
    "AdminClient",
    "AmplifyClient",
    "BatchParams",
    "KeyAgent",
    "content_hash",
    # Backends
    "EmbeddedBackend",
    "RpcBackend",
    # What the program holds
    "PROGRAM_ID",
    "Batch",
    "BatchStatus",
    "Config",
    "ItemOutcome",
    "RequesterProfile",
    "WorkerProfile",
    "Upload",
    "instructions",
    # Item storage
    "Store",
    "LocalStore",
    # Errors (every one: `amplify_sdk.errors`)
    "AmplifyError",
    "ProgramError",
    "TransactionError",
    "TransportError",
    "InsufficientFundsError",
    "ForgeableGateError",
    "InvalidArgumentError",
    "NotRegisteredError",
    # The layers
    "protocol",
    "chain",
    "storage",
    "clients",
    "quality",
    "errors",
]
