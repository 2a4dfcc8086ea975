"""Reading items to upload from a file or a folder, all validated before
anything is sent.

- CSV with a header: the item is the first of the columns `text` (UTF-8
  text), `data` (base64 bytes) or `path` (a file, relative to the CSV's folder)
  that the header has; other columns are ignored.
- JSONL: one JSON object per line with `text`, `data` or `path` as above
  (blank lines are skipped); other keys are ignored (e.g. a hidden label).
- A folder: every regular file in it (not below it), sorted by name.

An item is committed on chain by its content hash: sha256 of its bytes.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ._context import UserError

FIELDS = ("text", "data", "path")


class InputError(UserError):
    """A bad row: names the file and line."""


@dataclass(frozen=True)
class Bad:
    path: Path
    line: int
    message: str


def _item_bytes(field: str, value: object, base: Path) -> bytes | str:
    """The item's bytes, or what is wrong with the value."""
    if not isinstance(value, str):
        return f"{field!r} must be a string"
    if value == "":
        return f"empty {field!r}"
    if field == "text":
        return value.encode()
    if field == "data":
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return "'data' is not valid base64"
    target = base / value
    try:
        return target.read_bytes() if target.is_file() else f"no file {value!r}"
    except OSError as e:
        return f"cannot read {value!r}: {e.strerror}"


def _csv_rows(path: Path) -> Iterator[tuple[int, bytes | str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            return
        field = next((name for name in FIELDS if name in header), None)
        if field is None:
            yield 1, f"the header has no column named {', '.join(FIELDS)}"
            return
        col = header.index(field)
        line = reader.line_num + 1
        try:
            for row in reader:
                if row:  # csv yields [] for a blank line
                    if len(row) != len(header):
                        yield line, f"{len(row)} fields where the header has {len(header)}"
                    else:
                        yield line, _item_bytes(field, row[col], path.parent)
                line = reader.line_num + 1
        except csv.Error as e:
            # The reader stops at the first malformed record: name its line.
            raise InputError(f"{path}:{line}: {_csv_problem(e)}; nothing was sent") from None


def _csv_problem(e: csv.Error) -> str:
    if "field limit" in str(e):
        limit = csv.field_size_limit()
        return (
            f"a field longer than the CSV limit of {limit // 1024} KiB ({limit:,} characters): "
            "put big items in files (a 'path' column) or in JSONL"
        )
    return f"malformed CSV ({e})"


def _jsonl_rows(path: Path) -> Iterator[tuple[int, bytes | str]]:
    with path.open(encoding="utf-8") as f:
        for line, text in enumerate(f, 1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as e:
                yield line, f"invalid JSON ({e.msg} at column {e.colno})"
                continue
            if not isinstance(obj, dict):
                yield line, "not a JSON object"
                continue
            field = next((name for name in FIELDS if name in obj), None)
            if field is None:
                yield line, f"no key named {', '.join(FIELDS)}"
                continue
            yield line, _item_bytes(field, obj[field], path.parent)


def _dir_rows(path: Path) -> Iterator[tuple[int, bytes | str]]:
    files = sorted(p for p in path.iterdir() if p.is_file())
    for n, p in enumerate(files, 1):
        try:
            yield n, p.read_bytes()
        except OSError as e:
            yield n, f"cannot read {p.name}: {e.strerror}"


def read_hashes(path: Path, *, allow_duplicates: bool = False) -> list[bytes]:
    """Every item's content hash, in order; `InputError` naming the first bad
    row (file:line) and how many rows are bad, before anything is sent. An
    item twice (the same bytes) is refused, naming both lines, unless
    `allow_duplicates`: each copy would be paid for."""
    return _read(path, lambda item: hashlib.sha256(item).digest(), allow_duplicates)


def read_items(path: Path, *, allow_duplicates: bool = False) -> list[bytes]:
    """Every item's bytes, in order (an encrypted upload encrypts them);
    checked as `read_hashes` checks them."""
    return _read(path, bytes, allow_duplicates)


def _read(path: Path, keep: Callable[[bytes], bytes], allow_duplicates: bool) -> list[bytes]:
    """`keep(item)` for every item of the file or folder, all rows checked."""
    if path.is_dir():
        rows = _dir_rows(path)
    elif not path.is_file():
        raise UserError(f"{path}: no such file or folder")
    elif path.suffix.lower() == ".csv":
        rows = _csv_rows(path)
    elif path.suffix.lower() in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path)
    else:
        raise UserError(f"{path}: give a .csv or .jsonl file or a folder")
    kept: list[bytes] = []
    bad: list[Bad] = []
    #: The line of each item's first copy (by content hash).
    first_copy: dict[bytes, int] = {}
    try:
        for line, item in rows:
            if isinstance(item, str):
                bad.append(Bad(path, line, item))
                continue
            kept.append(keep(item))
            if not allow_duplicates:
                seen = first_copy.setdefault(hashlib.sha256(item).digest(), line)
                if seen != line:
                    again = f"the same item as line {seen}: remove it, or pass --allow-duplicates"
                    bad.append(Bad(path, line, again + " to pay for each copy"))
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    if bad:
        first = bad[0]
        more = f" (and {len(bad) - 1} more bad rows)" if len(bad) > 1 else ""
        raise InputError(f"{first.path}:{first.line}: {first.message}{more}; nothing was sent")
    if not kept:
        raise InputError(f"{path}: no items")
    return kept
