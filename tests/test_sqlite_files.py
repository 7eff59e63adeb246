"""Private SQLite files: 0600 from the first byte, side files included, old files tightened."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.sqlite_files import connect, make_private, open_private_database, side_files


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _permissive_umask() -> Iterator[None]:
    """The umask that made the feedback database world-readable (0644) before."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_database_and_its_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "new.sqlite3"
    open_private_database(path, "CREATE TABLE IF NOT EXISTS t (x INTEGER);")
    with connect(path) as db:
        db.execute("INSERT INTO t VALUES (1)")
        wal, shm, _ = side_files(path)
        assert wal.exists() and shm.exists()  # the open connection keeps them
        assert {_mode(p) for p in (path, wal, shm)} == {0o600}
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_existing_world_readable_database_is_tightened_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
        db.execute("INSERT INTO t VALUES (7)")
    journal = side_files(path)[2]
    journal.write_bytes(b"")
    os.chmod(path, 0o644)
    os.chmod(journal, 0o644)
    make_private(path)
    assert _mode(path) == 0o600 and _mode(journal) == 0o600
    with connect(path) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(7,)]


def test_connect_rolls_back_on_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    open_private_database(path, "CREATE TABLE IF NOT EXISTS t (x INTEGER);")
    with pytest.raises(RuntimeError), connect(path) as db:
        db.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    with connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
