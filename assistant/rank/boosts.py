"""Ranking step: prefer passages of the documents the question names, and passages that
define the term it asks about.

A question that names 外為法 or 施行令 wants that document's provisions, however many other
passages share its words. A law's name also stands for the orders and ordinances carrying it
out (the catalog's ``implements``): 「外為法に基づく報告の命令」 is answered by the 貿易外省令,
「経済安保推進法でインフラ事業者として指定される対象」 by the 施行令, because users name the
scheme by its law; those get ``implementing_source``. A question naming an order itself boosts
that order only. A question 「Xとは」 or 「Xにはどんな…」 is answered by the provision
that defines or designates X (the definitions the index collected from each law, or a sentence
that defines X in other documents), not by the many that merely use it. Both are added to the
fused score in z-score units; a defining provision outside the candidate pool is brought into
it first. (A provision the question names by number is ``assistant.rank.provisions``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.definitions import defines, term_asked_about
from assistant.index.snapshot import Snapshot
from assistant.rank import RankContext
from assistant.types import Hit, Query


class DocumentBoosts:
    """Adds ``named_source`` to passages of a named document and ``definition`` to passages
    defining the asked-about term."""

    name = "boosts"

    def __init__(
        self,
        named_sources: Callable[[str], set[str]],
        named_source: float = 1.0,
        definition: float = 1.0,
        implemented_law: Callable[[str], str | None] | None = None,
        implementing_source: float = 0.0,
    ) -> None:
        self._named_sources = named_sources
        self._implemented_law = implemented_law
        self.named_source = named_source
        self.definition = definition
        self.implementing_source = implementing_source

    def _source_boost(self, source: str, named: set[str]) -> float:
        """``named_source`` for a named document, ``implementing_source`` for an order or
        ordinance carrying out a named law, else 0."""
        if source in named:
            return self.named_source
        if self._implemented_law is not None and self._implemented_law(source) in named:
            return self.implementing_source
        return 0.0

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """Boosted hits (with the defining provisions brought in), re-sorted by score."""
        named = self._named_sources(query.search_text)
        term = term_asked_about(query.search_text)
        defining = defining_chunks(term, context.snapshot) if term and self.definition else set()
        hits = self._with(hits, defining, query, context)
        boosted = []
        for hit in hits:
            chunk = hit.chunk
            boost = self._source_boost(chunk.source, named) if named else 0.0
            if term and (chunk.chunk_id in defining or defines(chunk.text, term)):
                boost += self.definition
            boosted.append(replace(hit, score=hit.score + boost) if boost else hit)
        return sorted(boosted, key=lambda h: -h.score)

    @staticmethod
    def _with(hits: list[Hit], wanted: set[str], query: Query, context: RankContext) -> list[Hit]:
        """The hits plus the wanted chunks missing from them, at the pool's lowest score (the
        boost then places them as it places the others)."""
        snapshot = context.snapshot
        present = {h.chunk.chunk_id for h in hits}
        missing = [
            c
            for c in sorted(wanted - present, key=lambda c: snapshot.positions.get(c, 0))
            if c in snapshot.chunks and snapshot.allows(snapshot.chunks[c], query.search_filter)
        ]
        if not missing:
            return hits
        floor = min((h.score for h in hits), default=0.0)
        return [*hits, *context.new_hits(missing, query, floor)]


def defining_chunks(term: str, snapshot: Snapshot) -> set[str]:
    """Chunks of the law provisions that define the term (or the longest defined term it ends
    with: 「外為法の特定技術」 asks about 特定技術)."""
    table = snapshot.definitions
    for defined in (term, *table.terms()):
        if term.endswith(defined):
            return {d.chunk_id for d in table.of(defined) if d.chunk_id}
    return set()
