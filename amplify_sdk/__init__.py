"""Amplify SDK: a typed asyncio client for the Amplify micro-work marketplace.

from amplify_sdk import Amplify

async with await Amplify.embedded() as amp:
    admin = amp.admin()
    await admin.initialize(await admin.create_amp_mint())
    requester = amp.requester()
    batch = await requester.create_batch(price=10_000, redundancy=3)
"""

from . import storage
from ._version import __version__ as __version__
from .chain._backend import (
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
from .chain._embedded import EmbeddedBackend
from .chain._rpc import RpcBackend
from .clients import agent
from .clients._admin import AdminClient
from .clients._client import AmplifyClient, content_hash
from .clients._encrypted import KeyNotFoundError, encrypt_items
from .clients._requester import RequesterClient
from .clients._session import Amplify
from .clients._voter import VoterClient
from .clients._worker import WorkerClient, x25519_public_key
from .clients.agent import AgentStats, KeyAgent, run_agent
from .protocol import _instructions as instructions
from .protocol._codecs import decode_account, decode_event, decode_instruction, encode_instruction
from .protocol._crypto import (
    DecryptionError,
    decrypt_item,
    encrypt_item,
    item_key,
    new_master_key,
    open_result,
    open_sealed_key,
    seal_result,
    x25519_from_signature,
    x25519_secret,
)
from .protocol._exceptions import (
    AccountNotFoundError,
    AccountTypeError,
    AmplifyError,
    InsufficientFundsError,
    InvalidArgumentError,
    ManifestMismatchError,
    NotRegisteredError,
    ProgramError,
    SigningError,
    TransactionError,
    TransactionTooLargeError,
    TransportError,
)
from .protocol._idl import Idl, constant, load_idl
from .protocol._manifest import Upload, manifest_hash, merkle_proof, merkle_root, verify_proof
from .protocol._models import (
    AccountModel,
    Batch,
    BatchStatus,
    Config,
    EmissionParams,
    Governance,
    GovernanceParams,
    ItemOutcome,
    Proposal,
    ProposalStage,
    ProposalStatus,
    ReputationParams,
    RequesterProfile,
    RosterEntry,
    StakeAccount,
    TaskTable,
    Treasury,
    VoteRecord,
    WorkerProfile,
)
from .protocol._pda import (
    PROGRAM_ID,
    batch_pda,
    config_pda,
    requester_profile_pda,
    table_address,
    table_seed,
    treasury_pda,
    worker_profile_pda,
)
from .protocol._program import program_bytes
from .protocol._program_errors import *  # noqa: F403 -- one exception class per program error
from .protocol._program_errors import ERRORS_BY_CODE
from .protocol._program_errors import __all__ as _program_error_names
from .quality import agreement, gold, grading, reputation
from .storage import ContentMismatchError, StorageError, Store

__all__ = [
    "ERRORS_BY_CODE",
    "AgentStats",
    "agent",
    "storage",
    "ContentMismatchError",
    "DecryptionError",
    "KeyAgent",
    "KeyNotFoundError",
    "StorageError",
    "Store",
    "decrypt_item",
    "encrypt_item",
    "encrypt_items",
    "item_key",
    "new_master_key",
    "open_result",
    "open_sealed_key",
    "run_agent",
    "seal_result",
    "x25519_from_signature",
    "x25519_secret",
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
    "AccountTypeError",
    "AmplifyClient",
    "AmplifyError",
    "Backend",
    "Batch",
    "BatchStatus",
    "Config",
    "EmbeddedBackend",
    "EmissionParams",
    "Event",
    "Governance",
    "GovernanceParams",
    "Proposal",
    "ProposalStage",
    "ProposalStatus",
    "StakeAccount",
    "VoteRecord",
    "Idl",
    "InsufficientFundsError",
    "InvalidArgumentError",
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
    "VoterClient",
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
