"""Ranking step: a penalty ranks by the provision it punishes the breach of.

A question on what follows a breach (「協議会で知った秘密を漏らしたら罰則は」) finds the penalty
articles by their words, and every penalty article uses the same ones: 「…秘密を漏らし…た者は、
一年以下の拘禁刑…に処する」 is written for a dozen duties of secrecy in one law. What tells them
apart is the provision each one cites: 第九十五条 punishes breaking 第三条の二 (the council's
duty of secrecy), 第九十三条 breaking the duty of those handling 第四十八条's reports. When the
search found the council's duty among its candidates and not the other, the penalty for the
duty it found is the likelier answer. So among the head's penalty provisions (the law graph's
``penalties``), those punishing the breach of a provision among the candidates (for a 両罰規定:
citing such a penalty) take the first of their joint positions, in their order, and the others
follow: the penalties trade places among their own positions and nothing else moves.

Ordering the penalties by *how well* their duty ranks was tried first and dropped: a penalty
article listing thirty breaches cites some provision that ranks well for almost any question
(development case u090, on 外国出願, fell behind 外為法第七十条's list), so only whether the
duty was found at all counts.
"""

from __future__ import annotations

from assistant.answer.answerability import sanction_asked
from assistant.rank import RankContext, trade_places
from assistant.types import Hit, Query


class SanctionedProvisions:
    """Puts the head's penalty provisions for a duty the search found before the others."""

    name = "sanctioned"

    def __init__(self, depth: int = 5) -> None:
        self.depth = depth

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the head's penalties re-ordered among their own positions."""
        graph = context.snapshot.references
        if graph is None or not sanction_asked(query.search_text) or self.depth < 2:
            return hits
        head = hits[: self.depth]
        places = [i for i, h in enumerate(head) if h.chunk.chunk_id in graph.penalties]
        if len(places) < 2:
            return hits
        pool = {h.chunk.chunk_id for h in hits}

        def punishes_found(chunk_id: str) -> bool:
            """Whether the search found a provision (not a penalty) this one punishes breaking."""
            return any(
                c in pool and c not in graph.penalties for c in graph.references_of(chunk_id)
            )

        def found(chunk_id: str) -> bool:
            """The same, and for a 両罰規定, whether a penalty it cites punishes one found."""
            if punishes_found(chunk_id):
                return True
            return chunk_id in graph.company_penalties and any(
                c in graph.penalties and c != chunk_id and punishes_found(c)
                for c in graph.references_of(chunk_id)
            )

        movers = sorted((head[i] for i in places), key=lambda h: not found(h.chunk.chunk_id))
        return trade_places(head, places, movers) + hits[self.depth :]
