"""The conversation: one session's turns and the streaming answer handler.

A session remembers each answer (not just its text) because the sources panel, the reply
draft and feedback all need the citations of a turn later. Follow-ups are rewritten from the
session's history before retrieval (assistant.query.followup), and the handler streams: first a
searching notice, then the answer sentence by sentence, so a user sees progress at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.query.followup import Conversation, Turn
from assistant.types import Answer, SearchFilter
from assistant.ui.sources import (
    render_answer_message,
    render_error_message,
    render_pending_message,
)

if TYPE_CHECKING:
    from assistant.service import Assistant

# A short pause between streamed sentences: long enough to read as streaming, short enough
# that a five-sentence answer is complete in well under a second.
STREAM_PAUSE_S = 0.06
Message = dict[str, Any]


@dataclass
class TurnRecord:
    """One answered question of a session and where its message sits in the chat."""

    number: int
    answer: Answer
    message_index: int
    feedback_id: int | None = None


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


class ChatHandler:
    """Answers chat messages with the shared Assistant, streaming the result."""

    def __init__(self, assistant: Assistant, pause_s: float = STREAM_PAUSE_S) -> None:
        self._assistant = assistant
        self._pause_s = pause_s

    def respond(
        self,
        question: str,
        messages: list[Message],
        session: ChatSession,
        search_filter: SearchFilter | None = None,
    ) -> Iterator[ChatUpdate]:
        """Stream the answer to one question; the last update carries the Answer."""
        text = question.strip()
        if not text:
            return
        earlier = [t.answer.question for t in session.turns]
        query = Conversation.replay(earlier).searched(text)
        messages = [*messages, {"role": "user", "content": text}]
        messages.append(_assistant_message(render_pending_message(query)))
        yield ChatUpdate(list(messages), session)
        try:
            # The same follow-up handling as `assistant chat` and `ask --history`.
            answer = self._assistant.ask(text, search_filter=search_filter, history=earlier)
        except AssistantError as exc:
            messages[-1] = _assistant_message(render_error_message(str(exc)))
            yield ChatUpdate(list(messages), session)
            return
        turn = TurnRecord(len(session.turns) + 1, answer, len(messages) - 1)
        session.turns.append(turn)
        yield from self._stream(answer, turn, messages, session)

    def _stream(
        self, answer: Answer, turn: TurnRecord, messages: list[Message], session: ChatSession
    ) -> Iterator[ChatUpdate]:
        steps = range(1, len(answer.sentences)) if not answer.abstained else range(0)
        for upto in steps:
            content = render_answer_message(self._assistant, answer, turn.number, upto)
            messages[-1] = _assistant_message(content)
            yield ChatUpdate(list(messages), session)
            time.sleep(self._pause_s)
        messages[-1] = _assistant_message(
            render_answer_message(self._assistant, answer, turn.number)
        )
        yield ChatUpdate(list(messages), session, answer)
