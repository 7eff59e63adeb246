"""The conversation step on the memory store, without a model: a follow-up's candidates near
the passages the turn before it was answered from (their article, the provisions linked to
them) rise; a question without anchors keeps its order."""

from dataclasses import replace
from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.rank import RankContext
from assistant.rank.conversation import ConversationAnchors, neighbourhood
from assistant.types import Block, Chunk, DocumentKind, Hit, SourceDocument
from tests.fakes import memory_snapshot, query

LAW = (
    Block(
        "特定社会基盤事業者は、その名称を変更したときは、主務大臣に届け出なければならない。",
        article="第五十条",
    ),
    Block(
        "届出をした者は、その届出の日から三十日を経過するまでは、導入を行ってはならない。",
        article="第五十二条",
    ),
    Block(
        "主務大臣は、前項の届出を受理した日から起算して四月間に限り、期間を延長できる。",
        article="第五十二条",
        paragraph="第二項",
    ),
    Block("特定重要物資の指定は、政令で行う。", article="第七条"),
    Block(
        "第五十条の規定による届出をせず、又は虚偽の届出をした者は、三十万円以下の罰金に処する。",
        article="第九十七条",
        heading="罰則",
    ),
)


def _law(tmp_path: Path) -> tuple[dict[str, list[Chunk]], RankContext]:
    """The law's chunks by article, and the context of a snapshot holding them."""
    chunks = split_into_chunks(SourceDocument("law.md", "法", DocumentKind.LAW, LAW, "x"))
    by_article: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_article.setdefault(chunk.article, []).append(chunk)
    store, snapshot = memory_snapshot(chunks, tmp_path)
    return by_article, RankContext(snapshot, store)


def test_the_neighbourhood_is_the_anchors_article_and_what_the_law_links_to_it(
    tmp_path: Path,
) -> None:
    by_article, context = _law(tmp_path)
    snapshot = context.snapshot
    notice = by_article["第五十条"][0].chunk_id
    near = neighbourhood((notice,), snapshot)
    penalty = by_article["第九十七条"][0].chunk_id
    assert next(iter(near)) == notice
    assert penalty in near  # it cites 第五十条: the penalty for not notifying
    assert not {c.chunk_id for c in by_article["第七条"]} & set(near)
    waiting = [c.chunk_id for c in by_article["第五十二条"]]
    assert set(waiting) <= set(neighbourhood((waiting[0],), snapshot))  # the whole article


def test_a_follow_up_ranks_the_provision_just_quoted_and_its_penalty_first(
    tmp_path: Path,
) -> None:
    by_article, context = _law(tmp_path)
    designation, notice = by_article["第七条"][0], by_article["第五十条"][0]
    hits = [Hit(designation, 1.0, dense_score=0.6), Hit(notice, 0.2, dense_score=0.4)]
    follow_up = replace(query("もし届け出なかったら罰則はありますか？"), anchors=(notice.chunk_id,))
    ranked = ConversationAnchors(bonus=1.0).apply(follow_up, hits, context)
    # The penalty retrieval had missed joins at the pool's lowest score plus the bonus, after
    # the anchor it was brought for (a tie keeps the pool's order first).
    assert [(h.chunk.article, h.score) for h in ranked] == [
        ("第五十条", 1.2),
        ("第九十七条", 1.2),
        ("第七条", 1.0),
    ]
    assert ranked[1].dense_score is not None  # its cosine to the question, for abstaining


def test_without_anchors_or_with_no_bonus_nothing_moves(tmp_path: Path) -> None:
    by_article, context = _law(tmp_path)
    hits = [Hit(by_article["第七条"][0], 1.5), Hit(by_article["第五十条"][0], 0.2)]
    standalone = query("罰則はありますか？")
    assert ConversationAnchors().apply(standalone, hits, context) == hits
    anchored = replace(standalone, anchors=(by_article["第五十条"][0].chunk_id,))
    assert ConversationAnchors(bonus=0.0).apply(anchored, hits, context) == hits
