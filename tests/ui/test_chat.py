"""The streaming chat handler over the fake assistant: order of updates, follow-ups, filters."""

from __future__ import annotations

from typing import Any

from assistant.types import DocumentKind, SearchFilter
from assistant.ui.chat import ChatHandler, ChatSession


def _run(handler: ChatHandler, question: str, session: ChatSession, **kwargs: Any) -> list[Any]:
    messages: list[dict[str, Any]] = []
    for turn in session.turns:
        messages += [{"role": "user", "content": turn.answer.question}, {"role": "assistant"}]
    return list(handler.respond(question, messages, session, **kwargs))


def test_first_update_shows_the_question_and_a_searching_notice(shared_fake_assistant: Any) -> None:
    updates = _run(
        ChatHandler(shared_fake_assistant, pause_s=0), "GOCOとは何ですか？", ChatSession()
    )
    first, last = updates[0], updates[-1]
    assert first.messages[-2] == {"role": "user", "content": "GOCOとは何ですか？"}
    assert "検索しています" in first.messages[-1]["content"]
    assert first.answer is None
    assert last.answer is not None and last.answer.question == "GOCOとは何ですか？"
    assert all(u.answer is None for u in updates[:-1])


def test_answer_streams_sentence_by_sentence_with_marker_links(shared_fake_assistant: Any) -> None:
    handler = ChatHandler(shared_fake_assistant, pause_s=0)
    updates = _run(handler, "施設委託管理者は何を提出しますか？", ChatSession())
    answer = updates[-1].answer
    assert answer is not None and not answer.abstained
    streamed = [u.messages[-1]["content"].count('class="answer-line"') for u in updates[1:]]
    assert streamed == sorted(streamed) and streamed[-1] == len(answer.sentences)
    assert 'href="#cite-1-1"' in updates[-1].messages[-1]["content"]


def test_session_records_turns_at_their_message_index(shared_fake_assistant: Any) -> None:
    handler = ChatHandler(shared_fake_assistant, pause_s=0)
    session = ChatSession()
    _run(handler, "GOCOとは何ですか？", session)
    _run(handler, "それはいつから使えますか？", session)
    assert [t.number for t in session.turns] == [1, 2]
    assert session.turn_for_message(3) is session.turns[1]
    assert session.turn_for_message(2) is None  # a user message
    assert session.turns[1].answer.searched_query == "GOCOはいつから使えますか？"


def test_empty_question_produces_no_update(shared_fake_assistant: Any) -> None:
    assert _run(ChatHandler(shared_fake_assistant, pause_s=0), "   ", ChatSession()) == []


def test_a_rejected_question_shows_an_error_message_and_records_no_turn(
    shared_fake_assistant: Any,
) -> None:
    session = ChatSession()
    updates = _run(ChatHandler(shared_fake_assistant, pause_s=0), "あ" * 5000, session)
    assert "chat-error" in updates[-1].messages[-1]["content"]
    assert session.turns == []


def test_filter_limits_citations_to_the_chosen_kind(shared_fake_assistant: Any) -> None:
    only_articles = SearchFilter(kinds=(DocumentKind.ARTICLE,))
    updates = _run(
        ChatHandler(shared_fake_assistant, pause_s=0),
        "経済安全保障の取り組みについて",
        ChatSession(),
        search_filter=only_articles,
    )
    answer = updates[-1].answer
    chunks = [c.chunk for c in answer.citations] or [h.chunk for h in answer.nearest]
    assert chunks and all(c.kind is DocumentKind.ARTICLE for c in chunks)
