"""The conversation: one session's turns and the streaming answer handler.

A session remembers each answer (not just its text) because the sources panel, the reply
draft and feedback all need the citations of a turn later. Follow-ups are rewritten from the
session's history before retrieval (assistant.query.followup), and the handler streams: first a
searching notice, then the answer sentence by sentence, so a user sees progress at once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.access.audit import AuditLog
from assistant.access.audit_events import new_event_id, question_event
from assistant.access.principal import Principal
from assistant.errors import AssistantError
from assistant.query.followup import Turn
from assistant.types import Answer, SearchFilter
from assistant.ui.messages import japanese_message
from assistant.ui.sources import (
    render_answer_message,
    render_error_message,
    render_pending_message,
)

if TYPE_CHECKING:
    from assistant.service import Assistant

# No pause between streamed sentences by default: a sleeping generator keeps its queue slot
# while doing nothing, which capped throughput at about 11 requests/s (issue #17). The answer
# is ready before the first sentence is sent, so there is nothing to wait for.
STREAM_PAUSE_S = 0.0
# Every answer message carries its answer id, so a like or dislike names the answer it is
# about rather than a position in a conversation the page and the server may see differently.
_ANSWER_REF = re.compile(r'data-answer="([0-9a-f]{32})"')
Message = dict[str, Any]


@dataclass
class TurnRecord:
    """One answered question of a session and where its message sits in the chat."""

    number: int
    answer: Answer
    message_index: int
    feedback_id: int | None = None
    answer_id: str = field(default_factory=new_event_id)


@dataclass
class ChatSession:
    """Everything one browser session has asked, kept on the server (gr.State)."""

    turns: list[TurnRecord] = field(default_factory=list)

    def history(self) -> list[Turn]:
        """Earlier turns as the query rewriter needs them."""
        return [Turn(t.answer.question, t.answer.searched_query) for t in self.turns]

    def turn_for_message(self, index: int) -> TurnRecord | None:
        """The turn whose assistant message is at ``index`` in the chat."""
        return next((t for t in self.turns if t.message_index == index), None)

    def turn_for_answer(self, answer_id: str) -> TurnRecord | None:
        """The turn that gave the answer with this id (feedback names answers by id)."""
        return next((t for t in self.turns if t.answer_id == answer_id), None)

    def latest(self) -> TurnRecord | None:
        """The last answered turn, if any."""
        return self.turns[-1] if self.turns else None

    def numbered_answers(self) -> list[tuple[int, Answer]]:
        """(turn number, answer) pairs, oldest first, for the sources panel."""
        return [(t.number, t.answer) for t in self.turns]


@dataclass(frozen=True)
class ChatUpdate:
    """One streamed state of the chat; ``answer`` is set on the final update of a turn."""

    messages: list[Message]
    session: ChatSession
    answer: Answer | None = None


def _assistant_message(content: str) -> Message:
    return {"role": "assistant", "content": content}


def answer_reference(answer_id: str) -> str:
    """The invisible tag that names an answer inside its chat message."""
    return f'<span class="answer-ref" data-answer="{answer_id}"></span>'


def answer_id_in(message: object) -> str | None:
    """The answer id a chat message carries (its content as Gradio sends it back), if any."""
    match = _ANSWER_REF.search(str(message))
    return match.group(1) if match else None


class ChatHandler:
    """Answers chat messages with the shared Assistant, streaming the result, and records
    each answer in the audit log once, under the id its message and feedback carry."""

    def __init__(
        self, assistant: Assistant, audit: AuditLog | None = None, pause_s: float = STREAM_PAUSE_S
    ) -> None:
        self._assistant = assistant
        self._audit = audit
        self._pause_s = pause_s

    def respond(
        self,
        question: str,
        messages: list[Message],
        session: ChatSession,
        search_filter: SearchFilter | None = None,
        principal: Principal | None = None,
        mode: str = "",
    ) -> Iterator[ChatUpdate]:
        """Stream the answer to one question; the last update carries the Answer.

        An empty or whitespace-only question yields nothing: the conversation is untouched.
        """
        text = question.strip()
        if not text:
            return
        earlier = [t.answer.question for t in session.turns]
        query = self._assistant.conversation(earlier).searched(text)
        messages = [*messages, {"role": "user", "content": text}]
        messages.append(_assistant_message(render_pending_message(query)))
        yield ChatUpdate(list(messages), session)
        started = time.perf_counter()
        try:
            # The same follow-up handling as `assistant chat` and `ask --history`.
            answer = self._assistant.ask(
                text, search_filter=search_filter, history=earlier, principal=principal
            )
        except AssistantError as exc:
            messages[-1] = _assistant_message(render_error_message(japanese_message(exc)))
            yield ChatUpdate(list(messages), session)
            return
        turn = TurnRecord(len(session.turns) + 1, answer, len(messages) - 1)
        if self._audit is not None:
            latency_ms = round((time.perf_counter() - started) * 1000)
            user = principal.name if principal else ""
            self._audit.record(question_event(answer, user, mode, latency_ms, turn.answer_id))
        session.turns.append(turn)
        yield from self._stream(answer, turn, messages, session)

    def _stream(
        self, answer: Answer, turn: TurnRecord, messages: list[Message], session: ChatSession
    ) -> Iterator[ChatUpdate]:
        reference = answer_reference(turn.answer_id)
        steps = range(1, len(answer.sentences)) if not answer.abstained else range(0)
        for upto in steps:
            content = render_answer_message(self._assistant, answer, turn.number, upto)
            messages[-1] = _assistant_message(reference + content)
            yield ChatUpdate(list(messages), session)
            if self._pause_s:
                time.sleep(self._pause_s)
        messages[-1] = _assistant_message(
            reference + render_answer_message(self._assistant, answer, turn.number)
        )
        yield ChatUpdate(list(messages), session, answer)
