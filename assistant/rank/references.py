"""Ranking steps over the reference graph: a provision found alone brings in the provisions it
only makes sense with, right after itself.

The index keeps one set of links between provisions, parsed from the law texts
(``assistant.law.graph``, stored by ``assistant.index.law_links``). Two steps follow them, each
from the top passages and only when the passage's sentence closest to the question is the one
that needs the other provision (a long article names many; following all of them would only
push the answer out of the top five):

- ``DelegationLinks``: a law passage whose closest sentence leaves the detail to an order
  (「政令で定める額の手数料」) brings the order provisions that cite its article (「法第七十九条
  第五項の政令で定める額は、二万五千円」), which share almost no words with the question;
- ``ReferenceLinks``: a question about consequences or penalties (Query.kinds has "penalty")
  brings, for each top passage, the penalties for breaking it, the 両罰規定 that extend a
  penalty to the company (外為法 第七十二条) and, unless the question asks for punishment
  itself, the other provisions stating what follows from breaking it
  (「前項の命令に違反したときは、…取り消す」); otherwise a passage whose
  closest sentence names another provision (前条, 第二十五条第一項) brings the closest provision
  that sentence names, when that one is about as close to the question as the passage itself.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.law.references import Location, parse_references
from assistant.rank import RankContext, insert_after
from assistant.sentences import SentenceScorer, chunk_sentences
from assistant.types import Chunk, DocumentKind, Hit, Query

_NAMES_PROVISION = re.compile(r"前条|前項|次条|同条|同項|第[〇一二三四五六七八九十百千]+条")
# 「罰則はありますか」 asks for punishments only; 「従わなかったらどうなりますか」 for any
# consequence (a designation withdrawn as well as a fine).
_ASKS_PUNISHMENT = re.compile(r"罰|刑|penalt|punish|fine", re.IGNORECASE)
_DELEGATES = re.compile(r"(?:政令|省令|命令)で定め")


class _LinkStep:
    """Follows links from each of the first ``parents`` hits, bringing up to ``links``."""

    name = ""

    def __init__(
        self, scorer: SentenceScorer, parents: int = 3, links: int = 2, tie: float = 0.03
    ) -> None:
        self._scorer = scorer
        self.parents = parents
        self.links = links
        self.tie = tie

    def _closest_sentence(self, chunk: Chunk, query: Query, pattern: re.Pattern[str]) -> str:
        """The chunk's sentence closest to the question, if it matches ``pattern`` (else "")."""
        sentences = chunk_sentences(chunk)
        if not query.vector.size or not any(pattern.search(s) for s in sentences):
            return ""
        similarities = self._scorer.similarities(query.vector, sentences)
        best = sentences[int(np.argmax(similarities))]
        return best if pattern.search(best) else ""

    @staticmethod
    def _allowed(ids: dict[str, None], query: Query, context: RankContext) -> list[str]:
        snapshot = context.snapshot
        return [
            c
            for c in ids
            if c in snapshot.chunks and snapshot.allows(snapshot.chunks[c], query.search_filter)
        ]


class DelegationLinks(_LinkStep):
    """Places, after each top law passage whose closest sentence delegates, up to ``links`` of
    the closest order provisions citing its article (a second only when within ``tie`` cosine
    of the first: one article often leaves two details to one order)."""

    name = "delegation"

    def __init__(
        self, scorer: SentenceScorer, parents: int = 2, links: int = 2, tie: float = 0.02
    ) -> None:
        super().__init__(scorer, parents, links, tie)

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the delegated provisions moved or inserted after their parents."""
        ranked = list(hits)
        for parent in hits[: self.parents]:
            chunk = parent.chunk
            if chunk.kind != DocumentKind.LAW or not self._closest_sentence(
                chunk, query, _DELEGATES
            ):
                continue
            ids = self._allowed(dict.fromkeys(context.snapshot.implementing(chunk)), query, context)
            if not ids:
                continue
            scored = context.similarities(ids, query.vector)
            closest = sorted(scored, key=lambda cid: -scored[cid])[: self.links]
            chosen = [c for c in closest if scored[c] >= scored[closest[0]] - self.tie]
            insert_after(ranked, parent, chosen, context, scored)
        return ranked


class ReferenceLinks(_LinkStep):
    """Brings in, after each of the first ``parents`` hits, up to ``links`` linked provisions:
    penalties for a penalty question, else what the closest sentence names."""

    name = "references"

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
                # A penalty found itself needs only the company's fine; other penalties that
                # name it (「第九十二条第一項第八号に該当するときを除く」) are no consequence.
                wanted = [] if cid in graph.penalties else list(graph.penalties_for(cid))
                wanted += graph.company_penalties_for(cid)
                if not _ASKS_PUNISHMENT.search(query.search_text):
                    wanted += graph.consequences_for(cid)
                chosen = self._allowed(dict.fromkeys(wanted), query, context)[: self.links + 1]
            elif sentence := self._closest_sentence(parent.chunk, query, _NAMES_PROVISION):
                named = self._named_in(sentence, parent.chunk, graph.references_of(cid), context)
                chosen = self._closest(named, parent, query, context)
            else:
                continue
            insert_after(ranked, parent, chosen, context)
        return ranked

    @staticmethod
    def _named_in(
        sentence: str, chunk: Chunk, linked: tuple[str, ...], context: RankContext
    ) -> tuple[str, ...]:
        """The linked chunks of the articles ``sentence`` itself names (「第五十条第一項の規定に
        よる指定」 in 第五十八条, not the other articles the chunk names); all linked chunks
        when the sentence's references cannot be told apart."""
        snapshot = context.snapshot
        graph = snapshot.references
        if graph is None:
            return linked
        own = graph.context(chunk.source, snapshot.articles_of(chunk.source))
        articles = {
            (target.document, target.article)
            for reference in parse_references(sentence, Location(chunk.article), own)
            for target in reference.targets
        }
        named = tuple(
            c
            for c in linked
            if c in snapshot.chunks
            and (snapshot.chunks[c].source, snapshot.chunks[c].article) in articles
        )
        return named or linked

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
