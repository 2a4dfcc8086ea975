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
    ledger_address,
    page_of,
    page_pda,
    program_data_pda,
    treasury_pda,
    worker_profile_pda,
)


def build_instruction(
    name: str,
    accounts: Mapping[str, Pubkey],
    args: Mapping[str, Any],
    program_id: Pubkey = PROGRAM_ID,
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
    return Instruction(program_id, encode_instruction(name, args), metas)


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


def create_batch(
    requester: Pubkey,
    batch_id: int,
    *,
    price: int,
    redundancy: int,
    min_rating: int,
    per_worker_cap: int,
    reservation_secs: int,
    expires_at: int,
    encrypted: bool,
    instructions_hash: bytes,
    base_uri: str,
) -> Instruction:
    return build_instruction(
        "create_batch",
        {
            "requester": requester,
            "config": config_pda()[0],
            "batch": batch_pda(requester, batch_id)[0],
        },
        {
            "batch_id": batch_id,
            "price": price,
            "redundancy": redundancy,
            "min_rating": min_rating,
            "per_worker_cap": per_worker_cap,
            "reservation_secs": reservation_secs,
            "expires_at": expires_at,
            "encrypted": encrypted,
            "instructions_hash": instructions_hash,
            "base_uri": base_uri,
        },
    )


def add_tasks(
    requester: Pubkey, batch: Pubkey, start_index: int, hashes: Sequence[bytes]
) -> Instruction:
    return build_instruction(
        "add_tasks",
        {
            "requester": requester,
            "batch": batch,
            "page": page_pda(batch, page_of(start_index))[0],
        },
        {"start_index": start_index, "hashes": list(hashes)},
    )


def set_batch_paused(requester: Pubkey, batch: Pubkey, paused: bool) -> Instruction:
    return build_instruction(
        "set_batch_paused", {"requester": requester, "batch": batch}, {"paused": paused}
    )


def open_ledger(
    worker: Pubkey, batch: Pubkey, batch_number: int, capacity: int, payer: Pubkey | None = None
) -> Instruction:
    """Create `worker`'s ledger for `batch` with `capacity` slots; `payer` (default:
    the worker) pays the rent and gets it back when the ledger closes."""
    return build_instruction(
        "open_ledger",
        {
            "worker": worker,
            "payer": payer or worker,
            "batch": batch,
            "ledger": ledger_address(worker, batch_number),
        },
        {"capacity": capacity},
    )


def grow_ledger(payer: Pubkey, batch: Pubkey, ledger: Pubkey, extra_slots: int) -> Instruction:
    return build_instruction(
        "grow_ledger",
        {"payer": payer, "batch": batch, "ledger": ledger},
        {"extra_slots": extra_slots},
    )


def accept_task(worker: Pubkey, batch: Pubkey, batch_number: int, item_index: int) -> Instruction:
    """Reserve item `item_index` for `worker` in the next slot of its ledger."""
    return build_instruction(
        "accept_task",
        {
            "worker": worker,
            "config": config_pda()[0],
            "profile": worker_profile_pda(worker)[0],
            "batch": batch,
            "page": page_pda(batch, page_of(item_index))[0],
            "ledger": ledger_address(worker, batch_number),
        },
        {"item_index": item_index},
    )


def submit_result(
    worker: Pubkey,
    batch: Pubkey,
    batch_number: int,
    slot: int,
    item_index: int,
    result_hash: bytes,
    result_uri: str = "",
) -> Instruction:
    """Deliver the result of ledger slot `slot` (which holds item `item_index`)."""
    return build_instruction(
        "submit_result",
        {
            "worker": worker,
            "batch": batch,
            "page": page_pda(batch, page_of(item_index))[0],
            "ledger": ledger_address(worker, batch_number),
        },
        {"slot": slot, "result_hash": result_hash, "result_uri": result_uri},
    )


def release_expired(
    batch: Pubkey, ledger: Pubkey, slot: int, item_index: int, requester: Pubkey
) -> Instruction:
    return build_instruction(
        "release_expired",
        {
            "batch": batch,
            "page": page_pda(batch, page_of(item_index))[0],
            "ledger": ledger,
            "requester": requester,
        },
        {"slot": slot},
    )


def rate_assignment(
    requester: Pubkey, batch: Pubkey, ledger: Pubkey, worker: Pubkey, slot: int, stars: int
) -> Instruction:
    return build_instruction(
        "rate_assignment",
        {
            "requester": requester,
            "batch": batch,
            "ledger": ledger,
            "profile": worker_profile_pda(worker)[0],
        },
        {"slot": slot, "stars": stars},
    )


def cancel_batch(requester: Pubkey, batch: Pubkey) -> Instruction:
    return build_instruction("cancel_batch", {"requester": requester, "batch": batch}, {})


def sweep_fees(batch: Pubkey) -> Instruction:
    return build_instruction("sweep_fees", {"batch": batch, "treasury": treasury_pda()[0]}, {})


def close_ledger(ledger: Pubkey, batch: Pubkey, rent_payer: Pubkey) -> Instruction:
    return build_instruction(
        "close_ledger", {"ledger": ledger, "batch": batch, "rent_payer": rent_payer}, {}
    )


def close_page(requester: Pubkey, batch: Pubkey, page_index: int) -> Instruction:
    return build_instruction(
        "close_page",
        {"requester": requester, "batch": batch, "page": page_pda(batch, page_index)[0]},
        {},
    )


def close_batch(requester: Pubkey, batch: Pubkey) -> Instruction:
    return build_instruction(
        "close_batch",
        {"requester": requester, "batch": batch, "treasury": treasury_pda()[0]},
        {},
    )


def create_page(requester: Pubkey, batch: Pubkey, page_index: int) -> Instruction:
    return build_instruction(
        "create_page",
        {"requester": requester, "batch": batch, "page": page_pda(batch, page_index)[0]},
        {"page_index": page_index},
    )
