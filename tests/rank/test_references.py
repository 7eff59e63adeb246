"""The reference step on the memory store, without a model: penalties and the company's fine
come with the rule a penalty question finds, and a passage naming 前条 brings it."""

from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.embedding import HashingEmbedder
from assistant.rank import RankContext
from assistant.rank.references import ReferenceLinks
from assistant.sentences import SentenceScorer, SentenceVectors
from assistant.types import Block, Chunk, DocumentKind, Hit, SourceDocument
from tests.fakes import memory_snapshot, query

LAW = (
    Block("何人も、許可を受けないで、特定技術を提供してはならない。", article="第二十五条"),
    Block("報告は、書面でする。", article="第二十六条"),
    Block("前条の規定による報告は、遅滞なく行う。", article="第二十七条"),
    Block(
        "第二十五条の規定に違反した者は、七年以下の拘禁刑若しくは七百万円以下の罰金に処する。",
        article="第六十九条",
        heading="罰則",
    ),
    Block(
        "法人の代表者又は従業者が、その法人の業務に関し、第六十九条の違反行為をしたときは、"
        "行為者を罰するほか、その法人に対して七億円以下の罰金刑を科する。",
        article="第七十二条",
        heading="罰則",
    ),
)


def _law() -> list[Chunk]:
    return split_into_chunks(SourceDocument("law.md", "法", DocumentKind.LAW, LAW, "x"))


def _step() -> ReferenceLinks:
    return ReferenceLinks(SentenceScorer(SentenceVectors(HashingEmbedder(dimensions=512))))


def test_a_penalty_question_brings_the_penalty_and_the_company_fine_after_the_rule(
    tmp_path: Path,
) -> None:
    chunks = _law()
    by_article = {c.article: c for c in chunks}
    store, snapshot = memory_snapshot(chunks, tmp_path)
    rule, other = by_article["第二十五条"], by_article["第二十六条"]
    hits = [Hit(rule, 2.0, dense_score=0.9), Hit(other, 1.0, dense_score=0.5)]
    asked = query("許可なく技術を提供したら会社はどんな罰則を受けますか")
    assert "penalty" in asked.kinds
    ranked = _step().apply(asked, hits, RankContext(snapshot, store))
    assert [h.chunk.article for h in ranked] == [
        "第二十五条",
        "第六十九条",
        "第七十二条",
        "第二十六条",
    ]
    plain = query("特定技術の提供の許可とは何ですか")
    assert _step().apply(plain, hits, RankContext(snapshot, store)) == hits


def test_a_passage_naming_the_article_before_brings_it_when_that_answers_as_well(
    tmp_path: Path,
) -> None:
    chunks = _law()
    by_article = {c.article: c for c in chunks}
    store, snapshot = memory_snapshot(chunks, tmp_path)
    naming = by_article["第二十七条"]
    hits = [Hit(naming, 2.0, dense_score=0.1)]
    ranked = _step().apply(
        query("前条の規定による報告は書面ですか"), hits, RankContext(snapshot, store)
    )
    assert [h.chunk.article for h in ranked] == ["第二十七条", "第二十六条"]


def test_only_the_provisions_the_closest_sentence_names_are_brought(tmp_path: Path) -> None:
    blocks = (
        *LAW[:2],
        Block(
            "第二十五条の許可の申請は、書面でしなければならない。"
            "第二十六条の報告の様式は、経済産業省令で定める。",
            article="第三十条",
        ),
    )
    chunks = split_into_chunks(SourceDocument("law.md", "法", DocumentKind.LAW, blocks, "x"))
    by_article = {c.article: c for c in chunks}
    store, snapshot = memory_snapshot(chunks, tmp_path)
    assert snapshot.references is not None
    assert len(snapshot.references.references_of(by_article["第三十条"].chunk_id)) == 2
    hits = [Hit(by_article["第三十条"], 2.0, dense_score=0.0)]
    ranked = _step().apply(
        query("許可の申請は書面でしなければなりませんか"), hits, RankContext(snapshot, store)
    )
    assert [h.chunk.article for h in ranked] == ["第三十条", "第二十五条"]
