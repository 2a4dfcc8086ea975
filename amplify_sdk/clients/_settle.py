"""What `settle_items` can settle, read from a batch's task tables: the open
slots of items, and the items a request would have refused (checked before
anything is sent)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..protocol._models import Batch, ItemOutcome, TaskTable
from ..protocol._program_errors import ItemFull, ItemSettled
from ._bulk import Positioned, group


def open_slots(tables: list[TaskTable], items: Iterable[int]) -> dict[int, int]:
    """Of `items`, those with open slots, and how many each has."""
    wanted = set(items)
    out: dict[int, int] = {}
    for t in tables:
        per_item = np.asarray(t.open().sum(axis=1))
        for row in np.flatnonzero(per_item):
            item = int(row) + t.first_item
            if item in wanted:
                out[item] = int(per_item[row])
    return out


def plan(
    items: list[int], b: Batch, tables: list[TaskTable]
) -> tuple[dict[int, tuple[TaskTable, Positioned]], list[ItemOutcome | None]]:
    """The items to send, by table, and the outcomes of those refused here, as
    the program would: an item that does not exist (`ItemNotFound`), is
    settled or listed again after a copy to send (`ItemSettled`), or has no
    open slot (`ItemFull`)."""
    groups, outcomes = group(items, b, tables)
    seen: set[int] = set()
    for key, (table, entries) in list(groups.items()):
        keep: Positioned = []
        has_open = np.asarray(table.open().any(axis=1))
        was_settled = np.asarray(table.settled().any(axis=1))
        for pos, item in entries:
            row = item - table.first_item
            if item in seen or (was_settled[row] and not has_open[row]):
                outcomes[pos] = ItemOutcome(item, False, ItemSettled())
            elif not has_open[row]:
                outcomes[pos] = ItemOutcome(item, False, ItemFull())
            else:
                # A second copy finds the item settled by the first.
                keep.append((pos, item))
                seen.add(item)
        groups[key] = (table, keep)
    return groups, outcomes
