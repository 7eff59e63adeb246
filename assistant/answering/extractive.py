"""The default answerer: quotes the sentences of the top passages that best answer the question.

It needs no LLM, and every sentence it shows is a verbatim sentence of the chunk it cites, so
an answer can be wrong only by choosing the wrong passage, never by inventing text. Sentences
are scored by the idf-weighted share of the question's content words they contain, plus a prior
for the passage's rank. When a chosen sentence introduces a list (次に掲げる…), the list items
that follow it are included, because in law text the items are the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.confidence import content_tokens
from assistant.japanese import split_sentences
from assistant.scores import zscores
from assistant.types import AnswerSentence, Chunk, Citation, Hit

_LIST_INTRODUCERS = ("次に掲げる", "次のとおり", "次の各号", "以下のとおり")
_MAX_LIST_ITEMS = 16
_MIN_SENTENCE_CHARS = 6
_RANK_PRIOR = (0.30, 0.18, 0.10, 0.05, 0.0)
BARE_ITEM_WEIGHT = 0.7


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence with where it came from and how well it answers."""

    text: str
    hit_rank: int
    index: int
    score: float


def candidate_sentences(
    hits: Sequence[Hit],
    question_tokens: Sequence[str],
    tokenize: Callable[[str], list[str]],
    idf: Callable[[str], float],
    passages: int = 3,
    similarity: Callable[[Sequence[str]], np.ndarray] | None = None,
    semantic_weight: float = 0.0,
) -> list[ScoredSentence]:
    """Every sentence of the top passages, scored against the question.

    ``similarity`` (the e5 cosine of the question to each sentence), when given, adds its
    standardized value times ``semantic_weight``: a paraphrased question shares few words with
    the sentence that answers it ("いつまでに" / "遅滞なく"), but its meaning is close.
    """
    words = content_tokens(question_tokens)
    total = sum(idf(w) for w in words) or 1.0
    found: list[tuple[str, int, int]] = [
        (sentence, rank, index)
        for rank, hit in enumerate(hits[:passages])
        for index, sentence in enumerate(split_sentences(hit.chunk.text))
        if len(sentence) >= _MIN_SENTENCE_CHARS
    ]
    semantic = np.zeros(len(found))
    if similarity is not None and semantic_weight and len(found) > 1:
        semantic = semantic_weight * zscores(similarity([sentence for sentence, _, _ in found]))
    scored: list[ScoredSentence] = []
    for (sentence, rank, index), meaning in zip(found, semantic, strict=True):
        tokens = set(tokenize(sentence))
        coverage = sum(idf(w) for w in words if w in tokens) / total
        prior = _RANK_PRIOR[min(rank, len(_RANK_PRIOR) - 1)]
        # A bare list item (no 。) means little without the sentence that introduces it.
        weight = 1.0 if sentence.endswith("。") else BARE_ITEM_WEIGHT
        score = (coverage + prior + float(meaning)) * weight
        scored.append(ScoredSentence(sentence, rank, index, score))
    return scored


def list_items_after(chunk: Chunk, index: int) -> list[str]:
    """The item lines that follow sentence ``index`` when it introduces a list."""
    sentences = split_sentences(chunk.text)
    if not any(marker in sentences[index] for marker in _LIST_INTRODUCERS):
        return []
    items: list[str] = []
    for sentence in sentences[index + 1 :]:
        if sentence.endswith("。") or len(items) >= _MAX_LIST_ITEMS:
            break
        items.append(sentence)
    return items


def following_sentence(hits: Sequence[Hit], best: ScoredSentence) -> ScoredSentence | None:
    """The sentence that follows ``best`` in the document, from a top passage that has it.

    A definition often takes two sentences ("X(…)の活用も検討します。…という制度で…"), and
    the first may end its chunk; the overlapping next chunk, when retrieved, holds the second.
    """
    for rank, hit in enumerate(hits[:3]):
        sentences = split_sentences(hit.chunk.text)
        if best.text in sentences:
            index = sentences.index(best.text)
            if index + 1 < len(sentences) and len(sentences[index + 1]) >= _MIN_SENTENCE_CHARS:
                return ScoredSentence(sentences[index + 1], rank, index + 1, best.score)
    return None


def select_sentences(
    hits: Sequence[Hit],
    scored: Sequence[ScoredSentence],
    limit: int,
    follow_best: bool = False,
) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """Pick the best sentences (in reading order) and number the passages they cite.

    With ``follow_best`` (a definition question) the sentence after the best one is kept too.
    """
    unique: dict[str, ScoredSentence] = {}
    for candidate in sorted(scored, key=lambda s: -s.score):
        unique.setdefault(candidate.text, candidate)  # overlapping chunks repeat sentences
    best = list(unique.values())[:limit]
    if not best:
        return (), ()
    floor = best[0].score * 0.5
    kept = [s for s in best if s.score >= floor]
    follower = following_sentence(hits, best[0]) if follow_best else None
    if follower and all(follower.text != s.text for s in kept):
        kept.append(follower)
    chosen = sorted(kept, key=lambda s: (s.hit_rank, s.index))
    markers: dict[int, int] = {}
    sentences: list[AnswerSentence] = []
    for item in chosen:
        marker = markers.setdefault(item.hit_rank, len(markers) + 1)
        sentences.append(AnswerSentence(item.text, marker))
        for extra in list_items_after(hits[item.hit_rank].chunk, item.index):
            if all(extra != s.text for s in sentences):
                sentences.append(AnswerSentence(extra, marker))
    citations = tuple(
        Citation(
            marker, hits[rank].chunk, " ".join(s.text for s in sentences if s.marker == marker)
        )
        for rank, marker in sorted(markers.items(), key=lambda kv: kv[1])
    )
    return tuple(sentences), citations


def format_answer(sentences: Sequence[AnswerSentence]) -> str:
    """Answer text: each sentence followed by its citation marker."""
    lines: list[str] = []
    for sentence in sentences:
        lines.append(f"{sentence.text} [{sentence.marker}]")
    return "\n".join(lines)
