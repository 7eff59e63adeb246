"""Ranking step: a law passage that leaves the asked-for detail to an order brings that order's
provision in, right after itself.

「政令で定める額の手数料」 answers nothing by itself; the figure sits in the order's provision
that names the law article it carries out (「法第七十九条第五項の政令で定める額は、二万五千円」),
which shares almost no words with the question. The index keeps these links
(``assistant.index.links``); this step follows them for the top law passages, but only when the
passage's sentence closest to the question is the one that delegates: a long article delegates
several things (第五十二条: who is exempt) besides stating others (the thirty days a firm must
wait), and a provision about another detail would only push the answer out of the top five.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.rank import RankContext, insert_after
from assistant.sentences import SentenceScorer, chunk_sentences
from assistant.types import Chunk, DocumentKind, Hit, Query

_DELEGATES = re.compile(r"(?:政令|省令|命令)で定め")


class DelegationLinks:
    """Places, after each of the top ``parents`` law passages whose closest sentence delegates,
    up to ``links`` of the closest order provisions citing its article (a second only when
    within ``tie`` cosine of the first: one article often leaves two details to one order)."""

    name = "delegation"

    def __init__(
        self, scorer: SentenceScorer, parents: int = 2, links: int = 2, tie: float = 0.02
    ) -> None:
        self._scorer = scorer
        self.parents = parents
        self.links = links
        self.tie = tie

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the delegated provisions moved or inserted after their parents."""
        snapshot = context.snapshot
        ranked = list(hits)
        for parent in hits[: self.parents]:
            chunk = parent.chunk
            if chunk.kind != DocumentKind.LAW or not self._delegates_what_is_asked(chunk, query):
                continue
            ids = [
                cid
                for cid in snapshot.delegations.get((chunk.source, chunk.article), ())
                if cid in snapshot.chunks
                and snapshot.allows(snapshot.chunks[cid], query.search_filter)
            ]
            if not ids:
                continue
            scored = context.similarities(ids, query.vector)
            closest = sorted(scored, key=lambda cid: -scored[cid])[: self.links]
            chosen = [c for c in closest if scored[c] >= scored[closest[0]] - self.tie]
            insert_after(ranked, parent, chosen, context, scored)
        return ranked

    def _delegates_what_is_asked(self, chunk: Chunk, query: Query) -> bool:
        """Whether the passage's sentence closest to the question leaves a detail to an order."""
        sentences = chunk_sentences(chunk)
        if not query.vector.size or not any(_DELEGATES.search(s) for s in sentences):
            return False
        similarities = self._scorer.similarities(query.vector, sentences)
        best = sentences[int(np.argmax(similarities))]
        return bool(_DELEGATES.search(best))
