"""The upload journal: a SQLite file beside the input that survives `kill -9`
at any instant.

It holds the batch, every item's content hash in order, and each upload
(start, count, root): written `pending` (committed) before its transaction is
sent, `landed` (committed) once it is on chain. A crash can leave the chain one
upload ahead of the journal (sent, not yet recorded); `upload.sync` recovers
that from the pending row, the planned chunks or the batch's history, and checks
the result against the batch's `manifest_hash` before trusting it.

Each write is one SQLite transaction with `synchronous=FULL`: a killed process
leaves either the old state or the new, never half of one.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from ..protocol._manifest import Upload
from ._context import UserError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    start INTEGER PRIMARY KEY,
    count INTEGER NOT NULL,
    root BLOB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'landed')),
    signature TEXT,
    source TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""
VERSION = "1"


def digest(hashes: list[bytes]) -> str:
    """One hash over the item hashes in order: compares an input with a journal."""
    h = hashlib.sha256()
    for item in hashes:
        h.update(item)
    return h.hexdigest()


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise UserError(f"journal {path} is not usable ({e}); move it away") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def bind(self, batch: str, source: str, hashes: list[bytes], chunk: int) -> bool:
        """Tie the journal to a batch and the input's items (first run), or
        check it is the same (a resumed run). True when resuming."""
        known = self.meta("batch")
        if known is None:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                for key, value in (
                    ("version", VERSION),
                    ("batch", batch),
                    ("source", source),
                    ("items", str(len(hashes))),
                    ("digest", digest(hashes)),
                    ("chunk", str(chunk)),
                    ("created_at", str(time.time())),
                ):
                    self.db.execute("INSERT INTO meta VALUES (?, ?)", (key, value))
                self.db.executemany(
                    "INSERT INTO items VALUES (?, ?)", ((i, h) for i, h in enumerate(hashes))
                )
            return False
        if known != batch:
            raise UserError(
                f"journal {self.path} belongs to batch {known}; upload there, or move the "
                "journal away to start a new upload"
            )
        if self.meta("digest") != digest(hashes):
            raise UserError(
                f"the input changed since journal {self.path} was written "
                f"({self.meta('items')} items then, {len(hashes)} now); restore it, or move "
                "the journal away"
            )
        return True

    @property
    def chunk(self) -> int:
        return int(self.meta("chunk") or 0)

    def hashes(self) -> list[bytes]:
        return [bytes(r[0]) for r in self.db.execute("SELECT hash FROM items ORDER BY idx")]

    def landed(self) -> list[Upload]:
        rows = self.db.execute(
            "SELECT start, count, root FROM uploads WHERE state = 'landed' ORDER BY start"
        )
        return [Upload(int(s), int(c), bytes(r)) for s, c, r in rows]

    def pending(self) -> list[Upload]:
        rows = self.db.execute(
            "SELECT start, count, root FROM uploads WHERE state = 'pending' ORDER BY start"
        )
        return [Upload(int(s), int(c), bytes(r)) for s, c, r in rows]

    def record_pending(self, upload: Upload) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, 'pending', NULL, 'cli', ?)",
                (upload.start, upload.count, upload.root, time.time()),
            )

    def record_landed(
        self, uploads: list[Upload], signature: str | None, source: str = "cli"
    ) -> None:
        """Mark uploads landed (one SQLite transaction); drop pending rows they
        supersede."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for u in uploads:
                self.db.execute(
                    "DELETE FROM uploads WHERE start >= ? AND start < ?",
                    (u.start, u.start + u.count),
                )
                self.db.execute(
                    "INSERT INTO uploads VALUES (?, ?, ?, 'landed', ?, ?, ?)",
                    (u.start, u.count, u.root, signature, source, time.time()),
                )
