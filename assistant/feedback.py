"""Users' likes and dislikes of answers, kept in SQLite, and disliked answers as evaluation cases.

A dislike is the cheapest evaluation data there is: a real question the assistant got wrong.
Each rating is stored with everything needed to review it later (question, searched query,
answer text, cited passages) because the index may have changed by the time someone looks,
and with the answer's id and the user who rated it, so a rating leads to its question in the
audit log (the same id) and never to another answer.
``export_cases`` writes disliked answers in the evaluation suite's JSON Lines format, with gold
passages taken from what was cited and a ``review`` field, so a reviewer corrects them instead of
writing cases from scratch.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from assistant.errors import AssistantError
from assistant.japanese import split_sentences
from assistant.sqlite_files import make_private
from assistant.types import Answer, Chunk

Rating = Literal["like", "dislike"]
FEEDBACK_FILE = "feedback.sqlite3"
QUOTE_MIN, QUOTE_MAX = 10, 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('like', 'dislike')),
    comment TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    searched_query TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    sources TEXT NOT NULL,
    answer_id TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL DEFAULT ''
)
"""
# Columns added after the first release: a database written before gets them on opening.
_ADDED_COLUMNS = {
    "answer_id": "ALTER TABLE feedback ADD COLUMN answer_id TEXT NOT NULL DEFAULT ''",
    "user": "ALTER TABLE feedback ADD COLUMN user TEXT NOT NULL DEFAULT ''",
}


class FeedbackError(AssistantError):
    """The feedback database cannot be opened or written."""


@dataclass(frozen=True)
class FeedbackRecord:
    """One stored rating of one answer."""

    id: int
    created_at: str
    updated_at: str
    rating: Rating
    comment: str
    mode: str
    question: str
    searched_query: str
    answer: str
    abstained: bool
    sources: tuple[dict[str, Any], ...]
    answer_id: str = ""
    user: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _source_record(chunk: Chunk, quote: str, marker: int | None) -> dict[str, Any]:
    return {
        "marker": marker,
        "source": chunk.source,
        "title": chunk.title,
        "location": chunk.location,
        "chunk_id": chunk.chunk_id,
        "quote": quote,
    }


def answer_sources(answer: Answer) -> list[dict[str, Any]]:
    """The passages an answer rests on: its citations, or for an abstention what was nearest."""
    if answer.citations:
        return [_source_record(c.chunk, c.quote, c.marker) for c in answer.citations]
    return [_source_record(h.chunk, h.chunk.text, None) for h in answer.nearest[:3]]


class FeedbackStore:
    """Ratings in one SQLite file; every call opens its own connection (Gradio runs threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            make_private(path)  # ratings hold users' questions and comments: owner-only (0600)
            with self._connect() as db:
                db.execute(_SCHEMA)
                columns = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
                for name, statement in _ADDED_COLUMNS.items():
                    if name not in columns:
                        db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise FeedbackError(f"cannot open the feedback database {path}: {exc}") from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    def record(
        self,
        answer: Answer,
        rating: Rating,
        comment: str = "",
        mode: str = "",
        *,
        answer_id: str = "",
        user: str = "",
    ) -> int:
        """Store ``user``'s rating of an answer (``answer_id``: its id in the chat and the
        audit log) and return the record's id."""
        now = _now()
        sources = json.dumps(answer_sources(answer), ensure_ascii=False)
        row = (now, now, rating, comment.strip(), mode, answer.question, answer.searched_query)
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, updated_at, rating, comment, mode, question, "
                "searched_query, answer, abstained, sources, answer_id, user) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (*row, answer.text, int(answer.abstained), sources, answer_id, user),
            )
            return int(cursor.lastrowid or 0)

    def update(
        self, feedback_id: int, *, rating: Rating | None = None, comment: str | None = None
    ) -> None:
        """Change the rating or the comment of a stored record (a user changed their mind)."""
        with self._lock, self._connect() as db:
            if rating is not None:
                db.execute(
                    "UPDATE feedback SET rating = ?, updated_at = ? WHERE id = ?",
                    (rating, _now(), feedback_id),
                )
            if comment is not None:
                db.execute(
                    "UPDATE feedback SET comment = ?, updated_at = ? WHERE id = ?",
                    (comment.strip(), _now(), feedback_id),
                )

    def records(self, rating: Rating | None = None) -> list[FeedbackRecord]:
        """Stored records, oldest first, optionally only one rating."""
        query = "SELECT * FROM feedback"
        args: tuple[str, ...] = ()
        if rating:
            query, args = query + " WHERE rating = ?", (rating,)
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [_to_record(row) for row in rows]


def _to_record(row: sqlite3.Row) -> FeedbackRecord:
    values = dict(row)
    values["abstained"] = bool(values["abstained"])
    values["sources"] = tuple(json.loads(values["sources"]))
    return FeedbackRecord(**values)


def short_quote(text: str) -> str:
    """A 10-30 character piece of one sentence of a passage: a gold quote the evaluator can find.

    The evaluation suite wants quotes that sit inside one line and one sentence, so the first
    long enough sentence is cut at its first 。 and to the maximum length.
    """
    for sentence in split_sentences(text):
        piece = sentence.split("。")[0].strip()
        if len(piece) >= QUOTE_MIN:
            return piece[:QUOTE_MAX]
    return text.strip().splitlines()[0][:QUOTE_MAX] if text.strip() else ""


def evaluation_case(record: FeedbackRecord) -> dict[str, Any]:
    """A disliked answer as an evaluation case, flagged for a reviewer to correct."""
    gold = [{"source": s["source"], "quote": short_quote(str(s["quote"]))} for s in record.sources]
    note = (
        "abstained: gold comes from the nearest passages; decide whether the question is answerable"
        if record.abstained
        else "gold comes from the cited passages the user disliked; replace it with the right ones"
    )
    return {
        "id": f"fb-{record.id}",
        "question": record.question,
        "answerable": True,
        "gold": [g for g in gold if g["quote"]],
        "must_include": [],
        "review": {
            "comment": record.comment,
            "answer": record.answer,
            "answer_id": record.answer_id,
            "searched_query": record.searched_query,
            "abstained": record.abstained,
            "disliked_at": record.updated_at,
            "note": note,
        },
    }


def export_cases(store: FeedbackStore, out: TextIO) -> int:
    """Write every disliked answer as one JSON line; return how many were written."""
    records = store.records("dislike")
    for record in records:
        out.write(json.dumps(evaluation_case(record), ensure_ascii=False) + "\n")
    return len(records)
