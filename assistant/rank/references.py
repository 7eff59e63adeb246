"""Ranking step: a provision found alone brings in the provisions it only makes sense with.

A prohibition means little without its penalty, a penalty for an individual without the
両罰規定 that fines the company (外為法 第七十二条), and 「前条第一項の規定により…」 without 前条.
The index keeps these links as a reference graph parsed from the law texts
(``assistant.law.graph``); this step follows them from the top passages, right after the
passage that needs them:

- a question about consequences or penalties (Query.kinds has "penalty") brings, for each top
  passage, the penalty provisions that punish breaking it, and the 両罰規定 that extend a
  penalty to the company;
- otherwise a top passage whose sentence closest to the question names another provision
  (前条, 第二十五条第一項) brings the closest provision it names, when that one is about as close
  to the question as the passage itself.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.rank import RankContext, insert_after
from assistant.sentences import SentenceScorer, chunk_sentences
from assistant.types import Hit, Query

_NAMES_PROVISION = re.compile(r"前条|前項|次条|同条|同項|第[〇一二三四五六七八九十百千]+条")


class ReferenceLinks:
    """Brings in, after each of the first ``parents`` hits, up to ``links`` linked provisions."""

    name = "references"

    def __init__(
        self, scorer: SentenceScorer, parents: int = 3, links: int = 2, tie: float = 0.03
    ) -> None:
        self._scorer = scorer
        self.parents = parents
        self.links = links
        self.tie = tie

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the linked provisions moved or inserted after the passage needing them."""
        graph = context.snapshot.references
        if graph is None or not query.vector.size:
            return hits
        ranked = list(hits)
        penalty = "penalty" in query.kinds
        for parent in hits[: self.parents]:
            cid = parent.chunk.chunk_id
            if penalty:
                wanted = [*graph.penalties_for(cid), *graph.company_penalties_for(cid)]
                if cid in graph.penalties:
                    wanted += graph.company_penalties_for(cid)
                chosen = self._allowed(dict.fromkeys(wanted), query, context)[: self.links + 1]
            elif self._names_what_is_asked(parent, query):
                chosen = self._closest(graph.references_of(cid), parent, query, context)
            else:
                continue
            insert_after(ranked, parent, chosen, context)
        return ranked

    def _allowed(self, ids: dict[str, None], query: Query, context: RankContext) -> list[str]:
        snapshot = context.snapshot
        return [
            c
            for c in ids
            if c in snapshot.chunks and snapshot.allows(snapshot.chunks[c], query.search_filter)
        ]

    def _closest(
        self, ids: tuple[str, ...], parent: Hit, query: Query, context: RankContext
    ) -> list[str]:
        # Another paragraph of the same article (前項, 同条) is context the sources panel shows
        # with the passage; only a provision of another article is brought in as a hit.
        chunks = context.snapshot.chunks
        other = [
            c
            for c in ids
            if c in chunks
            and (chunks[c].source, chunks[c].article) != (parent.chunk.source, parent.chunk.article)
        ]
        allowed = self._allowed(dict.fromkeys(other), query, context)
        if not allowed:
            return []
        scored = context.similarities(allowed, query.vector)
        floor = (parent.dense_score or 0.0) - self.tie
        best = sorted(scored, key=lambda c: -scored[c])[: self.links]
        return [c for c in best if scored[c] >= floor]

    def _names_what_is_asked(self, parent: Hit, query: Query) -> bool:
        """Whether the passage's sentence closest to the question names another provision."""
        sentences = chunk_sentences(parent.chunk)
        if not any(_NAMES_PROVISION.search(s) for s in sentences):
            return False
        similarities = self._scorer.similarities(query.vector, sentences)
        return bool(_NAMES_PROVISION.search(sentences[int(np.argmax(similarities))]))
