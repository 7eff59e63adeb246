"""HTML of answers and sources: highlighting, escaping, abstention style, section context."""

from __future__ import annotations

from typing import Any

from assistant.answer.related import annotate
from assistant.types import Answer, AnswerSentence, Citation, SearchFilter
from assistant.ui.context import join_overlapping, section_chunks, surrounding_section
from assistant.ui.sources import highlight, render_answer_message, render_sources_panel


def test_highlight_marks_sentences_and_escapes_everything_else() -> None:
    html = highlight("<b>前文</b>。該当する文。後文", ["該当する文。"])
    assert html == "&lt;b&gt;前文&lt;/b&gt;。<mark>該当する文。</mark>後文"


def test_highlight_skips_overlapping_sentences() -> None:
    assert highlight("ABCDE", ["ABC", "BCD"]) == "<mark>ABC</mark>DE"


def test_join_overlapping_drops_the_repeated_prefix() -> None:
    first, second = "前文。第二項の規定による届出は", "第二項の規定による届出は、書面で行う。"
    assert join_overlapping([first, second]) == "前文。第二項の規定による届出は、書面で行う。"
    assert join_overlapping(["甲", "乙"]) == "甲\n乙"


def _answer(assistant: Any, question: str) -> Answer:
    return assistant.ask(question)


def test_answer_message_links_every_marker_to_its_card(shared_fake_assistant: Any) -> None:
    answer = _answer(shared_fake_assistant, "施設委託管理者は何を提出しますか？")
    message = render_answer_message(shared_fake_assistant, answer, 3)
    panel = render_sources_panel(shared_fake_assistant, [(3, answer)])
    for citation in answer.citations:
        assert f'href="#cite-3-{citation.marker}"' in message
        assert f'id="cite-3-{citation.marker}"' in panel
    assert "<mark>" in panel and "前後を含む条文" in panel


def test_abstention_is_styled_apart_and_lists_nearest_passages(shared_fake_assistant: Any) -> None:
    answer = _answer(shared_fake_assistant, "今日の東京の天気はどうですか？")
    assert answer.abstained
    message = render_answer_message(shared_fake_assistant, answer, 1)
    panel = render_sources_panel(shared_fake_assistant, [(1, answer)])
    assert message.startswith('<div class="abstain">') and "回答を控えます" in message
    assert 'class="turn-sources abstained"' in panel and 'id="near-1-1"' in panel


def test_newest_turn_is_open_and_earlier_turns_are_folded(shared_fake_assistant: Any) -> None:
    first = _answer(shared_fake_assistant, "GOCOとは何ですか？")
    second = _answer(shared_fake_assistant, "供給確保計画とは何ですか？")
    panel = render_sources_panel(shared_fake_assistant, [(1, first), (2, second)])
    assert panel.index("質問2") < panel.index("質問1")
    assert panel.count(" open>") == 1


def test_section_is_the_whole_article_of_the_chunk(shared_fake_assistant: Any) -> None:
    hit = shared_fake_assistant.search("施設委託管理者", k=1)[0]
    chunks = section_chunks(shared_fake_assistant, hit.chunk)
    assert all(c.source == hit.chunk.source for c in chunks)
    if hit.chunk.article:
        assert all(c.article == hit.chunk.article for c in chunks)
    assert hit.chunk.text[:30] in surrounding_section(shared_fake_assistant, hit.chunk)


def test_cards_list_related_provisions_and_answers_show_definitions(
    shared_fake_assistant: Any,
) -> None:
    snapshot = shared_fake_assistant.pipeline.reader.snapshot
    rule = next(
        c
        for c in snapshot.chunks.values()
        if "gaitameho" in c.source and c.article == "第二十五条" and "特定技術" in c.text
    )
    answer = annotate(
        Answer(
            "特定技術の提供に許可は要りますか",
            "",
            "…",
            False,
            (AnswerSentence("…", 1),),
            (Citation(1, rule, "…"),),
        ),
        snapshot,
        SearchFilter(),
    )
    (citation,) = answer.citations
    assert citation.referenced_by, "the penalties name the rule they punish"
    panel = render_sources_panel(shared_fake_assistant, [(1, answer)])
    assert panel.count('<details class="related">') == 1
    for chunk in (*citation.references, *citation.referenced_by):
        assert chunk.citation in panel
    defined = _answer(shared_fake_assistant, "非居住者とは何ですか？")
    message = render_answer_message(shared_fake_assistant, defined, 2)
    assert defined.definitions and defined.definitions[0].term == "非居住者"
    assert "用語の定義" in message and "「非居住者」とは" in message
