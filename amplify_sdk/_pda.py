"""Program-derived addresses, with the same seeds the IDL declares."""

from __future__ import annotations

from solders.pubkey import Pubkey

from ._idl import load_idl

PROGRAM_ID: Pubkey = load_idl().address

#: Items per item page; item `i` is record `i % 256` of page `i // 256`.
ITEMS_PER_PAGE = 256


def _find(*seeds: bytes) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address(list(seeds), PROGRAM_ID)


def config_pda() -> tuple[Pubkey, int]:
    return _find(b"config")


#: The upgradeable BPF loader, which owns deployed programs and their ProgramData.
BPF_LOADER_UPGRADEABLE = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")


def program_data_pda(program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    """The ProgramData account of an upgradeable program (holds its upgrade authority)."""
    return Pubkey.find_program_address([bytes(program_id)], BPF_LOADER_UPGRADEABLE)[0]


def treasury_pda() -> tuple[Pubkey, int]:
    return _find(b"treasury")


def worker_profile_pda(worker: Pubkey) -> tuple[Pubkey, int]:
    return _find(b"worker", bytes(worker))


def batch_pda(requester: Pubkey, batch_id: int) -> tuple[Pubkey, int]:
    return _find(b"batch", bytes(requester), batch_id.to_bytes(8, "little"))


def page_pda(batch: Pubkey, page_index: int) -> tuple[Pubkey, int]:
    return _find(b"page", bytes(batch), page_index.to_bytes(4, "little"))


def page_of(item_index: int) -> int:
    return item_index // ITEMS_PER_PAGE


def ledger_address(worker: Pubkey, batch_number: int) -> Pubkey:
    """A worker's ledger for one batch: `create_with_seed(worker, seed, program)`
    with seed "lg" + 16 hex digits of the batch number. One per (worker, batch);
    only the worker can create it."""
    return Pubkey.create_with_seed(worker, f"lg{batch_number:016x}", PROGRAM_ID)
