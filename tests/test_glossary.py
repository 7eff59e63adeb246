"""The glossary: definition scoring (pure), look-up through retrieval, and the cache."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.definitions import definition_score
from assistant.glossary import (
    STARTER_QUESTIONS,
    TERMS,
    Glossary,
    Term,
    highlight_positions,
    look_up,
)

DEFINES = "この法律において「装備品等」とは、自衛隊が使用する装備品をいう。"
INTRODUCES = "主務大臣が指定する法人（以下「施設委託管理者」という。）に委託することができる。"
CROSS_REFERENCE = "特定重要物資（第七条に規定する特定重要物資をいう。）の安定的な供給"
MENTIONS = "特定重要物資の安定供給確保を図る。"


def test_definitions_outrank_introductions_outrank_mentions() -> None:
    assert definition_score(DEFINES, ("装備品等",)) == 5
    assert definition_score(INTRODUCES, ("施設委託管理者",)) == 4
    assert definition_score(MENTIONS, ("特定重要物資",)) == 1
    assert definition_score(MENTIONS, ("GOCO",)) == 0


def test_a_cross_reference_in_brackets_is_no_definition() -> None:
    assert definition_score(CROSS_REFERENCE, ("特定重要物資",)) == 1
    defining = "特定妨害行為（我が国の外部から行われる妨害する行為をいう。以下同じ。）の手段"
    assert definition_score(defining, ("特定妨害行為",)) == 3


def test_aliases_count_as_the_term() -> None:
    assert definition_score("GOCOとは国有施設民間操業です。", ("施設委託管理者", "GOCO")) == 3


def test_highlight_positions_prefer_the_longer_name() -> None:
    text = "安定供給確保支援法人と支援法人"
    assert highlight_positions(text, ("支援法人", "安定供給確保支援法人")) == [(0, 10), (11, 15)]


def test_look_up_quotes_a_defining_sentence_with_its_citation(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    entry = look_up(fake_assistant, Term("装備品等"))
    assert entry.found
    assert "「装備品等」とは" in entry.quote
    assert entry.source.startswith("505AC0000000054")
    assert "第二条" in entry.label
    chunk = fake_assistant.pipeline.reader.snapshot.chunks[entry.chunk_id]
    assert entry.quote in chunk.text


def test_glossary_is_cached_on_disk_and_not_searched_again(  # type: ignore[no-untyped-def]
    fake_assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "glossary.json"
    first = Glossary(fake_assistant, cache).entries()
    assert [e.term for e in first] == [t.name for t in TERMS]
    assert cache.exists()

    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached glossary must not search again")

    monkeypatch.setattr(fake_assistant, "search", no_search)
    started = time.perf_counter()
    assert Glossary(fake_assistant, cache).entries() == first
    assert time.perf_counter() - started < 1.0


def test_glossary_is_rebuilt_when_documents_change(fake_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    glossary = Glossary(fake_assistant, tmp_path / "glossary.json")
    glossary.entries()
    memo = tmp_path / "memo.txt"
    memo.write_text(
        "社内メモ\nこのメモにおいて「施設委託管理者」とは、国有施設を操業する民間事業者をいう。",
        encoding="utf-8",
    )
    fake_assistant.ingest([memo], prune=False)
    goco = next(e for e in glossary.entries() if e.term == "施設委託管理者")
    assert goco.source == "memo.txt"


@pytest.mark.integration
def test_every_term_is_defined_from_the_corpus_with_the_real_model(real_assistant) -> None:  # type: ignore[no-untyped-def]
    entries = Glossary(real_assistant).entries()
    missing = [e.term for e in entries if not e.found]
    assert not missing, f"no definition found for {missing}"
    by_term = {e.term: e for e in entries}
    assert "「施設委託管理者」という" in by_term["施設委託管理者"].quote
    assert "特定重要物資として指定する" in by_term["特定重要物資"].quote


@pytest.mark.integration
def test_every_starter_question_is_answered_not_abstained(real_assistant) -> None:  # type: ignore[no-untyped-def]
    abstained = [q for q in STARTER_QUESTIONS if real_assistant.ask(q).abstained]
    assert not abstained, f"starter questions the corpus does not answer: {abstained}"
