"""Ranking step: prefer passages of documents the question names, and passages that define
the term it asks about.

A question that names 外為法 or 施行令 wants that document's provisions, however many other
passages share its words; a question 「Xとは」 or 「Xにはどんな…」 is answered by the provision
that defines or designates X, not by the many that merely use it. Both are added to the fused
score in z-score units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.definitions import defines, term_asked_about
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
    ) -> None:
        self._named_sources = named_sources
        self.named_source = named_source
        self.definition = definition

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """Boosted hits, re-sorted by score."""
        named = self._named_sources(query.search_text)
        term = term_asked_about(query.search_text)
        boosted = []
        for hit in hits:
            boost = self.named_source if hit.chunk.source in named else 0.0
            if term and defines(hit.chunk.text, term):
                boost += self.definition
            boosted.append(replace(hit, score=hit.score + boost) if boost else hit)
        return sorted(boosted, key=lambda h: -h.score)
