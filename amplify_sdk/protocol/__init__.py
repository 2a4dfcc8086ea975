"""The protocol: what the program defines, as data — no I/O.

The IDL and the codecs generated from it, the account models, the program's
addresses, the instruction builders, the Merkle commitments of a batch's items
and the encryption of items and keys. Everything here is a pure function of its
inputs; `amplify_sdk.chain` sends what is built here.
"""

from . import _instructions as instructions
from . import _pda
from ._codecs import (
    account_size,
    decode_account,
    decode_event,
    decode_instruction,
    encode_instruction,
)
from ._crypto import (
    decrypt_item,
    encrypt_item,
    item_key,
    new_master_key,
    open_result,
    open_sealed_key,
    seal_key,
    seal_result,
    x25519_from_signature,
    x25519_public,
    x25519_secret,
)
from ._fee import fee_of
from ._idl import Idl, constant, load_idl
from ._manifest import Upload, manifest_hash, merkle_proof, merkle_root, verify_proof
from ._models import (
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
from ._pda import (
    batch_pda,
    config_pda,
    current_program,
    governance_pda,
    mint_authority_pda,
    program_data_pda,
    proposal_pda,
    requester_profile_pda,
    stake_pda,
    table_address,
    table_seed,
    treasury_pda,
    using_program,
    vault_pda,
    vote_pda,
    worker_profile_pda,
)
from ._program import program_bytes
from ._skill import (
    BatchSkills,
    Skill,
    SkillTree,
    batch_skills_pda,
    encode_skill_proofs,
    skill_leaf,
    skill_node,
    skill_pda,
    verify_skill_proof,
)

# Constants are re-bound here so the API reference carries their docs.
PROGRAM_ID = _pda.PROGRAM_ID
"""The program's address (the IDL's `address`): this build's, the default of
`current_program()`."""

__all__ = [
    # The interface and its codecs
    "Idl",
    "load_idl",
    "constant",
    "fee_of",
    "account_size",
    "decode_account",
    "decode_event",
    "decode_instruction",
    "encode_instruction",
    "instructions",
    "program_bytes",
    # Addresses
    "PROGRAM_ID",
    "current_program",
    "using_program",
    "batch_pda",
    "config_pda",
    "governance_pda",
    "mint_authority_pda",
    "program_data_pda",
    "proposal_pda",
    "requester_profile_pda",
    "stake_pda",
    "table_address",
    "table_seed",
    "treasury_pda",
    "vault_pda",
    "vote_pda",
    "worker_profile_pda",
    "skill_pda",
    "batch_skills_pda",
    # Skills
    "Skill",
    "BatchSkills",
    "SkillTree",
    "skill_leaf",
    "skill_node",
    "verify_skill_proof",
    "encode_skill_proofs",
    # Accounts and outcomes
    "AccountModel",
    "Batch",
    "BatchStatus",
    "Config",
    "EmissionParams",
    "Governance",
    "GovernanceParams",
    "ItemOutcome",
    "Proposal",
    "ProposalStage",
    "ProposalStatus",
    "ReputationParams",
    "RequesterProfile",
    "RosterEntry",
    "StakeAccount",
    "TaskTable",
    "Treasury",
    "VoteRecord",
    "WorkerProfile",
    # Item commitments
    "Upload",
    "manifest_hash",
    "merkle_proof",
    "merkle_root",
    "verify_proof",
    # Encryption of items, keys and results
    "new_master_key",
    "item_key",
    "encrypt_item",
    "decrypt_item",
    "seal_key",
    "open_sealed_key",
    "seal_result",
    "open_result",
    "x25519_from_signature",
    "x25519_public",
    "x25519_secret",
]
