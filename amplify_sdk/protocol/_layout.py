"""Account sizes the SDK plans with, from the IDL's layouts and the runtime's
limits: how large a task table or a batch is, and how many items fit."""

from __future__ import annotations

from ._codecs import prefix_size, type_size

#: The runtime's largest account (a top-level allocation may reach it).
MAX_ACCOUNT_SIZE = 10 * 1024 * 1024
#: The most one instruction may grow (or create through a CPI) an account by.
MAX_PERMITTED_DATA_INCREASE = 10 * 1024
#: Bytes of a task table before its first slot: fixed fields + vector length.
TABLE_HEADER = prefix_size("TaskTable") + 4
#: One assignment's slot in a task table.
SLOT_SIZE = type_size("Slot")
#: One roster place in a batch: the entry and its `order` u16.
ROSTER_PLACE_SIZE = type_size("RosterEntry") + 2


def table_size(capacity: int, redundancy: int) -> int:
    """Bytes of a task table holding `capacity` items of `redundancy` slots."""
    return TABLE_HEADER + capacity * redundancy * SLOT_SIZE


def max_table_items(redundancy: int) -> int:
    """Most items one task table (one 10 MiB account) can hold."""
    return (MAX_ACCOUNT_SIZE - TABLE_HEADER) // (redundancy * SLOT_SIZE)


def plan_tables(items: int, redundancy: int) -> list[int]:
    """Capacities of the task tables to allocate for `items` more items: as few
    accounts as possible, each exactly as large as needed."""
    per = max_table_items(redundancy)
    out = []
    while items > 0:
        out.append(min(per, items))
        items -= out[-1]
    return out


def batch_size(base_uri_len: int, roster_capacity: int) -> int:
    """Bytes of a batch account: its fixed fields, the base URI (with its
    length), the roster and order vectors' lengths and `roster_capacity`
    places."""
    return prefix_size("Batch") + 4 + base_uri_len + 8 + roster_capacity * ROSTER_PLACE_SIZE


__all__ = [
    "MAX_ACCOUNT_SIZE",
    "MAX_PERMITTED_DATA_INCREASE",
    "ROSTER_PLACE_SIZE",
    "SLOT_SIZE",
    "TABLE_HEADER",
    "batch_size",
    "max_table_items",
    "plan_tables",
    "table_size",
]
