"""Deploying the shipped program through the BPF upgradeable loader, as
`solana program deploy` does, resumably.

solders has no builders for the loader's instructions (neither has
solana-py), so they are encoded here. The loader's instructions are bincode:
a u32 LE variant index, then the fields (u32/u64 LE; a byte vector as a u64 LE
length then the bytes):

    0 InitializeBuffer                 [buffer w, authority]
    1 Write { offset u32, bytes }      [buffer w, authority s]
    2 DeployWithMaxDataLen { u64 }     [payer ws, programdata w, program w, buffer w,
                                        rent, clock, system program, authority s]
    3 Upgrade                          [programdata w, program w, buffer w, spill w,
                                        rent, clock, authority s]
    5 Close                            [account w, recipient w, authority s]

and its account states (`UpgradeableLoaderState`, bincode, u32 LE tag):
Buffer (1) = Option<authority> (37 bytes, then the ELF); Program (2) =
programdata address (36 bytes); ProgramData (3) = slot u64, Option<authority>
(45 bytes, then the ELF padded with zeros to the maximum length).

Steps: a buffer account (its keypair saved to a file first, so an interrupted
run finds it again), the ELF written in chunks that fill a 1,232-byte
transaction (sent concurrently; on a resumed run only chunks whose bytes differ
are written), then DeployWithMaxDataLen with the program's keypair, or Upgrade
when the program exists and the wallet is its upgrade authority.
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import ID as SYSTEM_PROGRAM
from solders.system_program import CreateAccountParams, create_account
from solders.sysvar import CLOCK, RENT

from ..chain._tx import PACKET_DATA_SIZE, transaction_size
from ..protocol._exceptions import AmplifyError
from ..protocol._pda import BPF_LOADER_UPGRADEABLE as LOADER
from ..protocol._pda import program_data_pda
from ._client import AmplifyClient

BUFFER_METADATA = 37
PROGRAM_SIZE = 36
PROGRAMDATA_METADATA = 45


def _meta(key: Pubkey, signer: bool = False, writable: bool = False) -> AccountMeta:
    return AccountMeta(key, is_signer=signer, is_writable=writable)


def initialize_buffer(buffer: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(
        LOADER, struct.pack("<I", 0), [_meta(buffer, writable=True), _meta(authority)]
    )


def write(buffer: Pubkey, authority: Pubkey, offset: int, data: bytes) -> Instruction:
    payload = struct.pack("<IIQ", 1, offset, len(data)) + data
    return Instruction(
        LOADER, payload, [_meta(buffer, writable=True), _meta(authority, signer=True)]
    )


def deploy_with_max_data_len(
    payer: Pubkey, program: Pubkey, buffer: Pubkey, authority: Pubkey, max_data_len: int
) -> Instruction:
    return Instruction(
        LOADER,
        struct.pack("<IQ", 2, max_data_len),
        [
            _meta(payer, signer=True, writable=True),
            _meta(program_data_pda(program), writable=True),
            _meta(program, writable=True),
            _meta(buffer, writable=True),
            _meta(RENT),
            _meta(CLOCK),
            _meta(SYSTEM_PROGRAM),
            _meta(authority, signer=True),
        ],
    )


def upgrade(program: Pubkey, buffer: Pubkey, spill: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(
        LOADER,
        struct.pack("<I", 3),
        [
            _meta(program_data_pda(program), writable=True),
            _meta(program, writable=True),
            _meta(buffer, writable=True),
            _meta(spill, writable=True),
            _meta(RENT),
            _meta(CLOCK),
            _meta(authority, signer=True),
        ],
    )


def close(account: Pubkey, recipient: Pubkey, authority: Pubkey) -> Instruction:
    return Instruction(
        LOADER,
        struct.pack("<I", 5),
        [
            _meta(account, writable=True),
            _meta(recipient, writable=True),
            _meta(authority, signer=True),
        ],
    )


def _authority(data: bytes, at: int) -> Pubkey | None:
    return Pubkey.from_bytes(data[at + 1 : at + 33]) if data[at] == 1 else None


class DeployError(AmplifyError):
    """The deployment cannot go on as asked (wrong keypair, foreign program...)."""


@dataclass
class DeployResult:
    program_id: Pubkey
    #: "deployed", "upgraded" or "unchanged".
    action: str
    authority: Pubkey
    buffer: Pubkey | None = None
    chunks: int = 0
    #: Chunks written by this run (a resumed run skips those already right).
    written: int = 0
    transactions: int = 0
    seconds: float = 0.0


def chunk_size(payer: Keypair) -> int:
    """Largest Write payload that fits one transaction paid by `payer`."""
    probe = Keypair().pubkey()
    base = transaction_size([write(probe, payer.pubkey(), 0, b"")], payer, 1)
    size = PACKET_DATA_SIZE - base
    while transaction_size([write(probe, payer.pubkey(), 0, bytes(size))], payer, 1) > (
        PACKET_DATA_SIZE
    ):
        size -= 1
    return size


def load_or_create_keypair(path: Path) -> Keypair:
    if path.exists():
        return Keypair.from_bytes(bytes(json.loads(path.read_text())))
    keypair = Keypair()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(list(bytes(keypair))))
    tmp.chmod(0o600)
    tmp.replace(path)
    return keypair


def new_keypair_file(path: Path) -> Keypair:
    """Replace the keypair kept at `path` by a new one."""
    path.unlink(missing_ok=True)
    return load_or_create_keypair(path)


def forget(path: Path) -> None:
    path.unlink(missing_ok=True)


async def deploy(
    client: AmplifyClient,
    elf: bytes,
    program_id: Pubkey,
    *,
    program_keypair: Keypair | None,
    buffer_file: Path,
    max_len: int | None = None,
    force: bool = False,
    concurrency: int = 16,
    progress: Callable[[int, int], None] | None = None,
) -> DeployResult:
    """Deploy `elf` at `program_id` (or upgrade it); the client's wallet pays
    and is the upgrade authority."""
    t0 = time.perf_counter()
    me = client.address
    backend = client.backend
    sent_before = len(client.receipts)
    program = await backend.get_account(program_id)
    upgrading = program is not None
    if program is not None:
        if program.owner != LOADER or program.data[:4] != struct.pack("<I", 2):
            raise DeployError(f"{program_id} exists and is not an upgradeable program")
        pdata = await backend.get_account(program_data_pda(program_id))
        if pdata is None:
            raise DeployError(f"program {program_id} has no ProgramData account")
        authority = _authority(pdata.data, 12)
        if authority != me:
            raise DeployError(
                f"program {program_id} has upgrade authority {authority}; "
                f"the wallet {me} cannot upgrade it"
            )
        deployed = pdata.data[PROGRAMDATA_METADATA:]
        if deployed.rstrip(b"\0") == elf.rstrip(b"\0") and not force:
            return DeployResult(program_id, "unchanged", me, seconds=time.perf_counter() - t0)
        if len(elf) > len(deployed):
            raise DeployError(
                f"the program is {len(elf):,} bytes; its ProgramData holds "
                f"{len(deployed):,} (extend it first)"
            )
    elif program_keypair is None or program_keypair.pubkey() != program_id:
        raise DeployError(f"deploying a new program at {program_id} needs its keypair")

    buffer = load_or_create_keypair(buffer_file)
    size = BUFFER_METADATA + len(elf)
    current = await backend.get_account(buffer.pubkey())
    if current is not None and (
        current.owner != LOADER or len(current.data) != size or _authority(current.data, 4) != me
    ):
        if current.owner == LOADER and _authority(current.data, 4) == me:
            await client.send([close(buffer.pubkey(), me, me)])
        buffer = new_keypair_file(buffer_file)
        current = None
    if current is None:
        rent = await backend.minimum_balance(size)
        await client.send(
            [
                create_account(
                    CreateAccountParams(
                        from_pubkey=me,
                        to_pubkey=buffer.pubkey(),
                        lamports=rent,
                        space=size,
                        owner=LOADER,
                    )
                ),
                initialize_buffer(buffer.pubkey(), me),
            ],
            [buffer],
        )
        have = bytes(size)
    else:
        have = current.data

    step = chunk_size(client.wallet)
    offsets = list(range(0, len(elf), step))
    written = 0
    gate = asyncio.Semaphore(concurrency)
    for _ in range(3):
        todo = [
            o
            for o in offsets
            if have[BUFFER_METADATA + o : BUFFER_METADATA + o + step] != elf[o : o + step]
        ]
        if not todo:
            break
        done = len(offsets) - len(todo)

        async def put(offset: int) -> None:
            nonlocal done
            async with gate:
                await client.send([write(buffer.pubkey(), me, offset, elf[offset : offset + step])])
            done += 1
            if progress is not None:
                progress(done, len(offsets))

        if progress is not None:
            progress(done, len(offsets))
        await asyncio.gather(*(put(o) for o in todo))
        written += len(todo)
        fresh = await backend.get_account(buffer.pubkey())
        have = fresh.data if fresh is not None else bytes(size)
    if have[BUFFER_METADATA:] != elf:
        raise DeployError(
            f"buffer {buffer.pubkey()} still differs from the program after three passes"
        )

    if upgrading:
        final = await client.send([upgrade(program_id, buffer.pubkey(), me, me)])
    else:
        assert program_keypair is not None
        final = await client.send(
            [
                create_account(
                    CreateAccountParams(
                        from_pubkey=me,
                        to_pubkey=program_id,
                        lamports=await backend.minimum_balance(PROGRAM_SIZE),
                        space=PROGRAM_SIZE,
                        owner=LOADER,
                    )
                ),
                deploy_with_max_data_len(
                    me, program_id, buffer.pubkey(), me, max_len or 2 * len(elf)
                ),
            ],
            [program_keypair],
        )
    # The buffer account is consumed by the loader: nothing left to resume.
    forget(buffer_file)
    # Callable from the next slot only: the caller's next call must work.
    await backend.wait_slot_after(final.signature)
    return DeployResult(
        program_id,
        "upgraded" if upgrading else "deployed",
        me,
        buffer.pubkey(),
        chunks=len(offsets),
        written=written,
        transactions=len(client.receipts) - sent_before,
        seconds=time.perf_counter() - t0,
    )


__all__ = [
    "DeployError",
    "DeployResult",
    "chunk_size",
    "deploy",
    "deploy_with_max_data_len",
    "initialize_buffer",
    "upgrade",
    "write",
]
