"""The changes step: a question that changes nothing ranks the base procedure before its change."""

from pathlib import Path

import pytest

from assistant.chunking import split_into_chunks
from assistant.rank import RankContext
from assistant.rank.changes import ChangeProvisions, change_asked, opening_sentence
from assistant.types import Block, DocumentKind, Hit, SourceDocument
from tests.fakes import memory_snapshot, query

ORDINANCE = (
    Block(
        "法第九条第一項の規定により供給確保計画の認定を受けようとする者は、申請書を経済産業大臣に"
        "提出しなければならない。\n２ 前項の申請書の提出は、次に掲げる書類を添付して行わなければ"
        "ならない。",
        article="第二条",
    ),
    Block(
        "法第十条第一項の規定により認定供給確保計画（令第一条第三号に掲げる特定重要物資に係るもの"
        "に限る。以下同じ。）の変更の認定を受けようとする者は、申請書を経済産業大臣に提出しなければ"
        "ならない。\n２ 前項の申請書の提出は、次に掲げる書類を添付して行わなければならない。",
        article="第五条",
    ),
    # A change only inside parentheses: the provision is about revoking, not changing.
    Block(
        "経済産業大臣は、認定供給確保計画（前条第一項の規定による変更の認定があったときは、その"
        "変更後のもの）に従って取組が行われていないと認めるときは、その認定を取り消すことができる。",
        article="第八条",
    ),
    # Allowing a change of what it grants is not a change procedure.
    Block(
        "主務大臣は、許可に条件を付し、及びこれを変更することができる。",
        article="第九条",
    ),
)


def _setup(tmp_path: Path, articles: list[str]) -> tuple[RankContext, list[Hit]]:
    document = SourceDocument("ordinance.md", "省令", DocumentKind.LAW, ORDINANCE, "x")
    chunks = split_into_chunks(document)
    store, snapshot = memory_snapshot(chunks, tmp_path)
    first = {}
    for c in chunks:
        first.setdefault(c.article, c)
    hits = [Hit(first[a], 1.0 - i / 10) for i, a in enumerate(articles)]
    return RankContext(snapshot, store), hits


def _articles(hits: list[Hit]) -> list[str]:
    return [h.chunk.article for h in hits]


def test_the_base_procedure_comes_before_its_change_and_scores_keep_their_places(
    tmp_path: Path,
) -> None:
    context, hits = _setup(tmp_path, ["第五条", "第八条", "第二条", "第九条"])
    ranked = ChangeProvisions(depth=10).apply(
        query("認定の申請書にはどんな書類を添付すればよいですか？"), hits, context
    )
    assert _articles(ranked) == ["第八条", "第二条", "第九条", "第五条"]
    assert [h.score for h in ranked] == [h.score for h in hits]


@pytest.mark.parametrize(
    "question",
    [
        "計画の実施期間を延ばす場合も認定が必要ですか？",
        "代表者が交代しただけの場合も、同じ手続が必要ですか？",
        "How do we amend an approved plan?",
    ],
)
def test_a_question_about_a_change_is_left_alone(tmp_path: Path, question: str) -> None:
    context, hits = _setup(tmp_path, ["第五条", "第二条"])
    assert ChangeProvisions(depth=10).apply(query(question), hits, context) == hits


def test_only_the_head_is_reordered(tmp_path: Path) -> None:
    context, hits = _setup(tmp_path, ["第五条", "第八条", "第二条"])
    ranked = ChangeProvisions(depth=2).apply(query("申請書の添付書類は？"), hits, context)
    assert _articles(ranked) == ["第八条", "第五条", "第二条"]


def test_reading_the_question_and_the_opening_sentence() -> None:
    assert change_asked("供給確保計画を変えたいのですが")
    assert change_asked("Can the plan be modified?")
    assert not change_asked("供給確保計画の認定の申請書には何を添付しますか？")
    assert not change_asked("What must the application include?")
    assert opening_sentence("甲（乙（丙）を含む。）は、丁とする。次の文。") == "甲は、丁とする"
