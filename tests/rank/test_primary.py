"""The primary-source step: a copy of a law's answering sentence ranks after the law."""

from dataclasses import replace
from pathlib import Path

from assistant.embedding import HashingEmbedder
from assistant.rank import RankContext
from assistant.rank.primary import PrimarySources
from assistant.sentences import SentenceScorer, SentenceVectors
from assistant.types import Chunk, DocumentKind, Hit
from tests.fakes import chunk, memory_snapshot, query

LAW_SENTENCE = (
    "施設委託管理者は、毎事業年度終了後三月以内に、事業報告書を主務大臣に提出しなければならない。"
)


def _scorer() -> SentenceScorer:
    return SentenceScorer(SentenceVectors(HashingEmbedder(dimensions=512)))


def _ranked(chunks: list[Chunk], hits: list[Hit], question: str, tmp_path: Path) -> list[Hit]:
    """The step's ranking of ``hits`` for ``question`` over an index of ``chunks``."""
    store, snapshot = memory_snapshot(chunks, tmp_path)
    return PrimarySources(_scorer()).apply(query(question), hits, RankContext(snapshot, store))


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
    guide = chunk("guide", "申請書の様式は別に定める。", source="g.md", kind=DocumentKind.GUIDANCE)
    store, snapshot = memory_snapshot([binder, law, guide], tmp_path)
    context = RankContext(snapshot, store)
    q = query("事業報告書はいつまでに提出しますか")
    # The copy below the head is not read, so the law below it stays there.
    hits = [Hit(guide, 3.0), Hit(binder, 2.0), Hit(law, 1.0)]
    assert PrimarySources(_scorer(), depth=1).apply(q, hits, context) == hits
    assert PrimarySources(_scorer(), depth=0).apply(q, hits, context) == hits
    # A copy in the head brings its law up from below the head, to the copy's place (a hit
    # brought into the head takes the head's last score, so the list stays sorted).
    hits = [Hit(binder, 2.0), Hit(law, 1.0)]
    ranked = PrimarySources(_scorer(), depth=1).apply(q, hits, context)
    assert [(h.chunk.chunk_id, h.score) for h in ranked] == [("law", 2.0), ("binder", 2.0)]


def test_the_law_a_copy_quotes_is_brought_in_from_the_index(tmp_path: Path) -> None:
    binder = chunk(
        "binder",
        f"アムハラ語の放出音は鋭い。{LAW_SENTENCE}",
        source="binder.md",
        kind=DocumentKind.OTHER,
    )
    other = chunk("other", "首都の人口は増えている。", source="o.md", kind=DocumentKind.OTHER)
    law = chunk("law", f"{LAW_SENTENCE}２ 前項の報告書には、財務諸表を添付する。", source="act.md")
    store, snapshot = memory_snapshot([binder, other, law], tmp_path)
    q = query("施設委託管理者は事業報告書をいつまでに提出しますか")
    hits = [Hit(binder, 3.0), Hit(other, 2.0)]  # retrieval missed the law
    ranked = PrimarySources(_scorer()).apply(q, hits, RankContext(snapshot, store))
    assert [h.chunk.chunk_id for h in ranked] == ["law", "other", "binder"]
    assert [h.score for h in ranked] == [3.0, 2.0, 2.0]
    assert ranked[0].dense_score is not None  # its cosine to the question, like any hit


def test_a_law_the_asker_may_not_read_is_not_brought_in(tmp_path: Path) -> None:
    binder = chunk("binder", LAW_SENTENCE, source="binder.md", kind=DocumentKind.OTHER)
    other = chunk("other", "首都の人口は増えている。", source="o.md", kind=DocumentKind.OTHER)
    law = replace(chunk("law", LAW_SENTENCE, source="act.md"), visibility="staff")
    hits = [Hit(binder, 3.0), Hit(other, 2.0)]
    question = "施設委託管理者は事業報告書をいつまでに提出しますか"
    assert _ranked([binder, other, law], hits, question, tmp_path) == hits


def test_a_copy_that_cuts_a_sentence_inside_its_brackets_still_brings_in_the_law(
    tmp_path: Path,
) -> None:
    # The binder pasted the law's text up to the 。 inside its bracket, then other text: read
    # with brackets, its sentence runs on; its runs (between 。) are the law's.
    cut = "航空機の部品（航空機用原動機及び航空機の機体を構成するものに限る。"
    binder = chunk(
        "binder", f"{cut}首都の人口は増えている。", source="b.md", kind=DocumentKind.OTHER
    )
    other = chunk("other", "アムハラ語の放出音は鋭い。", source="o.md", kind=DocumentKind.OTHER)
    law = chunk("law", f"一 {cut}）\n二 人工衛星及びその部分品", source="order.md")
    hits = [Hit(binder, 3.0), Hit(other, 2.0)]
    ranked = _ranked([binder, other, law], hits, "航空機の部品は全部対象ですか", tmp_path)
    assert [h.chunk.chunk_id for h in ranked] == ["law", "other", "binder"]


def test_an_ordinance_sharing_a_bracketed_phrase_with_its_law_is_no_copy(tmp_path: Path) -> None:
    phrase = "第九条第一項の認定を受けた者（以下「認定供給確保事業者」という。"
    ordinance = chunk(
        "ord",
        f"{phrase}）は、様式第五による申請書を提出しなければならない。",
        source="ord.md",
        kind=DocumentKind.ORDINANCE,
    )
    law = chunk("law", f"{phrase}）は、計画を変更するときは、認定を受けなければならない。")
    hits = [Hit(ordinance, 2.0), Hit(law, 1.0)]
    assert _ranked([ordinance, law], hits, "変更の申請書の様式は", tmp_path) == hits


def test_a_passage_sharing_one_clause_of_a_long_sentence_brings_nothing_in(
    tmp_path: Path,
) -> None:
    # Read with brackets, the note's sentence runs on after the unclosed 「（」; the law holds
    # its first run only, a small part of it.
    clause = "第九条第一項の認定を受けた者（以下この章において「認定供給確保事業者」という。"
    rest = "次に、支払情報の確認として給与担当者等の電子署名を付与して、控除証明書等データを作成します。"
    note = chunk("note", f"{clause}{rest}{rest}", source="n.md", kind=DocumentKind.OTHER)
    other = chunk("other", "アムハラ語の放出音は鋭い。", source="o.md", kind=DocumentKind.OTHER)
    law = chunk("law", f"{clause}）は、計画を変更するときは、認定を受けなければならない。")
    hits = [Hit(note, 3.0), Hit(other, 2.0)]
    assert _ranked([note, other, law], hits, "控除証明書等データの作成", tmp_path) == hits
