"""Amplify SDK: a typed asyncio client for the Amplify micro-work marketplace.

from amplify_sdk import Amplify

async with await Amplify.embedded() as amp:
    admin = amp.admin()
    await admin.initialize(await admin.create_amp_mint())
    requester = amp.requester()
    batch = await requester.create_batch(price=10_000, redundancy=3)
"""

from . import _instructions as instructions

# Public submodules (reputation twin, agreement and gold grading).
from . import agreement, gold, grading, reputation
from ._admin import AdminClient
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
    InsufficientFundsError,
    ManifestMismatchError,
    NotRegisteredError,
    ProgramError,
    SigningError,
    TransactionError,
    TransactionTooLargeError,
    TransportError,
)
from ._idl import Idl, constant, load_idl
from ._manifest import Upload, manifest_hash, merkle_proof, merkle_root, verify_proof
from ._models import (
    AccountModel,
    Batch,
    BatchStatus,
    Config,
    ItemOutcome,
    ReputationParams,
    RequesterProfile,
    RosterEntry,
    TaskTable,
    Treasury,
    WorkerProfile,
)
from ._pda import (
    PROGRAM_ID,
    batch_pda,
    config_pda,
    requester_profile_pda,
    table_address,
    table_seed,
    treasury_pda,
    worker_profile_pda,
)
from ._program import program_bytes
from ._program_errors import *  # noqa: F403 -- one exception class per program error
from ._program_errors import ERRORS_BY_CODE
from ._program_errors import __all__ as _program_error_names
from ._requester import RequesterClient
from ._rpc import RpcBackend
from ._session import Amplify
from ._worker import WorkerClient, x25519_public_key

__version__ = "0.2.0"

__all__ = [
    "ERRORS_BY_CODE",
    "PROGRAM_ID",
    "AccountModel",
    "AccountFilter",
    "AccountNotFoundError",
    "AccountSnapshot",
    "AdminClient",
    "Amplify",
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
    "Batch",
    "BatchStatus",
    "Config",
    "EmbeddedBackend",
    "Event",
    "Idl",
    "InsufficientFundsError",
    "ItemOutcome",
    "ManifestMismatchError",
    "NotRegisteredError",
    "ProgramError",
    "RequesterClient",
    "RequesterProfile",
    "ReputationParams",
    "RosterEntry",
    "SigningError",
    "TaskTable",
    "TransactionError",
    "TransactionTooLargeError",
    "TransportError",
    "Treasury",
    "TxReceipt",
    "Upload",
    "WorkerClient",
    "WorkerProfile",
    "agreement",
    "batch_pda",
    "config_pda",
    "constant",
    "content_hash",
    "decode_account",
    "decode_event",
    "decode_instruction",
    "encode_instruction",
    "gold",
    "grading",
    "instructions",
    "load_idl",
    "manifest_hash",
    "merkle_proof",
    "merkle_root",
    "program_bytes",
    "reputation",
    "requester_profile_pda",
    "table_address",
    "table_seed",
    "treasury_pda",
    "verify_proof",
    "worker_profile_pda",
    "x25519_public_key",
    *[n for n in _program_error_names if n != "ERRORS_BY_CODE"],
]
