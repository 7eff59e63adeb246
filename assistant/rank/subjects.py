"""Ranking step: a question about a scheme whose statutes do not name it gets those statutes.

「技術の移転について報告を求められた。根拠は」 shares no word with 外為法第五十五条の八 (「取引、
行為又は支払等…の報告を求めることができる」), so retrieval ranks 外為法第三十条 (technology-import
contracts) or the article's description of the scheme first, and the provisions the answer must
cite are not among the candidates at all. The subject index (``assistant.subjects``) says which
provisions make up the scheme; this step brings the best chunk of each (already ranked: its
place; else: the closest to the question) and places them after the first ``after`` hits
(default: after the first; one already above that place keeps it). A follow-up continues the
subject of the turn it refers to when that turn was answered from the subject's provisions
(its anchors), whatever words it uses itself.

It runs after the delegation and reference steps, so that what they insert after a top passage
does not push the provisions down, and it keeps the first hit first: a question on what the
scheme is (「技術を海外へ移転する際の事前報告とはどのような枠組みですか」) is answered by the
article that describes it in those words, and with the statutes in the top three instead the
evidence for answering (the question's words in the first three passages) was too weak and the
question was declined (the chat's starter questions are tested to be answered). Both choices
were measured on the development parts (README).
"""

from __future__ import annotations

from dataclasses import replace

from assistant.rank import RankContext
from assistant.subjects import Subject, SubjectIndex
from assistant.types import Hit, Query


class SubjectProvisions:
    """Places the provisions of the subjects a question asks about after its first hits."""

    name = "subjects"

    def __init__(self, index: SubjectIndex, after: int = 1) -> None:
        self.index = index
        self.after = after

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with each asked subject's provisions (one chunk each) placed at ``after``."""
        subjects = self.index.asked_in(query.text) or self._continued(query, context)
        if not subjects:
            return hits
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        chosen: list[str] = []
        for subject in subjects:
            for provision in subject.provisions:
                best = self._best_chunk(query, context, provision.source, provision.article, rank)
                if best is not None and best not in chosen:
                    chosen.append(best)
        if not chosen:
            return hits
        # A provision already among the first ``after`` hits keeps its place; the others come
        # right after those hits: the ranked ones in their order, then the ones brought in.
        place = min(self.after, len(hits))
        moving = sorted(
            (c for c in chosen if rank.get(c, len(hits)) >= place),
            key=lambda c: rank.get(c, len(hits)),
        )
        if not moving:
            return hits
        skip = set(moving)
        kept = [h for h in hits[place:] if h.chunk.chunk_id not in skip]
        score = hits[place - 1].score if place else (hits[0].score if hits else 0.0)
        added = iter(context.new_hits([c for c in moving if c not in rank], query, score))
        moved = [replace(hits[rank[c]], score=score) if c in rank else next(added) for c in moving]
        return hits[:place] + moved + kept

    def _continued(self, query: Query, context: RankContext) -> tuple[Subject, ...]:
        """The subjects a follow-up continues: those whose provisions the turn it refers to was
        answered from (its anchors). 「その報告書はいつまでに」 after a question on technology
        transfer names no part of the scheme, and its rewrite carries the earlier question's
        phrases, not necessarily the words of the scheme's groups."""
        chunks = context.snapshot.chunks
        anchored = {(chunks[c].source, chunks[c].article) for c in query.anchors if c in chunks}
        return tuple(
            s
            for s in self.index.subjects
            if any((p.source, p.article) in anchored for p in s.provisions)
        )

    @staticmethod
    def _best_chunk(
        query: Query, context: RankContext, source: str, article: str, rank: dict[str, int]
    ) -> str | None:
        """The provision's chunk to show: the best ranked one among the hits, else the one
        closest to the question (an article may be several chunks; one is enough to cite)."""
        snapshot = context.snapshot
        ids = [
            c
            for c in snapshot.article_chunks(source, article)
            if snapshot.allows(snapshot.chunks[c], query.search_filter)
        ]
        if not ids:
            return None
        ranked = [c for c in ids if c in rank]
        if ranked:
            return min(ranked, key=rank.__getitem__)
        if len(ids) == 1 or not query.vector.size:
            return ids[0]
        similarity = context.similarities(ids, query.vector)
        return max(ids, key=lambda c: similarity.get(c, -1.0))
