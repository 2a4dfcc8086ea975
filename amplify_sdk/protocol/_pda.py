"""Addresses of the program's accounts, with the seeds the IDL declares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from solders.pubkey import Pubkey

from ._idl import load_idl

#: The program's address, from the IDL: this build's default.
PROGRAM_ID: Pubkey = load_idl().address

# The deployment the SDK talks to in this context: PROGRAM_ID unless a session
# for a program built for another address says so (`using_program`).
_PROGRAM: ContextVar[Pubkey] = ContextVar("amplify_program_id", default=PROGRAM_ID)


def current_program() -> Pubkey:
    """The program address that addresses, instructions and reads use here:
    `PROGRAM_ID`, or the one a session set (`Amplify.connect(..., program_id=)`)."""
    return _PROGRAM.get()


@contextmanager
def using_program(program: Pubkey) -> Iterator[None]:
    """Derive addresses and build instructions for the program at `program`
    within this block (in this thread or task, and tasks it starts)."""
    token = _PROGRAM.set(program)
    try:
        yield
    finally:
        _PROGRAM.reset(token)


#: The upgradeable BPF loader, which owns deployed programs and their ProgramData.
BPF_LOADER_UPGRADEABLE = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")


def _find(*seeds: bytes) -> tuple[Pubkey, int]:
    return Pubkey.find_program_address(list(seeds), current_program())


def config_pda() -> tuple[Pubkey, int]:
    """The program's Config (fee rate, admin, pause): seeds `config`."""
    return _find(b"config")


def treasury_pda() -> tuple[Pubkey, int]:
    """The Treasury, which receives the protocol fee: seeds `treasury`."""
    return _find(b"treasury")


def program_data_pda(program_id: Pubkey | None = None) -> Pubkey:
    """The ProgramData account of an upgradeable program (holds its upgrade
    authority) [default: the current program]."""
    program = program_id or current_program()
    return Pubkey.find_program_address([bytes(program)], BPF_LOADER_UPGRADEABLE)[0]


def worker_profile_pda(worker: Pubkey) -> tuple[Pubkey, int]:
    """A worker's profile (rating, skills, encryption key): seeds `worker`, worker."""
    return _find(b"worker", bytes(worker))


def requester_profile_pda(requester: Pubkey) -> tuple[Pubkey, int]:
    """A requester's profile (its ratings, batch counter): seeds `requester`, requester."""
    return _find(b"requester", bytes(requester))


def batch_pda(requester: Pubkey, batch_id: int) -> tuple[Pubkey, int]:
    """A requester's batch number `batch_id`: seeds `batch`, requester, id (u64 LE)."""
    return _find(b"batch", bytes(requester), batch_id.to_bytes(8, "little"))


def table_seed(batch_number: int, index: int) -> str:
    """Seed of a batch's task table: the IDL's TABLE_SEED_PREFIX, hex16(batch
    number), hex4(index)."""
    prefix = load_idl().constants["TABLE_SEED_PREFIX"]
    return f"{prefix}{batch_number:016x}{index:04x}"


def table_address(requester: Pubkey, batch_number: int, index: int) -> Pubkey:
    """Task table `index` of a batch: `create_with_seed(requester, table_seed,
    program)`. Not a PDA: the requester allocates it with a top-level
    instruction (up to 10 MiB), which a PDA cannot sign for."""
    return Pubkey.create_with_seed(requester, table_seed(batch_number, index), current_program())


def governance_pda() -> tuple[Pubkey, int]:
    """The governance account (parameters, proposal counter): seeds `governance`."""
    return _find(b"governance")


def vault_pda() -> tuple[Pubkey, int]:
    """The AMP token vault holding stakes: seeds `vault`."""
    return _find(b"vault")


def mint_authority_pda() -> tuple[Pubkey, int]:
    """The AMP mint's authority (emissions): seeds `mint_authority`."""
    return _find(b"mint_authority")


def stake_pda(owner: Pubkey) -> tuple[Pubkey, int]:
    """An owner's stake account: seeds `stake`, owner."""
    return _find(b"stake", bytes(owner))


def proposal_pda(proposal_id: int) -> tuple[Pubkey, int]:
    """Proposal number `proposal_id`: seeds `proposal`, id (u64 LE)."""
    return _find(b"proposal", proposal_id.to_bytes(8, "little"))


def vote_pda(proposal: Pubkey, voter: Pubkey) -> tuple[Pubkey, int]:
    """A voter's vote record on a proposal: seeds `vote`, proposal, voter."""
    return _find(b"vote", bytes(proposal), bytes(voter))
