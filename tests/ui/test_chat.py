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


def test_every_answer_is_audited_once_under_the_id_its_message_carries(
    shared_fake_assistant: Any, tmp_path: Any
) -> None:
    from assistant.access.audit import AuditLog
    from assistant.ui.chat import answer_id_in
    from tests.restricted import FIRM

    audit = AuditLog(tmp_path / "audit.sqlite3")
    session = ChatSession()
    handler = ChatHandler(shared_fake_assistant, audit)
    updates = list(handler.respond("GOCOとは何ですか？", [], session, principal=FIRM, mode="相談"))
    [record] = list(audit.records())
    turn = session.turns[0]
    assert answer_id_in(updates[-1].messages[-1]["content"]) == turn.answer_id == record.event_id
    assert (record.user, record.mode, record.question) == (FIRM.name, "相談", "GOCOとは何ですか？")
    assert [c.chunk_id for c in record.cited] == [c.chunk.chunk_id for c in turn.answer.citations]
    assert record.latency_ms is not None and record.abstained == turn.answer.abstained


def test_feedback_goes_to_the_answer_its_message_names_not_to_a_position(
    shared_fake_assistant: Any, tmp_path: Any
) -> None:
    """Issue #17: Q1, a whitespace message that cleared the page, Q2, dislike -> Q1 was rated."""
    from assistant.feedback import FeedbackStore
    from assistant.ui.feedback import FeedbackRecorder
    from tests.restricted import FIRM

    recorder = FeedbackRecorder(FeedbackStore(tmp_path / "feedback.sqlite3"))
    handler = ChatHandler(shared_fake_assistant)
    session = ChatSession()
    list(handler.respond("GOCOとは何ですか？", [], session))
    assert list(handler.respond("   ", [], session)) == []
    # The page now shows only Q2, so Q2's answer is message 1 on the page (Q1's index on the
    # server): the rating must follow the id inside the message, not the index.
    second = list(handler.respond("施設委託管理者は何を提出しますか？", [], session))
    page_message = second[-1].messages[1]["content"]
    turn = recorder.rate(session, page_message, False, "相談", FIRM.name)
    assert turn is session.turns[1]
    [stored] = recorder.store.records("dislike")
    assert stored.question == "施設委託管理者は何を提出しますか？"
    assert (stored.answer_id, stored.user) == (turn.answer_id, FIRM.name)
    assert recorder.rate(session, "a message without an answer id", False, "相談") is None


def test_an_over_long_question_is_refused_in_japanese(shared_fake_assistant: Any) -> None:
    updates = _run(ChatHandler(shared_fake_assistant), "あ" * 5000, ChatSession())
    message = updates[-1].messages[-1]["content"]
    assert "5000文字" in message and "上限の1000文字" in message
    assert "characters" not in message and "ASSISTANT_" not in message


def test_streaming_does_not_sleep_between_sentences(
    shared_fake_assistant: Any, monkeypatch: Any
) -> None:
    """A sleeping generator holds its queue slot doing nothing (issue #17's 11 requests/s)."""
    import assistant.ui.chat as chat_module

    sleeps: list[float] = []
    monkeypatch.setattr(chat_module.time, "sleep", sleeps.append)
    updates = _run(
        ChatHandler(shared_fake_assistant), "施設委託管理者は何を提出しますか？", ChatSession()
    )
    answer = updates[-1].answer
    assert answer is not None and len(answer.sentences) > 1
    assert len(updates) == len(answer.sentences) + 1  # still streamed sentence by sentence
    assert sleeps == []
