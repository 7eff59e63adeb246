"""Quoting reads a law sentence with the paragraphs of its article that it names."""

from pytest import approx

from assistant.answer.quoting import QuotingWeights, candidate_sentences
from assistant.answer.referents import referent_sentences
from assistant.types import Chunk, DocumentKind, Hit

_REPORT = (
    "８ 安定供給確保支援法人は、安定供給確保支援法人基金に係る業務に関する報告書を作成し、"
    "主務大臣に提出しなければならない。"
)
_PARLIAMENT = (
    "９ 主務大臣は、前項に規定する報告書の提出を受けたときは、これに意見を付けて、"
    "国会に報告しなければならない。"
)
_DESIGNATION = "主務大臣は、特別の対策を講ずる必要がある特定重要物資として指定することができる。"
_STOCKPILE = (
    "６ 主務大臣は、第一項の規定による指定をした特定重要物資について、備蓄を講ずるものとする。"
)


def _chunk(
    cid: str,
    text: str,
    position: int,
    paragraph: str,
    article: str = "第三十四条",
    kind: DocumentKind = DocumentKind.LAW,
) -> Chunk:
    return Chunk(
        cid,
        "law.md",
        "推進法",
        kind,
        text,
        text,
        position,
        article=article,
        paragraph=paragraph,
    )


def test_former_paragraph_in_the_same_chunk() -> None:  # 前項
    chunk = _chunk("a", f"{_REPORT}\n{_PARLIAMENT}", 0, "第八項から第九項まで")
    # 第八項 names no paragraph; 第九項's 前項 is 第八項.
    assert referent_sentences(chunk, None) == [[], [_REPORT]]


def test_numbered_paragraph_found_in_an_earlier_chunk_of_the_article() -> None:  # 第一項
    first = _chunk("a", _DESIGNATION, 0, "", article="第四十四条")
    middle = _chunk("b", "２ 主務大臣は、公示するものとする。", 1, "第二項", article="第四十四条")
    sixth = _chunk("c", _STOCKPILE, 2, "第六項", article="第四十四条")
    before = {"b": first, "c": middle}
    assert referent_sentences(sixth, lambda c: before.get(c.chunk_id)) == [[_DESIGNATION]]
    # The chunk before belongs to another article: its first paragraph is not this one's.
    other = _chunk("z", "別の条の第一項である。", 0, "", article="第四十三条")
    assert referent_sentences(sixth, lambda c: other) == [[]]


def test_no_referents_outside_law_text_or_articles() -> None:
    guidance = _chunk("a", f"{_REPORT}\n{_PARLIAMENT}", 0, "", kind=DocumentKind.GUIDANCE)
    assert referent_sentences(guidance, None) == [[], []]
    loose = _chunk("b", f"{_REPORT}\n{_PARLIAMENT}", 0, "", article="")
    assert referent_sentences(loose, None) == [[], []]


def test_the_named_paragraph_counts_the_question_words_it_holds_at_a_discount() -> None:
    hit = Hit(_chunk("a", f"{_REPORT}\n{_PARLIAMENT}", 0, "第八項から第九項まで"), 1.0)
    words = ["主務大臣", "支援法人", "基金", "報告書", "受け取"]
    tokenize = lambda text: [w for w in words if w in text]  # noqa: E731

    def parliament(weight: float) -> float:
        scored = candidate_sentences(
            [hit], words, tokenize, lambda _: 1.0, weights=QuotingWeights(referent=weight)
        )
        return next(s.score for s in scored if s.text == _PARLIAMENT)

    # Alone 第九項 holds 主務大臣 and 報告書 (2 of 5 words); 第八項 adds 支援法人 and 基金.
    prior = QuotingWeights().rank_prior[0]
    assert parliament(0.0) - prior == approx(2 / 5)
    assert parliament(0.5) - prior == approx((2 + 0.5 * 2) / 5)
    assert parliament(1.0) - prior == approx(4 / 5)
