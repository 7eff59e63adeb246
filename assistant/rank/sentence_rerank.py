"""Ranking step: re-score every candidate by how well its best sentence answers.

A paraphrase such as 「いつまでに出す必要がありますか」 is close in meaning to the one sentence
that answers it (「遅滞なく、報告書を提出しなければならない」) but far from the average of a long
article, and a passage that is mostly other conditions of a list can rank 25th as a whole while
one of its items is the answer. No Japanese cross-encoder ships offline, so the same e5 model
scores the question against every sentence (``assistant.sentences``). The best sentence's score
counts twice: standardized over the whole candidate pool (``pool_weight``), and again among the
first ``depth`` passages (``weight``), which separates close neighbours at the top.

Across languages e5-small matches a whole passage better than one sentence, so an English
question keeps the fused order.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.rank import RankContext
from assistant.scores import zscores
from assistant.sentences import SentenceScorer
from assistant.types import Hit, Query


class SentenceReranker:
    """Adds the standardized best-sentence score to the fused scores: over every candidate
    with ``pool_weight``, then among the first ``depth`` hits with ``weight``."""

    name = "sentences"

    def __init__(
        self,
        scorer: SentenceScorer,
        depth: int = 15,
        weight: float = 0.2,
        pool_weight: float = 1.0,
    ) -> None:
        self.scorer = scorer
        self.depth = depth
        self.weight = weight
        self.pool_weight = pool_weight

    @property
    def _head_enabled(self) -> bool:
        return self.depth >= 2 and self.weight != 0

    @property
    def enabled(self) -> bool:
        """Whether re-scoring can change anything (both weights 0, or a head of 0 or 1 passages
        with no pool weight, turn it off)."""
        return self._head_enabled or self.pool_weight != 0

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits re-scored and re-ordered (an English question's are left as they are)."""
        if query.english:
            return hits
        keyword = context.snapshot.keyword
        terms = {t: max(keyword.idf(t), 0.0) for t in query.keyword_words}
        return self.rerank(hits, query.vector, terms)

    def rerank(
        self, hits: list[Hit], query_vector: np.ndarray, terms: dict[str, float] | None = None
    ) -> list[Hit]:
        """The hits re-scored and re-ordered, best first.

        The pool term is standardized over every hit passed in (the whole candidate pool, so
        pass all of them, not a top k); the head term only over the first ``depth`` after it,
        and hits below the head keep their pool-adjusted order after it. ``terms``: the
        question's words and their idf, for the lexical part of a sentence's score.
        """
        if not self.enabled or len(hits) < 2:
            return list(hits)
        # Without the pool term only the head's sentences are read (and embedded if new).
        scored = hits if self.pool_weight else hits[: self.depth]
        best = self.scorer.best_sentence_scores(query_vector, scored, terms)
        scores = np.asarray([h.score for h in hits], dtype=np.float64)
        order = list(range(len(hits)))
        if self.pool_weight:
            scores += self.pool_weight * zscores(best)
            order = list(np.argsort(-scores, kind="stable"))
        if self._head_enabled:
            head, tail = order[: self.depth], order[self.depth :]
            bonus = self.weight * zscores(best[head])
            for i, b in zip(head, bonus, strict=True):
                scores[i] += float(b)
            order = sorted(head, key=lambda i: -scores[i]) + tail
        return [replace(hits[i], score=float(scores[i])) for i in order]
