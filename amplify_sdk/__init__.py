"""Amplify SDK: a typed asyncio client for the Amplify micro-work marketplace.

from amplify_sdk import AmplifyClient

async with await AmplifyClient.embedded() as client:
    mint = await client.create_amp_mint()
    config = await client.initialize(mint)
"""

from . import _instructions as instructions
from ._backend import (
    AccountFilter,
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
from ._client import AmplifyClient, content_hash
from ._codecs import decode_account, decode_event, decode_instruction, encode_instruction
from ._embedded import EmbeddedBackend
from ._exceptions import (
    AccountNotFoundError,
    AmplifyError,
    ProgramError,
    SigningError,
    TransactionError,
    TransactionTooLargeError,
    TransportError,
)
from ._idl import Idl, load_idl
from ._models import (
    AccountModel,
    Batch,
    BatchStatus,
    Config,
    ItemPage,
    ItemRecord,
    Ledger,
    Slot,
    SlotStatus,
    Treasury,
    WorkerProfile,
)
from ._packing import pack
from ._pda import (
    ITEMS_PER_PAGE,
    PROGRAM_ID,
    batch_pda,
    config_pda,
    ledger_address,
    page_pda,
    treasury_pda,
    worker_profile_pda,
)
from ._program import program_bytes
from ._program_errors import *  # noqa: F403 -- one exception class per program error
from ._program_errors import ERRORS_BY_CODE
from ._program_errors import __all__ as _program_error_names
from ._rpc import RpcBackend

__version__ = "0.1.0"

__all__ = [
    "ERRORS_BY_CODE",
    "ITEMS_PER_PAGE",
    "PROGRAM_ID",
    "AccountModel",
    "Batch",
    "BatchStatus",
    "ItemPage",
    "ItemRecord",
    "Ledger",
    "Slot",
    "SlotStatus",
    "WorkerProfile",
    "ledger_address",
    "batch_pda",
    "content_hash",
    "pack",
    "page_pda",
    "worker_profile_pda",
    "AccountFilter",
    "AccountNotFoundError",
    "AccountSnapshot",
    "DataSize",
    "LogsNotice",
    "Memcmp",
    "RpcBackend",
    "SignatureInfo",
    "Subscription",
    "TransactionDetails",
    "AmplifyClient",
    "AmplifyError",
    "Backend",
    "Config",
    "EmbeddedBackend",
    "Event",
    "Idl",
    "ProgramError",
    "SigningError",
    "TransactionError",
    "TransactionTooLargeError",
    "TransportError",
    "Treasury",
    "TxReceipt",
    "config_pda",
    "decode_account",
    "decode_event",
    "decode_instruction",
    "encode_instruction",
    "instructions",
    "load_idl",
    "program_bytes",
    "treasury_pda",
    *[n for n in _program_error_names if n != "ERRORS_BY_CODE"],
]
