"""The sanctioned step: penalties for a duty the search found rank before those for one it did not."""

from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.rank import RankContext
from assistant.rank.sanctioned import SanctionedProvisions
from assistant.types import Block, DocumentKind, Hit, SourceDocument
from tests.fakes import memory_snapshot, query

LAW = (
    Block(
        "協議会の事務に従事する者は、その事務に関して知り得た秘密を漏らしてはならない。",
        article="第三条",
    ),
    Block(
        "報告の徴収に関する事務に従事する者は、秘密を保持しなければならない。", article="第四十八条"
    ),
    # Two penalties in the same words, for the two duties of secrecy.
    Block(
        "第四十八条の規定に違反して秘密を漏らした者は、一年以下の拘禁刑に処する。",
        article="第九十三条",
    ),
    Block(
        "第三条の規定に違反して秘密を漏らした者は、一年以下の拘禁刑に処する。",
        article="第九十五条",
    ),
    Block(
        "法人の代表者又は従業者が、その法人の業務に関して、第九十五条の違反行為をしたときは、"
        "行為者を罰するほか、その法人に対しても、同条の罰金刑を科する。",
        article="第九十七条",
    ),
    Block("この法律は、公布の日から施行する。", article="第百条"),
)


def _setup(tmp_path: Path, articles: list[str]) -> tuple[RankContext, list[Hit]]:
    chunks = split_into_chunks(SourceDocument("law.md", "推進法", DocumentKind.LAW, LAW, "x"))
    store, snapshot = memory_snapshot(chunks, tmp_path)
    by_article = {c.article: c for c in chunks}
    hits = [Hit(by_article[a], 1.0 - i / 10) for i, a in enumerate(articles)]
    return RankContext(snapshot, store), hits


def _articles(hits: list[Hit]) -> list[str]:
    return [h.chunk.article for h in hits]


QUESTION = "協議会で知った秘密を漏らした場合、罰則はありますか？"


def test_the_penalty_for_the_duty_found_comes_first_and_nothing_else_moves(
    tmp_path: Path,
) -> None:
    # Retrieval found the council's duty (第三条) but not the reports' (第四十八条).
    context, hits = _setup(tmp_path, ["第九十三条", "第百条", "第九十五条", "第三条"])
    ranked = SanctionedProvisions(depth=5).apply(query(QUESTION), hits, context)
    assert _articles(ranked) == ["第九十五条", "第百条", "第九十三条", "第三条"]
    assert [h.score for h in ranked] == [h.score for h in hits]  # scores stay with places


def test_a_company_penalty_follows_the_penalty_it_cites(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path, ["第九十三条", "第九十七条", "第三条"])
    ranked = SanctionedProvisions(depth=5).apply(query(QUESTION), hits, context)
    assert _articles(ranked) == ["第九十七条", "第九十三条", "第三条"]


def test_left_alone_when_no_sanction_is_asked_or_every_duty_was_found(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path, ["第九十三条", "第九十五条", "第三条"])
    step = SanctionedProvisions(depth=5)
    assert step.apply(query("協議会の秘密の扱いは？"), hits, context) == hits
    context, found = _setup(tmp_path / "all", ["第九十三条", "第九十五条", "第三条", "第四十八条"])
    assert step.apply(query(QUESTION), found, context) == found
