"""Group commit: concurrent appends share transactions, and one bad row fails only its caller."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.access.group_commit import GroupCommit

INSERT = "INSERT INTO t (id) VALUES (?)"


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "t.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE t (id TEXT PRIMARY KEY)")
    return path


def test_concurrent_appends_are_all_committed(tmp_path: Path) -> None:
    path = _table(tmp_path)
    writer = GroupCommit(path, INSERT)
    threads = [
        threading.Thread(target=lambda n=n: [writer.append((f"{n}-{i}",)) for i in range(50)])
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (400,)


def test_a_duplicate_fails_its_own_append_only(tmp_path: Path) -> None:
    path = _table(tmp_path)
    writer = GroupCommit(path, INSERT)
    writer.append(("a",))
    with pytest.raises(sqlite3.IntegrityError):
        writer.append(("a",))
    writer.append(("b",))
    with sqlite3.connect(path) as db:
        assert [r[0] for r in db.execute("SELECT id FROM t ORDER BY id")] == ["a", "b"]
