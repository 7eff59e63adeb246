"""The quotes step without a model: candidates holding what a question quotes come first, in
their order, the scores staying with the positions; a quote nobody holds, or of two characters,
moves nothing."""

from pathlib import Path

from assistant.rank import RankContext
from assistant.rank.quotes import QuotedWords, quoted_phrases
from assistant.types import Hit
from tests.fakes import chunk, memory_snapshot, query

DOCUMENTS = chunk(
    "documents", "前項の申請書の提出は、次に掲げる書類を添付して行わなければならない。"
)
NEAR = chunk("near", "需給ひっ迫時における措置として次に掲げるいずれかの措置", position=1)
QUOTED = chunk(
    "quoted", "一 特定重要物資等の需給がひっ迫した場合に行う措置として次に掲げるもの", position=2
)
TERM = chunk("term", "製造業Ｘとは、製造業の新たな姿をいう。", position=3)


def _hits(*chunks: object) -> list[Hit]:
    return [Hit(c, score=10.0 - i) for i, c in enumerate(chunks)]  # type: ignore[arg-type]


def _context(tmp_path: Path) -> RankContext:
    store, snapshot = memory_snapshot([DOCUMENTS, NEAR, QUOTED, TERM], tmp_path)
    return RankContext(snapshot, store)


def _ids(hits: list[Hit]) -> list[str]:
    return [h.chunk.chunk_id for h in hits]


def test_quoted_phrases_are_read_in_every_kind_of_quotation_mark() -> None:
    assert quoted_phrases("要件にある『需給が ひっ迫した場合』とは") == ["需給がひっ迫した場合"]
    assert quoted_phrases('「製造業Ｘの考え方」と“supply chain”と"GOCO scheme"') == [
        "製造業Xの考え方",
        "supplychain",
        "GOCOscheme",
    ]
    # a quoted term is no phrase: keyword search weighs it already
    assert quoted_phrases("報告書には「不明」と書く。「事前相談」と「製造業X」") == []


def test_the_candidates_holding_the_quote_come_first_with_the_scores_kept(tmp_path: Path) -> None:
    hits = _hits(DOCUMENTS, NEAR, QUOTED, TERM)
    asked = query("計画の認定要件にある『需給がひっ迫した場合に行う措置』とは何ですか")
    ranked = QuotedWords().apply(asked, hits, _context(tmp_path))
    assert _ids(ranked) == ["quoted", "documents", "near", "term"]
    assert [h.score for h in ranked] == [h.score for h in hits]
    # a phrase quoted in full width is found in the passage's normalized text
    ranked = QuotedWords().apply(query("「製造業Ｘとは、製造業の」とは"), hits, _context(tmp_path))
    assert _ids(ranked)[0] == "term"
    # a quoted term moves nothing
    assert QuotedWords().apply(query("「製造業Ｘ」とは"), hits, _context(tmp_path)) == hits


def test_a_quote_no_candidate_holds_moves_nothing(tmp_path: Path) -> None:
    hits = _hits(DOCUMENTS, NEAR, QUOTED)
    paraphrase = query("経産省から『技術の移転について報告を出してください』と言われました")
    assert QuotedWords().apply(paraphrase, hits, _context(tmp_path)) == hits
    assert QuotedWords().apply(query("申請書の書類は何ですか"), hits, _context(tmp_path)) == hits
