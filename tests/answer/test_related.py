"""An answer carries its citations' linked provisions and the definitions of its terms, as far
as the asker may see them."""

from pathlib import Path

from assistant.answer.related import annotate
from assistant.chunking import split_into_chunks
from assistant.index.snapshot import Snapshot
from assistant.present.answer import answer_to_dict, render_answer_text
from assistant.types import (
    Answer,
    Block,
    Chunk,
    Citation,
    DocumentKind,
    SearchFilter,
    SourceDocument,
)
from tests.fakes import memory_snapshot

LAW = (
    Block(
        "この法律において「居住者」とは、本邦内に住所を有する自然人をいう。"
        "この法律において「非居住者」とは、居住者以外の自然人をいう。",
        article="第六条",
    ),
    Block(
        "居住者は、非居住者に特定の技術を提供するときは、許可を受けなければならない。",
        article="第二十五条",
    ),
    Block(
        "第二十五条の規定に違反した者は、七年以下の拘禁刑に処する。",
        article="第六十九条",
        heading="罰則",
    ),
)
GUIDE = (Block("前条の手続は、窓口で相談できる。", article="第二条"),)


def _setup(tmp_path: Path) -> tuple[dict[str, Chunk], Snapshot]:
    law = split_into_chunks(SourceDocument("law.md", "試験法", DocumentKind.LAW, LAW, "x"))
    guide = split_into_chunks(SourceDocument("guide.md", "手引", DocumentKind.GUIDANCE, GUIDE, "y"))
    _, snapshot = memory_snapshot([*law, *guide], tmp_path)
    return {c.article: c for c in law}, snapshot


def test_citations_list_what_they_name_and_what_names_them(tmp_path: Path) -> None:
    by_article, snapshot = _setup(tmp_path)
    rule = by_article["第二十五条"]
    answer = Answer(
        "非居住者への提供に許可は要りますか",
        "",
        "…",
        False,
        citations=(Citation(1, rule, "許可を受けなければならない"),),
    )
    annotated = annotate(answer, snapshot, SearchFilter())
    (citation,) = annotated.citations
    assert [c.article for c in citation.referenced_by] == ["第六十九条"]
    shown = answer_to_dict(annotated)["citations"][0]
    assert shown["referenced_by"][0]["provision"] == "第六十九条"
    assert "被参照: 試験法 第六十九条" in render_answer_text(annotated)


def test_terms_of_the_question_show_their_definition_each_term_once(tmp_path: Path) -> None:
    _, snapshot = _setup(tmp_path)
    answer = Answer("非居住者に技術を提供する居住者は何をすべきですか", "", "…", True)
    annotated = annotate(answer, snapshot, SearchFilter())
    terms = [(d.term, d.provision) for d in annotated.definitions]
    # 居住者 inside 非居住者 is not a second mention; the separate 居住者 is.
    assert terms == [("非居住者", "第六条"), ("居住者", "第六条")]
    assert annotated.definitions[0].text.startswith("この法律において「非居住者」とは")
    assert answer_to_dict(annotated)["definitions"][0]["term"] == "非居住者"
    alone = annotate(Answer("非居住者とは", "", "…", True), snapshot, SearchFilter())
    assert [d.term for d in alone.definitions] == ["非居住者"]


def test_what_the_asker_may_not_see_is_not_listed(tmp_path: Path) -> None:
    by_article, snapshot = _setup(tmp_path)
    answer = Answer(
        "居住者とは",
        "",
        "…",
        False,
        citations=(Citation(1, by_article["第二十五条"], "許可を受けなければならない"),),
    )
    only_guides = SearchFilter(kinds=(DocumentKind.GUIDANCE,))
    annotated = annotate(answer, snapshot, only_guides)
    assert annotated.citations[0].referenced_by == ()
    assert annotated.definitions == ()
