"""Ranking step: a passage that repeats a more authoritative document's words ranks after it.

A library collects copies: guidance quoting the law word for word, a council's notes pasting a
paragraph of the ordinance, a reference binder built of sentences from everywhere. For the
sentence that answers a question, each copy scores as high as the original (the reranker scores
sentences, and the sentence is the same), and which one wins is left to chance: with a thousand
passages of recombined law, JSQuAD and FAQ sentences added to the shipped corpus (the scale
benchmark), domain hit@1 fell from 0.58 to 0.44, the law's own provision ranked second or
fourth behind passages that merely contain its sentence. A compliance answer cites the source
that has force: the law before the order, the order before the ordinance, those before
guidance, then the article, then documents of no known kind.

So among the first ``depth`` hits, a passage whose best sentence for the question (by the same
stored sentence vectors the reranker reads) appears verbatim in a more authoritative hit, or
that contains that hit's best sentence, is a copy: the most authoritative such hit takes the
copy's place if it ranked lower, and the copies follow the other passages of the head. Nothing
is brought in from outside the candidates, and passages of one kind are never re-ordered.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.rank import RankContext
from assistant.sentences import SentenceScorer, chunk_sentences
from assistant.types import DocumentKind, Hit, Query

# Lower is more authoritative: the order in which a compliance answer prefers its sources.
AUTHORITY: dict[DocumentKind, int] = {
    DocumentKind.LAW: 0,
    DocumentKind.CABINET_ORDER: 1,
    DocumentKind.ORDINANCE: 2,
    DocumentKind.GUIDANCE: 3,
    DocumentKind.ARTICLE: 4,
    DocumentKind.OTHER: 5,
}
# A shared sentence shorter than this (「以下同じ。」, 「削除」) says nothing about copying.
MIN_SHARED_CHARS = 15


class PrimarySources:
    """Ranks copies of a more authoritative hit's answering sentence after that hit."""

    name = "primary"

    def __init__(self, scorer: SentenceScorer, depth: int = 15) -> None:
        self.scorer = scorer
        self.depth = depth

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with each copy's source moved up to it and the copies after the head."""
        head = hits[: self.depth]
        ranks = [AUTHORITY.get(h.chunk.kind, len(AUTHORITY)) for h in head]
        if len(head) < 2 or len(set(ranks)) < 2 or not query.vector.size:
            return hits
        best = [self._best_sentence(query, h) for h in head]
        texts = [h.chunk.search_text for h in head]
        sources = [
            _source(i, ranks, best, texts) if ranks[i] > min(ranks) else None
            for i in range(len(head))
        ]
        if all(s is None for s in sources):
            return hits
        order: list[int] = []
        copies: list[int] = []
        for i, source in enumerate(sources):
            if source is None:
                if i not in order:
                    order.append(i)
                continue
            if source not in order:
                order.append(source)
            copies.append(i)
        order += [i for i in copies if i not in order]
        # The head keeps its scores position by position, so the list stays sorted by score.
        moved = [replace(head[i], score=h.score) for i, h in zip(order, head, strict=True)]
        return moved + hits[self.depth :]

    def _best_sentence(self, query: Query, hit: Hit) -> str:
        sentences = chunk_sentences(hit.chunk)  # never empty: the chunk itself at least
        return sentences[int(self.scorer.similarities(query.vector, sentences).argmax())]


def _source(i: int, ranks: list[int], best: list[str], texts: list[str]) -> int | None:
    """The most authoritative hit (the earliest among equals) that hit ``i`` copies from."""
    found: int | None = None
    for j in range(len(ranks)):
        if ranks[j] >= ranks[i] or (found is not None and ranks[j] >= ranks[found]):
            continue
        if _shares(best[i], texts[j]) or _shares(best[j], texts[i]):
            found = j
    return found


def _shares(sentence: str, text: str) -> bool:
    return len(sentence) >= MIN_SHARED_CHARS and sentence in text
