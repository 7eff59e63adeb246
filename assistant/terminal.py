"""``assistant chat``: a conversation in the terminal, with the same follow-up handling as the UI.

Each line is a question; a follow-up (「それはいつまでに出しますか？」) is searched with the
earlier subject exactly as the chat UI and ``ask --history`` search it (``query.followup``).
An empty line is ignored, ``:history`` shows what was asked and searched, ``:quit`` (or end of
input) leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assistant.errors import AssistantError
from assistant.present.answer import render_answer_text
from assistant.query import Conversation
from assistant.service import Assistant
from assistant.types import SearchFilter

QUIT = frozenset({":quit", ":q", ":exit"})


def run_chat(
    assistant: Assistant,
    lines: Iterable[str],
    echo: Callable[[str], None],
    search_filter: SearchFilter | None = None,
) -> Conversation:
    """Answer each line as the next turn of one conversation; returns the conversation."""
    conversation = Conversation()
    for line in lines:
        question = line.strip()
        if not question:
            continue
        if question in QUIT:
            break
        if question == ":history":
            for number, turn in enumerate(conversation.turns, start=1):
                echo(f"{number}. {turn.question}  (searched: {turn.searched_query})")
            continue
        try:
            answer = assistant.ask(
                question,
                search_filter=search_filter,
                history=[turn.question for turn in conversation.turns],
            )
        except AssistantError as exc:
            echo(f"error: {exc}")
            continue
        conversation.add(question, answer.searched_query)
        if answer.searched_query != question:
            echo(f"(検索 / searched as: {answer.searched_query})")
        echo(render_answer_text(answer))
        echo("")
    return conversation
