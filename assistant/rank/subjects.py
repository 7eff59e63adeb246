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

A question on what follows a breach of the scheme (「技術移転の事前報告をしなかったら罰則は
ありますか」) is answered by the penalty the law links to the scheme's provisions (外為法第七十一条:
「第五十五条の八の規定に基づく命令の規定に違反して、報告をせず…」), which retrieval cannot tell
from the dozens of other penalties in the same words: it ranked the one for technology-import
contracts (第七十条) first. Those penalties (``law.graph.consequences_for``) are placed first,
ahead of the first hit; the scheme's provisions follow them.

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

from assistant.answer.answerability import sanction_asked
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
        """The hits with each asked subject's provisions (one chunk each) placed at ``after``,
        and, for a question on what follows a breach, the provisions punishing a breach of
        them placed first."""
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
        sanctions = self._sanctions(query, context, subjects)
        if sanctions:
            hits = self._place(query, context, hits, sanctions, 0)
        return self._place(query, context, hits, chosen, self.after + len(sanctions))

    @staticmethod
    def _place(
        query: Query, context: RankContext, hits: list[Hit], chosen: list[str], place: int
    ) -> list[Hit]:
        """The hits with the ``chosen`` chunks right after the first ``place``: one already
        there keeps its place; the others come in their ranked order, then the ones brought
        in (at the score of the hit before them, so the list stays sorted)."""
        if not chosen:
            return hits
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        place = min(place, len(hits))
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

    @staticmethod
    def _sanctions(query: Query, context: RankContext, subjects: tuple[Subject, ...]) -> list[str]:
        """For a question on what follows a breach (「報告をしなかったら罰則は」), the provisions
        the law itself links to the subjects' provisions as their penalties and consequences
        (``law.graph``: 「第五十五条の八の規定に基づく命令の規定に違反して、報告をせず…」).

        Retrieval finds a penalty provision by the question's words, and the penalty articles
        list dozens of breaches in the same words (「報告をせず、又は虚偽の報告をした」): the
        one for technology-import contracts ranked above the one for the scheme asked about.
        The cross-reference says which is meant; none is placed when none links."""
        graph = context.snapshot.references
        if graph is None or not sanction_asked(query.search_text):
            return []
        snapshot = context.snapshot
        found: dict[str, None] = {}
        for subject in subjects:
            for provision in subject.provisions:
                for cid in snapshot.article_chunks(provision.source, provision.article):
                    found.update(dict.fromkeys(graph.consequences_for(cid)))
        return [
            c
            for c in found
            if c in snapshot.chunks and snapshot.allows(snapshot.chunks[c], query.search_filter)
        ]

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
