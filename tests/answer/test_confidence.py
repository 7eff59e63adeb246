"""The evidence an abstention is decided on: word coverage, with the thesaurus's terms."""

from assistant.answer.confidence import measure_evidence
from assistant.types import Compound, Hit
from tests.fakes import chunk

PASSAGE = chunk("c1", "特定社会基盤事業者は、特定重要設備の導入の前に届け出なければならない。")
TOKENS = {"c1": {"特定", "社会", "基盤", "事業", "者", "設備", "導入", "前", "届け出る"}}


def _coverage(words: tuple[str, ...], equivalents: dict[str, tuple[tuple[str, ...], ...]]) -> float:
    evidence = measure_evidence(
        words,
        [Hit(chunk=PASSAGE, score=1.0, dense_score=0.85)],
        lambda cid: TOKENS[cid],
        lambda _word: 1.0,
        english=False,
        equivalents=equivalents,
    )
    assert evidence.coverage is not None
    return evidence.coverage


def test_a_word_is_covered_by_the_whole_of_a_documents_term_for_it() -> None:
    words = ("インフラ", "設備", "入れ替える")
    assert _coverage(words, {}) == 1 / 3
    assert _coverage(words, {"インフラ": (("特定", "社会", "基盤"),)}) == 2 / 3
    # part of a term is not the term: 特定 alone is in half the statutes' sentences
    assert _coverage(words, {"インフラ": (("特定", "電気", "通信"),)}) == 1 / 3


def test_closeness_is_read_on_retrieved_passages_not_on_those_brought_in_by_links() -> None:
    linked = Hit(chunk=chunk("c2", "罰金に処する。"), score=2.0, dense_score=None)
    retrieved = Hit(chunk=PASSAGE, score=1.0, dense_score=0.85)
    evidence = measure_evidence(
        ("罰則",), [linked, retrieved], lambda cid: set(), lambda _w: 1.0, english=True
    )
    assert evidence.dense == 0.85


def test_the_words_of_a_compound_no_passage_uses_are_covered_by_none() -> None:
    # 「特定設備」 is nowhere in the index although 特定 and 設備 are everywhere: a passage
    # holding both words does not cover what the compound names.
    words = ("特定", "設備", "導入")
    hits = [Hit(chunk=PASSAGE, score=1.0, dense_score=0.85)]
    plain = measure_evidence(words, hits, lambda cid: TOKENS[cid], lambda _w: 1.0, english=False)
    unknown = (Compound("特定設備", ("特定", "設備")),)
    strict = measure_evidence(
        words, hits, lambda cid: TOKENS[cid], lambda _w: 1.0, english=False, unknown=unknown
    )
    assert plain.coverage == 1.0
    assert strict.coverage == 1 / 3
    assert strict.unknown == ("特定設備",)
    assert strict.confidence < plain.confidence
