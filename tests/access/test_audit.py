"""The audit log in real SQLite: what it records, what it refuses, retention and export."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.access.audit import AUDIT_FILE, AuditLog
from assistant.access.audit_events import (
    CitedPassage,
    DocumentEvent,
    EventKind,
    QuestionEvent,
    SignInEvent,
    question_event,
)
from assistant.access.audit_export import FIELDS, export_records
from assistant.errors import AuditError
from assistant.types import Answer, Chunk, Citation, DocumentKind
from tests.access.conftest import Clock

CHUNK = Chunk(
    chunk_id="gaitameho-0042",
    source="324AC0000000228_gaitameho.md",
    title="外国為替及び外国貿易法",
    kind=DocumentKind.LAW,
    text="技術を提供しようとする者は、事前に報告しなければならない。",
    search_text="技術を提供しようとする者は、事前に報告しなければならない。",
    position=42,
    article="第五十五条の八",
)
ANSWER = Answer(
    question="外為法第五十五条の八の技術の提供に関する事前報告は必要ですか？",
    searched_query="外為法 第五十五条の八 技術 提供 事前報告",
    text="技術を提供しようとする者は、事前に報告しなければならない。 [1]",
    abstained=False,
    citations=(Citation(1, CHUNK, "事前に報告しなければならない"),),
)


@pytest.fixture()
def log(tmp_path: Path, clock: Clock) -> AuditLog:
    return AuditLog(tmp_path / "data" / AUDIT_FILE, retention_days=30, clock=clock)


def test_a_question_is_recorded_with_everything_a_reviewer_needs(
    log: AuditLog, clock: Clock
) -> None:
    event = question_event(ANSWER, "tanaka", "相談", latency_ms=840)
    answer_id = log.record(event)
    [record] = log.records()
    assert record.event_id == answer_id == event.answer_id
    assert (record.kind, record.user, record.mode, record.occurred_at) == (
        EventKind.QUESTION,
        "tanaka",
        "相談",
        clock.now,
    )
    assert (record.question, record.searched_query) == (ANSWER.question, ANSWER.searched_query)
    assert record.cited == (CitedPassage("gaitameho-0042", "324AC0000000228_gaitameho.md"),)
    assert (record.abstained, record.latency_ms, record.succeeded) == (False, 840, True)


def test_documents_and_sign_ins_are_recorded(log: AuditLog) -> None:
    log.record(DocumentEvent("admin1", EventKind.UPLOAD, "memo.md"))
    log.record(DocumentEvent("acme", EventKind.DELETE, "a.md", succeeded=False, detail="forbidden"))
    log.record(SignInEvent("ghost", succeeded=False, detail="10.0.0.7"))
    records = list(log.records())
    assert [(r.kind, r.user, r.document, r.succeeded) for r in records] == [
        (EventKind.UPLOAD, "admin1", "memo.md", True),
        (EventKind.DELETE, "acme", "a.md", False),
        (EventKind.SIGN_IN, "ghost", "", False),
    ]
    assert records[2].detail == "10.0.0.7" and records[2].abstained is None


def test_a_document_event_must_be_about_a_document() -> None:
    with pytest.raises(ValueError, match="upload, replace or delete"):
        DocumentEvent("admin1", EventKind.SIGN_IN, "memo.md")


def test_records_filter_by_time_window_and_user(log: AuditLog, clock: Clock) -> None:
    for user in ("tanaka", "acme", "tanaka"):
        log.record(SignInEvent(user, succeeded=True))
        clock.advance(days=1)
    start = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    window = list(log.records(since=start + timedelta(days=1), until=start + timedelta(days=2)))
    assert [r.user for r in window] == ["acme"]
    assert [r.occurred_at.day for r in log.records(user="tanaka")] == [1, 3]
    assert list(log.records(user="nobody")) == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET question = 'forged'",
        "DELETE FROM audit_events",
        "UPDATE audit_purges SET cutoff = '9999'",
        "DELETE FROM audit_purges",
    ],
)
def test_the_database_refuses_to_change_or_delete_records(log: AuditLog, statement: str) -> None:
    log.record(question_event(ANSWER, "tanaka", "相談", latency_ms=1))
    assert log.purge_expired() == 0  # a purge row exists, and the record is too recent for it
    with (
        pytest.raises(sqlite3.IntegrityError, match=r"append-only|retention purge"),
        sqlite3.connect(log.path) as db,
    ):
        db.execute(statement)
    assert [r.question for r in log.records()] == [ANSWER.question]


def test_purging_is_refused_while_retention_is_forever(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / AUDIT_FILE, retention_days=0)
    log.record(SignInEvent("tanaka", succeeded=True))
    with pytest.raises(AuditError, match="ASSISTANT_AUDIT_RETENTION_DAYS"):
        log.purge_expired()
    assert len(list(log.records())) == 1


def test_a_purge_removes_only_expired_records_and_leaves_a_trace(
    log: AuditLog, clock: Clock
) -> None:
    log.record(SignInEvent("old", succeeded=True))
    clock.advance(days=10)
    log.record(SignInEvent("recent", succeeded=True))
    clock.advance(days=25)  # "old" is 35 days old, "recent" 25
    assert log.purge_expired() == 1
    assert [r.user for r in log.records()] == ["recent"]
    with sqlite3.connect(log.path) as db:
        purges = db.execute("SELECT retention_days, removed FROM audit_purges").fetchall()
    assert purges == [(30, 1)]
    with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(log.path) as db:
        db.execute("DELETE FROM audit_events")  # a past purge opens no door to newer records


def test_the_log_is_wal_and_private_with_its_side_files(log: AuditLog) -> None:
    log.record(SignInEvent("tanaka", succeeded=True))
    with sqlite3.connect(log.path) as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        reader.execute("SELECT COUNT(*) FROM audit_events").fetchone()
        side = [log.path.with_name(log.path.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in side)
        assert {p.stat().st_mode & 0o777 for p in (log.path, *side)} == {0o600}


def _export(log: AuditLog, fmt: str) -> str:
    out = io.StringIO()
    assert export_records(log.records(), out, fmt) == 2  # type: ignore[arg-type]
    return out.getvalue()


def test_jsonl_and_csv_exports_carry_the_same_fields(log: AuditLog) -> None:
    log.record(question_event(ANSWER, "tanaka", "相談", latency_ms=840))
    log.record(SignInEvent("ghost", succeeded=False))
    lines = [json.loads(line) for line in _export(log, "jsonl").splitlines()]
    rows = list(csv.DictReader(io.StringIO(_export(log, "csv"))))
    assert tuple(lines[0]) == FIELDS and tuple(rows[0]) == FIELDS
    assert lines[0]["cited"] == [{"chunk_id": CHUNK.chunk_id, "source": CHUNK.source}]
    assert json.loads(rows[0]["cited"]) == lines[0]["cited"]
    assert (lines[0]["question"], rows[0]["question"]) == (ANSWER.question, ANSWER.question)
    assert (lines[1]["abstained"], rows[1]["abstained"]) == (None, "")
    assert (lines[1]["succeeded"], rows[1]["succeeded"]) == (False, "false")


def test_event_ids_are_unique_in_the_log(log: AuditLog) -> None:
    event = QuestionEvent("tanaka", "相談", "q", "q", (), True, 5)
    log.record(event)
    with pytest.raises(AuditError, match="cannot write"):
        log.record(event)  # the same answer is never logged twice
