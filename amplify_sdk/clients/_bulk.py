"""Bulk calls: grouping items by task table, packing them into transactions,
and reading each item's outcome back from the instruction's event."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Sequence

from solders.instruction import Instruction

from ..chain._backend import Event, TxReceipt
from ..protocol._exceptions import ProgramError
from ..protocol._models import Batch, ItemOutcome, TaskTable
from ..protocol._program_errors import ERRORS_BY_CODE, ItemNotFound


def refusal(code: int) -> ProgramError:
    """The typed program error for `code`, as a bulk call reports a skipped item."""
    cls = ERRORS_BY_CODE.get(code)
    if cls is None:
        return ProgramError(f"program error {code}")
    return cls()


def events_named(receipt: TxReceipt, name: str) -> list[Event]:
    return [e for e in receipt.events if e.name == name]


def table_of(tables: Sequence[TaskTable], item: int) -> TaskTable | None:
    """The table holding `item` (tables are contiguous and in order)."""
    lo, hi = 0, len(tables)
    while lo < hi:
        mid = (lo + hi) // 2
        t = tables[mid]
        if item < t.first_item:
            hi = mid
        elif item >= t.first_item + t.capacity:
            lo = mid + 1
        else:
            return t
    return None


Positioned = list[tuple[int, int]]  # (position in the request, item)


def group(
    items: list[int], b: Batch, tables: list[TaskTable]
) -> tuple[dict[int, tuple[TaskTable, Positioned]], list[ItemOutcome | None]]:
    """Items by task table (an instruction covers one table); items that do not
    exist are refused at once."""
    outcomes: list[ItemOutcome | None] = [None] * len(items)
    groups: dict[int, tuple[TaskTable, Positioned]] = {}
    for pos, item in enumerate(items):
        table = table_of(tables, item) if 0 <= item < b.item_count else None
        if table is None:
            outcomes[pos] = ItemOutcome(item, False, ItemNotFound())
            continue
        groups.setdefault(table.index, (table, []))[1].append((pos, item))
    return groups, outcomes


def chunks(
    groups: dict[int, tuple[TaskTable, Positioned]], k: int
) -> Iterable[tuple[TaskTable, Positioned]]:
    for table, entries in groups.values():
        for i in range(0, len(entries), k):
            yield table, entries[i : i + k]


def settle(
    chunk: Positioned,
    receipt: TxReceipt,
    event: str,
    done_field: str,
    outcomes: list[ItemOutcome | None],
) -> None:
    """Outcomes of one bulk instruction from its event: the program handles the
    items in order, so a repeated item's first copy is the one that succeeded."""
    done: Counter[int] = Counter()
    refused: defaultdict[int, deque[int]] = defaultdict(deque)
    for e in events_named(receipt, event):
        done.update(e.fields[done_field])
        for r in e.fields["refused"]:
            refused[r["item"]].append(r["code"])
    for pos, item in chunk:
        if done[item] > 0:
            done[item] -= 1
            outcomes[pos] = ItemOutcome(item, True, signature=receipt.signature)
        elif refused[item]:
            code = refused[item].popleft()
            outcomes[pos] = ItemOutcome(item, False, refusal(code), receipt.signature)
        else:
            # The event must account for every item; a missing one is a bug to see.
            outcomes[pos] = ItemOutcome(
                item, False, ProgramError(f"item {item} missing from {event}"), receipt.signature
            )


async def send_chunks(
    send: Callable[[list[Instruction]], Awaitable[TxReceipt]],
    todo: list[tuple[TaskTable, Positioned]],
    build: Callable[[TaskTable, Positioned], Instruction],
    event: str,
    outcomes: list[ItemOutcome | None],
) -> None:
    """Send one instruction per chunk, in order, and read each item's outcome
    from `event`; a transaction that fails refuses its items and every later
    chunk's with its error (nothing after it is sent)."""
    for n, (table, chunk) in enumerate(todo):
        try:
            receipt = await send([build(table, chunk)])
        except ProgramError as e:
            for _, rest in todo[n:]:
                for pos, item in rest:
                    outcomes[pos] = ItemOutcome(item, False, e)
            return
        settle(chunk, receipt, event, "items", outcomes)


def collect(outcomes: list[ItemOutcome | None]) -> list[ItemOutcome]:
    missing = [i for i, o in enumerate(outcomes) if o is None]
    if missing:
        raise AssertionError(f"no outcome for request positions {missing[:5]}")
    return [o for o in outcomes if o is not None]
