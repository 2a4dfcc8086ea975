"""Instruction builders: pure functions from typed arguments to `Instruction`.

Account order, writable/signer flags and fixed program addresses come from the
IDL; the builders only name the accounts and derive PDAs. Each builder pairs
with `decode_instruction` in `_codecs` for the reverse direction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from solders.instruction import AccountMeta, Instruction
from solders.pubkey import Pubkey

from ._codecs import encode_instruction
from ._idl import load_idl
from ._pda import (
    PROGRAM_ID,
    batch_pda,
    config_pda,
    governance_pda,
    mint_authority_pda,
    program_data_pda,
    proposal_pda,
    requester_profile_pda,
    stake_pda,
    treasury_pda,
    vault_pda,
    vote_pda,
    worker_profile_pda,
)


def build_instruction(
    name: str,
    accounts: Mapping[str, Pubkey],
    args: Mapping[str, Any],
    program_id: Pubkey = PROGRAM_ID,
    remaining: Sequence[AccountMeta] = (),
) -> Instruction:
    """Build instruction `name` from named accounts, in the IDL's order and flags.

    Accounts with a fixed address in the IDL (system program) may be left out;
    an optional account left out is passed as the program id (Anchor's
    convention for "none"). Unknown or missing names raise `ValueError`.
    """
    ix = load_idl().instructions[name]
    known = {a.name for a in ix.accounts}
    unknown = set(accounts) - known
    if unknown:
        raise ValueError(f"{name}: unknown accounts {sorted(unknown)}")
    metas = []
    for item in ix.accounts:
        key = accounts.get(item.name, item.address)
        if key is None and item.optional:
            metas.append(AccountMeta(program_id, is_signer=False, is_writable=False))
            continue
        if key is None:
            raise ValueError(f"{name}: account {item.name!r} is required")
        metas.append(AccountMeta(key, is_signer=item.signer, is_writable=item.writable))
    return Instruction(program_id, encode_instruction(name, args), [*metas, *remaining])


def initialize(admin: Pubkey, amp_mint: Pubkey, fee_bps: int = 500) -> Instruction:
    return build_instruction(
        "initialize",
        {
            "admin": admin,
            "config": config_pda()[0],
            "treasury": treasury_pda()[0],
            "amp_mint": amp_mint,
            "program_data": program_data_pda(),
        },
        {"fee_bps": fee_bps},
    )


def set_paused(admin: Pubkey, paused: bool) -> Instruction:
    return build_instruction(
        "set_paused", {"admin": admin, "config": config_pda()[0]}, {"paused": paused}
    )


def register_worker(worker: Pubkey, encryption_key: bytes) -> Instruction:
    return build_instruction(
        "register_worker",
        {"worker": worker, "profile": worker_profile_pda(worker)[0]},
        {"encryption_key": encryption_key},
    )


def create_batch(requester: Pubkey, batch_id: int, **params: Any) -> Instruction:
    """`params` are the IDL's `create_batch` arguments other than `batch_id`."""
    return build_instruction(
        "create_batch",
        {
            "requester": requester,
            "config": config_pda()[0],
            "batch": batch_pda(requester, batch_id)[0],
        },
        {"batch_id": batch_id, **params},
    )


def grow_roster(requester: Pubkey, batch: Pubkey, extra: int) -> Instruction:
    return build_instruction(
        "grow_roster", {"requester": requester, "batch": batch}, {"extra": extra}
    )


def init_table(requester: Pubkey, batch: Pubkey, table: Pubkey, index: int) -> Instruction:
    return build_instruction(
        "init_table",
        {"requester": requester, "batch": batch, "table": table},
        {"index": index},
    )


def add_tasks(
    requester: Pubkey, batch: Pubkey, table: Pubkey, start_index: int, count: int, root: bytes
) -> Instruction:
    return build_instruction(
        "add_tasks",
        {"requester": requester, "batch": batch, "table": table},
        {"start_index": start_index, "count": count, "root": root},
    )


def set_batch_paused(requester: Pubkey, batch: Pubkey, paused: bool) -> Instruction:
    return build_instruction(
        "set_batch_paused", {"requester": requester, "batch": batch}, {"paused": paused}
    )


def accept_tasks(worker: Pubkey, batch: Pubkey, table: Pubkey, items: Sequence[int]) -> Instruction:
    return build_instruction(
        "accept_tasks",
        {
            "worker": worker,
            "config": config_pda()[0],
            "profile": worker_profile_pda(worker)[0],
            "batch": batch,
            "table": table,
        },
        {"items": list(items)},
    )


def submit_results(
    worker: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    items: Sequence[int],
    answers: bytes,
    result_uri: str = "",
) -> Instruction:
    """`answers`: the same number of bytes (1-64) for every item, concatenated."""
    return build_instruction(
        "submit_results",
        {"worker": worker, "batch": batch, "table": table},
        {"items": list(items), "answers": answers, "result_uri": result_uri},
    )


def release_expired(
    batch: Pubkey, table: Pubkey, requester: Pubkey, worker: Pubkey, items: Sequence[int]
) -> Instruction:
    return build_instruction(
        "release_expired",
        {"batch": batch, "table": table, "requester": requester, "worker": worker},
        {"items": list(items)},
    )


def register_requester(requester: Pubkey) -> Instruction:
    return build_instruction(
        "register_requester",
        {
            "requester": requester,
            "profile": requester_profile_pda(requester)[0],
            "config": config_pda()[0],
        },
        {},
    )


def set_reputation_params(admin: Pubkey, params: Mapping[str, int]) -> Instruction:
    return build_instruction(
        "set_reputation_params",
        {"admin": admin, "config": config_pda()[0]},
        {"params": dict(params)},
    )


def rate_assignments(
    requester: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    ratings: Sequence[tuple[int, int, int, int]],
    profiles: Sequence[Pubkey],
) -> Instruction:
    """`ratings`: (item, worker roster index, stars, index into `profiles`)."""
    return build_instruction(
        "rate_assignments",
        {
            "requester": requester,
            "requester_profile": requester_profile_pda(requester)[0],
            "config": config_pda()[0],
            "batch": batch,
            "table": table,
        },
        {"ratings": [{"item": i, "worker": w, "stars": s, "profile": p} for i, w, s, p in ratings]},
        remaining=[AccountMeta(p, is_signer=False, is_writable=True) for p in profiles],
    )


def cancel_batch(requester: Pubkey, batch: Pubkey) -> Instruction:
    return build_instruction("cancel_batch", {"requester": requester, "batch": batch}, {})


def sweep_fees(batch: Pubkey) -> Instruction:
    return build_instruction("sweep_fees", {"batch": batch, "treasury": treasury_pda()[0]}, {})


def close_batch(requester: Pubkey, batch: Pubkey, tables: Sequence[Pubkey]) -> Instruction:
    return build_instruction(
        "close_batch",
        {"requester": requester, "batch": batch, "treasury": treasury_pda()[0]},
        {},
        remaining=[AccountMeta(t, is_signer=False, is_writable=True) for t in tables],
    )


def deliver_keys(
    authority: Pubkey,
    batch: Pubkey,
    table: Pubkey,
    worker: Pubkey,
    items: Sequence[int],
    sealed_keys: Sequence[bytes],
) -> Instruction:
    """`sealed_keys[i]`: item `items[i]`'s key sealed to the worker (80 bytes)."""
    return build_instruction(
        "deliver_keys",
        {"authority": authority, "batch": batch, "table": table, "worker": worker},
        {"items": list(items), "sealed_keys": list(sealed_keys)},
    )


def initialize_governance(
    admin: Pubkey, amp_mint: Pubkey, params: Mapping[str, int], emission: Mapping[str, int]
) -> Instruction:
    return build_instruction(
        "initialize_governance",
        {
            "admin": admin,
            "config": config_pda()[0],
            "treasury": treasury_pda()[0],
            "governance": governance_pda()[0],
            "vault": vault_pda()[0],
            "amp_mint": amp_mint,
            "mint_authority": mint_authority_pda()[0],
            "program_data": program_data_pda(),
        },
        {"params": dict(params), "emission": dict(emission)},
    )


def stake(owner: Pubkey, owner_tokens: Pubkey, amount: int) -> Instruction:
    return build_instruction(
        "stake",
        {
            "owner": owner,
            "stake_account": stake_pda(owner)[0],
            "owner_tokens": owner_tokens,
            "governance": governance_pda()[0],
            "vault": vault_pda()[0],
            "treasury": treasury_pda()[0],
        },
        {"amount": amount},
    )


def unstake(owner: Pubkey, owner_tokens: Pubkey, amount: int) -> Instruction:
    return build_instruction(
        "unstake",
        {
            "owner": owner,
            "stake_account": stake_pda(owner)[0],
            "owner_tokens": owner_tokens,
            "governance": governance_pda()[0],
            "vault": vault_pda()[0],
            "treasury": treasury_pda()[0],
        },
        {"amount": amount},
    )


def claim(owner: Pubkey) -> Instruction:
    return build_instruction(
        "claim",
        {
            "owner": owner,
            "stake_account": stake_pda(owner)[0],
            "governance": governance_pda()[0],
            "treasury": treasury_pda()[0],
        },
        {},
    )


def create_proposal(proposer: Pubkey, proposal_id: int, action: Mapping[str, Any]) -> Instruction:
    """`action`: `{"SetFee": {"fee_bps": 300}}` and so on (the IDL's ProposalAction)."""
    return build_instruction(
        "create_proposal",
        {
            "proposer": proposer,
            "stake_account": stake_pda(proposer)[0],
            "governance": governance_pda()[0],
            "proposal": proposal_pda(proposal_id)[0],
        },
        {"action": dict(action)},
    )


def cast_vote(voter: Pubkey, proposal: Pubkey, choice: int) -> Instruction:
    return build_instruction(
        "cast_vote",
        {
            "voter": voter,
            "stake_account": stake_pda(voter)[0],
            "proposal": proposal,
            "vote_record": vote_pda(proposal, voter)[0],
        },
        {"choice": choice},
    )


def execute_proposal(
    executor: Pubkey, proposal: Pubkey, extra: Sequence[AccountMeta] = ()
) -> Instruction:
    return build_instruction(
        "execute_proposal",
        {
            "executor": executor,
            "proposal": proposal,
            "governance": governance_pda()[0],
            "config": config_pda()[0],
            "treasury": treasury_pda()[0],
        },
        {},
        remaining=extra,
    )


def claim_emissions(worker: Pubkey, worker_tokens: Pubkey, amp_mint: Pubkey) -> Instruction:
    return build_instruction(
        "claim_emissions",
        {
            "worker": worker,
            "profile": worker_profile_pda(worker)[0],
            "worker_tokens": worker_tokens,
            "governance": governance_pda()[0],
            "amp_mint": amp_mint,
            "mint_authority": mint_authority_pda()[0],
        },
        {},
    )
