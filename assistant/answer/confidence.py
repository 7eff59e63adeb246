"""How well retrieved passages cover a question: the basis for abstaining.

Two signals, both cheap: the dense cosine of the best passage (multilingual, so it works for
English questions over Japanese text) and the idf-weighted share of the question's content
words that the best passages contain. A word the corpus never uses (最低賃金 in a corpus of
economic-security law) weighs as much as the rarest known word, which is what makes an
out-of-scope question score low even when some generic words match.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from assistant.types import Compound, Evidence, Hit

# Question words and light verbs say what is asked, not what it is about.
QUESTION_WORDS = frozenset(
    [
        "何",
        "なに",
        "いつ",
        "どこ",
        "誰",
        "だれ",
        "どの",
        "どう",
        "どんな",
        "どれ",
        "如何",
        "いくら",
        "幾ら",
        "なぜ",
        "何故",
        "ある",
        "有る",
        "居る",
        "いる",
        "為る",
        "する",
        "成る",
        "なる",
        "出来る",
        "できる",
        "教える",
        "下さる",
        "くださる",
        "言う",
        "いう",
        "思う",
        "知る",
        "分かる",
        "わかる",
        "場合",
        "こと",
        "事",
        "もの",
        "物",
        "方",
        "よう",
        "様",
        "ため",
        "為",
        "とき",
        "時",
        "必要",
        "ない",
        "無い",
        "良い",
        "よい",
        "可能",
        "what",
        "which",
        "who",
        "when",
        "where",
        "how",
        "why",
        "does",
        "do",
        "is",
        "are",
        "law",
    ]
)


@dataclass(frozen=True)
class DenseBands:
    """e5 cosines are compressed into a narrow band; these bounds map it onto [0, 1]. A
    question in English matched against Japanese passages scores lower than a Japanese one, so
    it gets its own band. Settings: ``ASSISTANT_EVIDENCE_*``."""

    floor: float = 0.80
    ceiling: float = 0.94
    floor_en: float = 0.75
    ceiling_en: float = 0.85


def content_tokens(tokens: Sequence[str]) -> list[str]:
    """Question tokens that name a topic (question words and light verbs removed)."""
    return [t for t in dict.fromkeys(tokens) if t not in QUESTION_WORDS and len(t) > 0]


def measure_evidence(
    question_tokens: Sequence[str],
    hits: Sequence[Hit],
    chunk_tokens: Callable[[str], set[str]],
    idf: Callable[[str], float],
    english: bool,
    bands: DenseBands | None = None,
    equivalents: Mapping[str, Sequence[Sequence[str]]] | None = None,
    unknown: Sequence[Compound] = (),
) -> Evidence:
    """Score how well the top three hits support an answer, in [0, 1].

    A word the thesaurus or a law's definition translates (``equivalents``: インフラ ->
    特定社会基盤) is covered by a passage that uses all the tokens of one of its terms: users say
    the everyday word, statutes the defined term, and the passage answers either way.

    ``unknown`` are the question's noun compounds that no indexed passage uses (「登記識別情報」,
    「地震保険」): their words count as covered by no passage. Split, a compound's words are
    common words of any statute (登記, 情報, 保険), and a passage on company registration
    certificates would cover a question on land-registry passwords."""
    bands = bands or DenseBands()
    top = list(hits[:3])
    # Passages that ranking brought in through the laws' links (a penalty, the order filling
    # in a detail) were not retrieved and carry no similarity: the question's closeness to the
    # documents is read on the first three that were.
    dense_values = [h.dense_score for h in hits if h.dense_score is not None][:3]
    dense = max(dense_values) if dense_values else 0.0
    floor, ceiling = (bands.floor_en, bands.ceiling_en) if english else (bands.floor, bands.ceiling)
    dense_scaled = scaled_dense(dense, floor, ceiling)
    named = tuple(c.text for c in unknown)
    inside = {t for c in unknown for t in c.tokens}
    words = content_tokens(question_tokens)
    if english or not words or not top:
        return Evidence(dense, None, dense_scaled if top else 0.0, named)
    total = sum(idf(w) for w in words)
    alternatives = equivalents or {}

    def covered(word: str, tokens: set[str]) -> bool:
        return word not in inside and covers(word, tokens, alternatives)

    coverage = max(
        sum(idf(w) for w in words if covered(w, chunk_tokens(h.chunk.chunk_id))) / total
        for h in top
    )
    confidence = combined_confidence(dense_scaled, coverage)
    return Evidence(dense, coverage, confidence if math.isfinite(confidence) else 0.0, named)


def covers(
    word: str, tokens: Collection[str], equivalents: Mapping[str, Sequence[Sequence[str]]]
) -> bool:
    """Whether a text's tokens hold the word, or every token of one of the documents' terms
    for it (``Query.equivalents``: a passage on 特定社会基盤事業者 covers インフラ)."""
    return word in tokens or any(
        all(t in tokens for t in term) for term in equivalents.get(word, ())
    )


def scaled_dense(dense: float, floor: float, ceiling: float) -> float:
    """The best passage's e5 cosine mapped from its band onto [0, 1]."""
    return min(1.0, max(0.0, (dense - floor) / (ceiling - floor)))


def combined_confidence(dense_scaled: float, coverage: float) -> float:
    """The evidence confidence of a Japanese question: half similarity, half word coverage
    (the calibration script replays it for every band and threshold)."""
    return 0.5 * dense_scaled + 0.5 * coverage
