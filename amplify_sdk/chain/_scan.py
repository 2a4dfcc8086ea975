"""Every program account of a kind: `getProgramAccounts` filtered by the
account's discriminator (and optionally a field), decoded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from solders.pubkey import Pubkey

from ..protocol._codecs import AccountTypeError, fixed_size
from ..protocol._exceptions import AccountNotFoundError
from ..protocol._idl import load_idl
from ..protocol._models import AccountModel, Batch, BatchStatus, TaskTable, WorkerProfile
from ..protocol._pda import table_address
from ._backend import AccountFilter, Backend, Memcmp

M = TypeVar("M", bound=AccountModel)


def field_offset(account: str, field: str) -> int:
    """Byte offset of a fixed-position field in account data (after the
    8-byte discriminator)."""
    offset = 8
    for f in load_idl().types[account]["type"]["fields"]:
        if f["name"] == field:
            return offset
        size = fixed_size(f["type"])
        if size is None:
            break
        offset += size
    raise ValueError(f"{account}.{field} has no fixed offset")


async def scan(backend: Backend, model: type[M], filters: Sequence[AccountFilter] = ()) -> list[M]:
    """Every account of `model`'s type passing `filters`, decoded; an account
    that does not decode (another layout version) is skipped."""
    disc = load_idl().account_discriminators[model.IDL_NAME]
    found = await backend.get_program_accounts(backend.program_id, [Memcmp(0, disc), *filters])
    out = []
    for acc in found:
        try:
            out.append(model.from_account_data(acc.address, acc.data))
        except (AccountTypeError, ValueError):
            continue
    return out


async def batches(
    backend: Backend, *, requester: Pubkey | None = None, status: BatchStatus | None = None
) -> list[Batch]:
    filters: list[AccountFilter] = []
    if requester is not None:
        filters.append(Memcmp(field_offset("Batch", "requester"), bytes(requester)))
    if status is not None:
        filters.append(Memcmp(field_offset("Batch", "status"), bytes([status])))
    return await scan(backend, Batch, filters)


async def profiles(backend: Backend) -> list[WorkerProfile]:
    return await scan(backend, WorkerProfile)


async def tables_of(backend: Backend, b: Batch) -> list[TaskTable]:
    """Batch `b`'s task tables, in item order, with as few calls as the
    backend allows (`getMultipleAccounts`, up to 100 accounts a call over
    RPC). `AccountNotFoundError` for a table missing or not the program's."""
    addresses = [table_address(b.requester, b.batch_number, i) for i in range(b.table_count)]
    tables = []
    for address, acc in zip(addresses, await backend.get_multiple_accounts(addresses), strict=True):
        if acc is None or acc.owner != backend.program_id:
            raise AccountNotFoundError(f"TaskTable account {address} does not exist")
        tables.append(TaskTable.from_account_data(address, acc.data))
    return tables


__all__ = ["batches", "field_offset", "profiles", "scan", "tables_of"]
