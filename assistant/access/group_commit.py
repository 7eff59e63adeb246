"""Group commit: rows that several threads append at once share one durable transaction.

Each audit record was its own transaction on a new connection with ``synchronous=FULL``: an
open, a schema read and an fsync per question, and under load the writers queued for SQLite's
write lock one fsync at a time. Here a caller adds its row and waits; whichever caller finds no
commit running becomes the writer, takes every row waiting (its own first among them), inserts
them in one transaction on a connection kept open, and wakes the others. Nobody returns before
the transaction holding their row has committed, so what ``append`` returned survives a SIGKILL
or a power cut exactly as before; only the fsyncs are shared.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.sqlite_files import BUSY_TIMEOUT_S


@dataclass
class _Pending:
    row: tuple[Any, ...]
    done: bool = False
    error: sqlite3.Error | None = None


class GroupCommit:
    """Appends rows with one INSERT statement, committing concurrent appends together."""

    def __init__(self, path: Path, insert: str) -> None:
        self._insert = insert
        # Autocommit mode: the transactions below are explicit. Used by one writer at a time.
        self._db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA synchronous = FULL")
        self._waiting: list[_Pending] = []
        self._writing = False
        self._changed = threading.Condition()

    def append(self, row: tuple[Any, ...]) -> None:
        """Insert ``row`` durably; return once committed, or raise its ``sqlite3.Error``."""
        mine = _Pending(row)
        with self._changed:
            self._waiting.append(mine)
            while not mine.done:
                if self._writing:
                    self._changed.wait()
                    continue
                self._writing, batch, self._waiting = True, self._waiting, []
                self._changed.release()
                try:
                    self._commit(batch)
                finally:
                    self._changed.acquire()
                    self._writing = False
                    self._changed.notify_all()
        if mine.error is not None:
            raise mine.error

    def _commit(self, batch: list[_Pending]) -> None:
        """One transaction for the batch; if it fails, each row alone, so that one bad row
        (a duplicate id) fails only its own caller."""
        try:
            self._transaction(batch)
        except sqlite3.Error:
            for pending in batch:
                try:
                    self._transaction([pending])
                except sqlite3.Error as exc:
                    pending.error = exc
        except BaseException as exc:  # interrupted: nobody waits for good, nobody is told "done"
            for pending in batch:
                pending.error = sqlite3.OperationalError(f"not committed: {exc!r}")
            raise
        finally:
            for pending in batch:
                pending.done = True

    def _transaction(self, batch: list[_Pending]) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(self._insert, [p.row for p in batch])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
