"""The primary-source step: a copy of a law's answering sentence ranks after the law."""

from pathlib import Path

from assistant.embedding import HashingEmbedder
from assistant.rank import RankContext
from assistant.rank.primary import PrimarySources
from assistant.sentences import SentenceScorer, SentenceVectors
from assistant.types import DocumentKind, Hit
from tests.fakes import chunk, memory_snapshot, query

LAW_SENTENCE = (
    "施設委託管理者は、毎事業年度終了後三月以内に、事業報告書を主務大臣に提出しなければならない。"
)


def _scorer() -> SentenceScorer:
    return SentenceScorer(SentenceVectors(HashingEmbedder(dimensions=512)))


def test_a_binder_quoting_the_law_ranks_after_the_law_brought_up_to_its_place(
    tmp_path: Path,
) -> None:
    binder = chunk(
        "binder",
        f"アムハラ語の放出音は鋭い。{LAW_SENTENCE}首都の人口は増えている。",
        source="binder.md",
        kind=DocumentKind.OTHER,
    )
    unrelated = chunk(
        "guide", "申請書の様式は別に定める。", source="guide.md", kind=DocumentKind.GUIDANCE
    )
    law = chunk("law", f"{LAW_SENTENCE}２ 前項の報告書には、財務諸表を添付する。", source="act.md")
    store, snapshot = memory_snapshot([binder, unrelated, law], tmp_path)
    hits = [Hit(binder, 3.0), Hit(unrelated, 2.0), Hit(law, 1.0)]
    ranked = PrimarySources(_scorer()).apply(
        query("施設委託管理者は事業報告書をいつまでに提出しますか"),
        hits,
        RankContext(snapshot, store),
    )
    assert [h.chunk.chunk_id for h in ranked] == ["law", "guide", "binder"]
    assert [h.score for h in ranked] == [3.0, 2.0, 1.0]  # still sorted by score


def test_passages_sharing_no_answering_sentence_keep_their_order(tmp_path: Path) -> None:
    article = chunk(
        "article", "GOCOの活用も検討します。", source="article.txt", kind=DocumentKind.ARTICLE
    )
    law = chunk("law", LAW_SENTENCE, source="act.md")
    store, snapshot = memory_snapshot([article, law], tmp_path)
    hits = [Hit(article, 2.0), Hit(law, 1.0)]
    step = PrimarySources(_scorer())
    assert step.apply(query("GOCOとは何ですか"), hits, RankContext(snapshot, store)) == hits


def test_copies_within_one_kind_and_a_short_shared_phrase_change_nothing(tmp_path: Path) -> None:
    # Two laws repeating a sentence is not copying from an authority; 「以下同じ。」 is no quote.
    first = chunk("first", LAW_SENTENCE, source="a.md")
    second = chunk("second", f"{LAW_SENTENCE}以下同じ。", source="b.md")
    store, snapshot = memory_snapshot([first, second], tmp_path)
    hits = [Hit(second, 2.0), Hit(first, 1.0)]
    context = RankContext(snapshot, store)
    assert PrimarySources(_scorer()).apply(query("事業報告書の提出"), hits, context) == hits
    note = chunk("note", "以下同じ。備考を記す。", source="n.md", kind=DocumentKind.OTHER)
    law = chunk("law", "以下同じ。定義を置く。", source="act.md")
    store, snapshot = memory_snapshot([note, law], tmp_path / "short")
    hits = [Hit(note, 2.0), Hit(law, 1.0)]
    assert (
        PrimarySources(_scorer()).apply(query("備考"), hits, RankContext(snapshot, store)) == hits
    )


def test_only_the_head_is_read_and_a_depth_of_zero_turns_it_off(tmp_path: Path) -> None:
    binder = chunk(
        "binder", LAW_SENTENCE + "余談である。", source="binder.md", kind=DocumentKind.OTHER
    )
    law = chunk("law", LAW_SENTENCE, source="act.md")
    store, snapshot = memory_snapshot([binder, law], tmp_path)
    hits = [Hit(binder, 2.0), Hit(law, 1.0)]
    context = RankContext(snapshot, store)
    q = query("事業報告書はいつまでに提出しますか")
    assert PrimarySources(_scorer(), depth=1).apply(q, hits, context) == hits
    assert PrimarySources(_scorer(), depth=0).apply(q, hits, context) == hits
    assert [
        h.chunk.chunk_id for h in PrimarySources(_scorer(), depth=2).apply(q, hits, context)
    ] == [
        "law",
        "binder",
    ]
