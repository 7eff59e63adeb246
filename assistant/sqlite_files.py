"""SQLite files that hold people's data: readable by their owner only, one connection per call.

The feedback, user and audit databases hold questions, names and password hashes, and the
default umask makes new files world-readable (0644). The main file is therefore created 0600
before SQLite first opens it: SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the
main file's permission bits, so that one step covers all of them. Files made by an older
version are tightened when opened.

Every call opens its own connection because Gradio runs handlers on several threads and a
connection must not be shared between them; opening one costs far less than a question.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_MODE = 0o600
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
BUSY_TIMEOUT_S = 10.0


def side_files(path: Path) -> tuple[Path, ...]:
    """The files SQLite keeps next to a database (they exist only while it needs them)."""
    return tuple(path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES)


def make_private(path: Path) -> None:
    """Create ``path`` (and its folder) if missing, and make it and its side files 0600.

    ``os.open`` with O_CREAT and a mode creates the file with at most those bits whatever the
    umask, and never truncates an existing database.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_MODE))
    for file in (path, *side_files(path)):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode != PRIVATE_MODE:
            os.chmod(file, PRIVATE_MODE)


@contextmanager
def connect(path: Path, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that commits on success and rolls back on error, then closes.

    ``durable`` sets ``synchronous=FULL``: in WAL mode the default (NORMAL) survives a killed
    process but may lose the last transactions on a power cut, which an audit log must not.
    """
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        if durable:
            db.execute("PRAGMA synchronous = FULL")
        with db:
            yield db
    finally:
        db.close()


def hold_open(path: Path) -> sqlite3.Connection:
    """A connection to keep open (and never use) for as long as a store serves ``path``.

    In WAL mode the last connection to close checkpoints the log into the database file, so
    with one connection per call every question's audit record and every session check paid
    for a checkpoint. While this one stays open, SQLite checkpoints only when the log grows
    past its limit (1,000 pages); what is durable, and when, is unchanged.
    """
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)


def open_private_database(path: Path, schema: str, *, wal: bool = True) -> None:
    """Create or tighten the file, switch it to WAL, and run the (idempotent) schema script.

    WAL lets the server read while another process (the CLI) writes, and a transaction is
    either wholly in the file or not at all after a crash. The mode is stored in the file, so
    setting it once here holds for every later connection.
    """
    make_private(path)
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        if wal:
            db.execute("PRAGMA journal_mode = WAL")
        db.executescript(schema)
        db.commit()
    finally:
        db.close()
