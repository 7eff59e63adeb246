"""What the audit log records: questions and answers, document changes and sign-ins.

Events are plain values built by the caller (the UI, the CLI) and written by audit.py. A
question's ``answer_id`` is made before the answer is shown, so the UI can attach the same id
to the answer it displays and to any feedback on it: feedback then points at one audited
answer, never at a position in a conversation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from assistant.types import Answer


def new_event_id() -> str:
    """A fresh random id for an event (and for the answer a question event records)."""
    return uuid.uuid4().hex


class EventKind(StrEnum):
    """The kinds of audited events."""

    QUESTION = "question"
    UPLOAD = "upload"
    REPLACE = "replace"
    DELETE = "delete"
    SIGN_IN = "sign_in"


DOCUMENT_KINDS = (EventKind.UPLOAD, EventKind.REPLACE, EventKind.DELETE)


@dataclass(frozen=True)
class CitedPassage:
    """One passage an answer cited, by chunk id and source file."""

    chunk_id: str
    source: str


@dataclass(frozen=True)
class QuestionEvent:
    """A question asked and answered (or abstained on), as the user saw it."""

    user: str
    mode: str
    question: str
    searched_query: str
    cited: tuple[CitedPassage, ...]
    abstained: bool
    latency_ms: int
    answer_id: str = field(default_factory=new_event_id)


@dataclass(frozen=True)
class DocumentEvent:
    """An upload, replacement or deletion of a document, allowed or refused."""

    user: str
    kind: EventKind
    document: str
    succeeded: bool = True
    detail: str = ""
    event_id: str = field(default_factory=new_event_id)

    def __post_init__(self) -> None:
        if self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"a document event is an upload, replace or delete, not {self.kind}")


@dataclass(frozen=True)
class SignInEvent:
    """A sign-in attempt; ``user`` is the name typed, which may not exist."""

    user: str
    succeeded: bool
    detail: str = ""
    event_id: str = field(default_factory=new_event_id)


AuditEvent = QuestionEvent | DocumentEvent | SignInEvent


@dataclass(frozen=True)
class AuditRecord:
    """One stored event, read back; fields an event kind does not have are empty or None."""

    id: int
    event_id: str
    occurred_at: datetime
    kind: EventKind
    user: str
    succeeded: bool
    mode: str = ""
    question: str = ""
    searched_query: str = ""
    cited: tuple[CitedPassage, ...] = ()
    abstained: bool | None = None
    latency_ms: int | None = None
    document: str = ""
    detail: str = ""


def question_event(
    answer: Answer, user: str, mode: str, latency_ms: int, answer_id: str | None = None
) -> QuestionEvent:
    """The audit event for an answer the assistant gave ``user``."""
    cited = tuple(CitedPassage(c.chunk.chunk_id, c.chunk.source) for c in answer.citations)
    return QuestionEvent(
        user=user,
        mode=mode,
        question=answer.question,
        searched_query=answer.searched_query,
        cited=cited,
        abstained=answer.abstained,
        latency_ms=latency_ms,
        answer_id=answer_id or new_event_id(),
    )
