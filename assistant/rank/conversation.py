"""Ranking step: a follow-up is about the provisions the turn before it was answered from.

「その期限を過ぎたらどうなりますか？」 after a question on the notice of a 保全指定 candidate asks
about the 十四日以内 of that very article, not about every 期限 in the index; searched alone
(even with the earlier subject's words put back, ``query.followup``) it drifts to whichever
article says 期限 most. 「もし届け出なかったら罰則はありますか？」 after a question on a
notification asks for the penalty *for that notification*, which shares no word with it but
cites it (「第五十条第三項の規定による届出をせず」).

So the passages the earlier turn was answered from (``Query.anchors``) mark where the answer
should be: their own article (another paragraph of it: 軽微な変更 after 変更の認定), and the
provisions the law links to them, the same links the reference steps follow (``law.graph``):
the penalties and consequences for breaking them, the 両罰規定, what they name and what names
them, and the orders carrying them out. Those passages get a fixed bonus on the fused score
(and join the pool if retrieval missed them), so the sentence reranker still decides among them
by the follow-up's own words. A question that changes the subject has no anchors and is ranked
as if asked first.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.index.snapshot import Snapshot
from assistant.rank import RankContext
from assistant.types import Chunk, Hit, Query


def neighbourhood(anchors: tuple[str, ...], snapshot: Snapshot) -> dict[str, None]:
    """The anchors, the rest of their articles (their section outside laws) and the chunks
    the reference graph links to them, in that order without repeats."""
    found: dict[str, None] = {}
    graph = snapshot.references
    for cid in anchors:
        chunk = snapshot.chunks.get(cid)
        if chunk is None:
            continue
        found.update(dict.fromkeys(_same_part(chunk, snapshot)))
        if graph is not None:
            for linked in (
                graph.penalties_for(cid),
                graph.company_penalties_for(cid),
                graph.consequences_for(cid),
                graph.references_of(cid),
                graph.referenced_by(cid),
            ):
                found.update(dict.fromkeys(linked))
        found.update(dict.fromkeys(snapshot.implementing(chunk)))
    return found


def _same_part(chunk: Chunk, snapshot: Snapshot) -> tuple[str, ...]:
    """The chunks of ``chunk``'s article, or of its heading in a document without articles."""
    if chunk.article:
        return snapshot.article_chunks(chunk.source, chunk.article) or (chunk.chunk_id,)
    entry = snapshot.manifest.get(chunk.source)
    if entry is None or not chunk.heading:
        return (chunk.chunk_id,)
    return tuple(
        c
        for c in entry.chunk_ids
        if c in snapshot.chunks and snapshot.chunks[c].heading == chunk.heading
    )


class ConversationAnchors:
    """Adds ``bonus`` to the fused score of every candidate near a follow-up's anchors,
    bringing the ones retrieval missed into the pool at its lowest score."""

    name = "conversation"

    def __init__(self, bonus: float = 1.0) -> None:
        self.bonus = bonus

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits re-scored and re-ordered (unchanged for a question without anchors)."""
        if not query.anchors or self.bonus == 0:
            return hits
        snapshot = context.snapshot
        near = [
            cid
            for cid in neighbourhood(query.anchors, snapshot)
            if cid in snapshot.chunks and snapshot.allows(snapshot.chunks[cid], query.search_filter)
        ]
        if not near:
            return hits
        present = {h.chunk.chunk_id for h in hits}
        floor = min((h.score for h in hits), default=0.0)
        pool = hits + context.new_hits([c for c in near if c not in present], query, floor)
        wanted = set(near)
        rescored = [
            replace(h, score=h.score + self.bonus) if h.chunk.chunk_id in wanted else h
            for h in pool
        ]
        return sorted(rescored, key=lambda h: -h.score)
