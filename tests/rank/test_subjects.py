"""The subjects step: a scheme's provisions, from the subject index, placed near the head."""

from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.rank import RankContext
from assistant.rank.subjects import SubjectProvisions
from assistant.subjects import Provision, Subject, SubjectIndex
from assistant.types import Block, DocumentKind, Hit, SearchFilter, SourceDocument
from tests.fakes import memory_snapshot, query

LAW = (
    Block("主務大臣は、取引を行つた者に対し、報告を求めることができる。", article="第五十五条の八"),
    Block("技術導入契約の締結は、届け出なければならない。", article="第三十条"),
    Block("この法律において「技術」とは、製造に関する技術をいう。", article="第二条"),
    # Two penalties in the same words: one for the technology-import notice, one for the
    # reporting power the scheme is made of.
    Block(
        "第三十条の規定による届出をせず、又は虚偽の届出をして、技術導入契約の締結をした者は、"
        "一年以下の拘禁刑に処する。",
        article="第七十条",
    ),
    Block(
        "第五十五条の八の規定に基づく命令の規定に違反して、報告をせず、又は虚偽の報告をした"
        "者は、五十万円以下の罰金に処する。",
        article="第七十一条",
    ),
)
ORDINANCE = (
    Block(
        "報告を求める事項は、告示又は通知する方法により明示する。" * 12,
        article="第十条",
        paragraph="第三項",
    ),
    Block(
        "前項の命令を受けた者は、遅滞なく、報告書を提出しなければならない。" * 12,
        article="第十条",
        paragraph="第四項",
    ),
)

INDEX = SubjectIndex(
    (
        Subject(
            "技術移転の事前報告",
            (("技術", "移転", "報告"), ("technolog", "transfer", "report")),
            (Provision("law.md", "第五十五条の八"), Provision("ordinance.md", "第十条")),
        ),
    )
)


def _setup(tmp_path: Path) -> tuple[RankContext, list[Hit]]:
    law = split_into_chunks(SourceDocument("law.md", "外為法", DocumentKind.LAW, LAW, "x"))
    ordinance = split_into_chunks(
        SourceDocument("ordinance.md", "省令", DocumentKind.ORDINANCE, ORDINANCE, "x")
    )
    store, snapshot = memory_snapshot(law + ordinance, tmp_path)
    # Retrieval's order: the technology-import article first, the reporting power last.
    by_article = {c.article: c for c in law}
    ranked = [by_article["第三十条"], by_article["第二条"], by_article["第五十五条の八"]]
    hits = [Hit(c, 1.0 - i / 10) for i, c in enumerate(ranked)]
    return RankContext(snapshot, store), hits


def _cited(hits: list[Hit]) -> list[str]:
    return [f"{h.chunk.source}:{h.chunk.article}" for h in hits]


def test_a_scheme_asked_by_its_everyday_name_gets_its_provisions_after_the_first_hit(
    tmp_path: Path,
) -> None:
    context, hits = _setup(tmp_path)
    ranked = SubjectProvisions(INDEX, after=1).apply(
        query("技術の移転について報告を求められました。根拠は？"), hits, context
    )
    # The first hit keeps its place; the ranked provision moves up, the missing one comes in.
    assert _cited(ranked) == [
        "law.md:第三十条",
        "law.md:第五十五条の八",
        "ordinance.md:第十条",
        "law.md:第二条",
    ]
    assert ranked[1].score == ranked[2].score == hits[0].score
    assert len({h.chunk.chunk_id for h in ranked}) == len(ranked)


def test_placed_at_the_head_and_in_english(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path)
    ranked = SubjectProvisions(INDEX, after=0).apply(
        query("How is a technology transfer reported?", language="en"), hits, context
    )
    assert _cited(ranked)[:2] == ["law.md:第五十五条の八", "ordinance.md:第十条"]


def test_a_question_not_asking_about_the_scheme_is_left_alone(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path)
    step = SubjectProvisions(INDEX)
    # 技術 and 報告 without a transfer: research reporting, not the foreign-exchange scheme.
    for text in ("技術の研究開発について報告は必要ですか", "技術導入契約の届出は"):
        assert step.apply(query(text), hits, context) == hits


def test_a_provision_the_searcher_may_not_read_is_not_brought_in(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path)
    only_law = SearchFilter(sources=("law.md",))
    ranked = SubjectProvisions(INDEX, after=0).apply(
        query("技術移転の報告", search_filter=only_law), hits, context
    )
    assert all(h.chunk.source == "law.md" for h in ranked)
    assert _cited(ranked)[0] == "law.md:第五十五条の八"


def test_of_an_article_in_several_chunks_one_is_placed(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path)
    assert len(context.snapshot.article_chunks("ordinance.md", "第十条")) > 1
    ranked = SubjectProvisions(INDEX).apply(query("技術移転の報告書はいつまでに"), hits, context)
    assert [h.chunk.source for h in ranked].count("ordinance.md") == 1


def test_a_provision_already_at_the_top_keeps_its_place(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path)
    first = [hits[2], hits[0], hits[1]]  # the reporting power ranked first by retrieval
    ranked = SubjectProvisions(INDEX, after=1).apply(query("技術移転の報告"), first, context)
    assert _cited(ranked) == [
        "law.md:第五十五条の八",
        "ordinance.md:第十条",
        "law.md:第三十条",
        "law.md:第二条",
    ]


def test_a_follow_up_continues_the_subject_its_earlier_turn_was_answered_from(
    tmp_path: Path,
) -> None:
    context, hits = _setup(tmp_path)
    power = next(h.chunk.chunk_id for h in hits if h.chunk.article == "第五十五条の八")
    step = SubjectProvisions(INDEX, after=0)
    follow_up = query("その報告書はいつまでに出せばいいですか", anchors=(power,))
    assert _cited(step.apply(follow_up, hits, context))[:2] == [
        "law.md:第五十五条の八",
        "ordinance.md:第十条",
    ]
    # Anchored elsewhere (the technology-import article), it is left alone.
    other = hits[0].chunk.chunk_id
    assert step.apply(query("その届出は", anchors=(other,)), hits, context) == hits


def _with_the_wrong_penalty_first(tmp_path: Path) -> tuple[RankContext, list[Hit]]:
    context, hits = _setup(tmp_path)
    snapshot = context.snapshot
    wrong = snapshot.chunks[snapshot.article_chunks("law.md", "第七十条")[0]]
    return context, [Hit(wrong, 1.1), *hits]


def test_a_penalty_question_gets_the_penalty_the_law_links_to_the_scheme_first(
    tmp_path: Path,
) -> None:
    context, hits = _with_the_wrong_penalty_first(tmp_path)
    ranked = SubjectProvisions(INDEX, after=1).apply(
        query("技術移転の事前報告をしなかったら罰則はありますか"), hits, context
    )
    # The penalty citing 第五十五条の八 first (brought in: retrieval missed it), then the
    # first hit, then the scheme's provisions.
    assert _cited(ranked)[:4] == [
        "law.md:第七十一条",
        "law.md:第七十条",
        "law.md:第五十五条の八",
        "ordinance.md:第十条",
    ]
    assert ranked[0].score == hits[0].score
    assert [h.score for h in ranked] == sorted((h.score for h in ranked), reverse=True)


def test_a_follow_up_on_the_penalty_continues_the_scheme(tmp_path: Path) -> None:
    context, hits = _with_the_wrong_penalty_first(tmp_path)
    power = next(h.chunk.chunk_id for h in hits if h.chunk.article == "第五十五条の八")
    ranked = SubjectProvisions(INDEX, after=1).apply(
        query("報告しなかった場合の罰則は？", anchors=(power,)), hits, context
    )
    assert _cited(ranked)[0] == "law.md:第七十一条"


def test_no_penalty_is_placed_for_a_question_not_about_a_breach(tmp_path: Path) -> None:
    context, hits = _with_the_wrong_penalty_first(tmp_path)
    ranked = SubjectProvisions(INDEX, after=1).apply(
        query("技術移転の事前報告はいつまでに出しますか"), hits, context
    )
    assert "law.md:第七十一条" not in _cited(ranked)
    assert _cited(ranked)[0] == "law.md:第七十条"  # the first hit keeps its place
