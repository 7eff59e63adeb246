"""The audit trail: an append-only SQLite log of questions, document changes and sign-ins.

Append-only is enforced by the database, not only by this module having no update path:
triggers abort every UPDATE, and every DELETE of a record newer than the latest retention
cut-off. The one way records leave is ``AuditLog.purge_expired``, which first appends a row
to ``audit_purges`` (itself undeletable) naming the cut-off and the count, then deletes what
is older. A purge therefore always leaves a trace, and it is refused while
``ASSISTANT_AUDIT_RETENTION_DAYS`` is 0 (keep forever).

Events are committed in a WAL database with ``synchronous=FULL``: once ``record`` returns,
the event survives the process being killed or the machine losing power. Events recorded at
the same moment by several threads share one transaction (``group_commit.py``), and nobody's
``record`` returns before the transaction holding its event has committed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.access.audit_events import (
    AuditEvent,
    AuditRecord,
    CitedPassage,
    DocumentEvent,
    EventKind,
    QuestionEvent,
)
from assistant.access.group_commit import GroupCommit
from assistant.access.timestamps import from_text, to_text, utc_now
from assistant.errors import AuditError
from assistant.sqlite_files import connect, open_private_database

AUDIT_FILE = "audit.sqlite3"
_KINDS = ", ".join(f"'{k.value}'" for k in EventKind)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ({_KINDS})),
    user_name TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    searched_query TEXT NOT NULL DEFAULT '',
    cited TEXT NOT NULL DEFAULT '[]',
    abstained INTEGER,
    latency_ms INTEGER,
    document TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events (occurred_at);
CREATE TABLE IF NOT EXISTS audit_purges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purged_at TEXT NOT NULL,
    cutoff TEXT NOT NULL,
    retention_days INTEGER NOT NULL CHECK (retention_days > 0),
    removed INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_events_delete_only_expired BEFORE DELETE ON audit_events
WHEN OLD.occurred_at >= COALESCE((SELECT MAX(cutoff) FROM audit_purges), '')
BEGIN SELECT RAISE(ABORT, 'audit records are deleted only by a retention purge'); END;
CREATE TRIGGER IF NOT EXISTS audit_purges_no_update BEFORE UPDATE ON audit_purges
BEGIN SELECT RAISE(ABORT, 'audit purges are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_purges_no_delete BEFORE DELETE ON audit_purges
BEGIN SELECT RAISE(ABORT, 'audit purges are append-only'); END;
"""

_COLUMNS = (
    "event_id",
    "occurred_at",
    "kind",
    "user_name",
    "succeeded",
    "mode",
    "question",
    "searched_query",
    "cited",
    "abstained",
    "latency_ms",
    "document",
    "detail",
)
_INSERT = (
    f"INSERT INTO audit_events ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


class AuditLog:
    """The audit database under the data folder (0600, WAL, append-only)."""

    def __init__(
        self, path: Path, retention_days: int = 0, clock: Callable[[], datetime] = utc_now
    ) -> None:
        if retention_days < 0:
            raise ValueError("retention_days must be 0 (keep forever) or positive")
        self.path = path
        self.retention_days = retention_days
        self._clock = clock
        try:
            open_private_database(path, _SCHEMA)
            # Its connection stays open, so closing one no longer checkpoints the WAL per event.
            self._writer = GroupCommit(path, _INSERT)
        except (OSError, sqlite3.Error) as exc:
            raise AuditError(f"cannot open the audit log {path}: {exc}") from exc

    def record(self, event: AuditEvent) -> str:
        """Append one event and return its id (for a question, the answer id)."""
        row = _row(event, to_text(self._clock()))
        try:
            self._writer.append(row)
        except sqlite3.Error as exc:
            raise AuditError(f"cannot write to the audit log {self.path}: {exc}") from exc
        return str(row[0])

    def records(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        user: str | None = None,
    ) -> Iterator[AuditRecord]:
        """Stored events in the order they happened: from ``since`` on, before ``until``."""
        conditions: list[str] = []
        args: list[str] = []
        for clause, value in (
            ("occurred_at >= ?", None if since is None else to_text(since)),
            ("occurred_at < ?", None if until is None else to_text(until)),
            ("user_name = ?", user),
        ):
            if value is not None:
                conditions.append(clause)
                args.append(value)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        query = f"SELECT id, {', '.join(_COLUMNS)} FROM audit_events{where} ORDER BY id"
        with connect(self.path) as db:
            db.row_factory = sqlite3.Row
            for row in db.execute(query, args):
                yield _to_record(row)

    def purge_expired(self) -> int:
        """Delete events older than the retention period and return how many went.

        The only deleting operation on the log: refused when retention is 0 (keep forever),
        and recorded in ``audit_purges`` in the same transaction as the deletion.
        """
        if self.retention_days == 0:
            raise AuditError(
                "audit retention is 0 (keep forever); set ASSISTANT_AUDIT_RETENTION_DAYS "
                "to purge records older than that many days"
            )
        now = self._clock()
        cutoff = to_text(now - timedelta(days=self.retention_days))
        try:
            with connect(self.path, durable=True) as db:
                db.execute("BEGIN IMMEDIATE")
                (count,) = db.execute(
                    "SELECT COUNT(*) FROM audit_events WHERE occurred_at < ?", (cutoff,)
                ).fetchone()
                db.execute(
                    "INSERT INTO audit_purges (purged_at, cutoff, retention_days, removed) "
                    "VALUES (?, ?, ?, ?)",
                    (to_text(now), cutoff, self.retention_days, count),
                )
                db.execute("DELETE FROM audit_events WHERE occurred_at < ?", (cutoff,))
        except sqlite3.Error as exc:
            raise AuditError(f"cannot purge the audit log {self.path}: {exc}") from exc
        return int(count)


def _row(event: AuditEvent, occurred_at: str) -> tuple[Any, ...]:
    """The column values of an event, in ``_COLUMNS`` order."""
    if isinstance(event, QuestionEvent):
        cited = json.dumps(
            [{"chunk_id": c.chunk_id, "source": c.source} for c in event.cited],
            ensure_ascii=False,
        )
        return (
            event.answer_id, occurred_at, EventKind.QUESTION.value, event.user, 1, event.mode,
            event.question, event.searched_query, cited, int(event.abstained), event.latency_ms,
            "", "",
        )  # fmt: skip
    document = event.document if isinstance(event, DocumentEvent) else ""
    kind = event.kind if isinstance(event, DocumentEvent) else EventKind.SIGN_IN
    return (
        event.event_id, occurred_at, kind.value, event.user, int(event.succeeded), "", "", "",
        "[]", None, None, document, event.detail,
    )  # fmt: skip


def _to_record(row: sqlite3.Row) -> AuditRecord:
    abstained, latency = row["abstained"], row["latency_ms"]
    return AuditRecord(
        id=int(row["id"]),
        event_id=row["event_id"],
        occurred_at=from_text(row["occurred_at"]),
        kind=EventKind(row["kind"]),
        user=row["user_name"],
        succeeded=bool(row["succeeded"]),
        mode=row["mode"],
        question=row["question"],
        searched_query=row["searched_query"],
        cited=tuple(CitedPassage(**c) for c in json.loads(row["cited"])),
        abstained=None if abstained is None else bool(abstained),
        latency_ms=None if latency is None else int(latency),
        document=row["document"],
        detail=row["detail"],
    )
