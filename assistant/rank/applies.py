"""Ranking step: of two parallel provisions, the one whose document applies to what is named.

「永久磁石の供給確保計画の認定を申請します。申請書に何を添付しますか」 finds both ministries'
申請書 provisions (経産省関係 and 厚労省・経産省関係 省令 第二条), in the same words; the first says
its provisions are limited to 令第一条第三号から第十号まで… (永久磁石 is 第三号), so it is the one
that applies. When a question names an item of the list a document's stated scope draws from
(``assistant.law.applicability``), the head's provisions of that document and their parallels
trade places: the applicable ones first, in their order; nothing else moves. Parallel means
another document of the same law carrying out the same law provision, as each article's
opening sentence cites it first (「法第九条第一項の規定により…」); a provision with no parallel
in the head stays put. A named item the scope leaves out (抗菌薬, 第一号) puts that document's
provisions after their parallels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.index.snapshot import Snapshot
from assistant.law.applicability import (
    StatedScope,
    item_words,
    listed_items,
    named_items,
    stated_scopes,
)
from assistant.law.references import Location, parse_references
from assistant.rank import RankContext, trade_places
from assistant.types import Chunk, Hit, Query


@dataclass(frozen=True)
class _Scope:
    """A stated scope with the words that name each item of its list."""

    stated: StatedScope
    words: dict[str, frozenset[str]]


class ApplicableDocuments:
    """Puts the provisions of the document that applies to a named item before their parallels."""

    name = "applies"

    def __init__(
        self,
        words: Callable[[str], Sequence[str]],
        implements: Callable[[str], str | None],
        depth: int = 10,
    ) -> None:
        self.words = words
        self.implements = implements
        self.depth = depth
        self._cached: tuple[Snapshot, list[_Scope]] | None = None

    def scopes(self, snapshot: Snapshot) -> list[_Scope]:
        """The snapshot's stated scopes, read once per snapshot."""
        if self._cached is not None and self._cached[0] is snapshot:
            return self._cached[1]
        graph = snapshot.references
        found: list[_Scope] = []
        if graph is not None:
            chunks = (c for c in snapshot.chunks.values() if c.article)
            for stated in stated_scopes(
                chunks, lambda source: graph.context(source, snapshot.articles_of(source))
            ):
                ids = snapshot.article_chunks(*stated.listing)
                items = listed_items([snapshot.chunks[i] for i in ids])
                found.append(_Scope(stated, item_words(items, self.words)))
        self._cached = (snapshot, found)
        return found

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with each named scope's document and its parallels re-ordered in the head."""
        if self.depth < 2:
            return hits
        head = hits[: self.depth]
        for scope in self.scopes(context.snapshot):
            named = named_items(scope.words, query.words)
            if named:
                head = self._reorder(head, scope.stated, bool(named & scope.stated.items), context)
        return head + hits[self.depth :]

    def _reorder(
        self, head: list[Hit], scope: StatedScope, applies: bool, context: RankContext
    ) -> list[Hit]:
        snapshot = context.snapshot
        law = self.implements(scope.document)
        if law is None:
            return head
        carried = {
            h.chunk.chunk_id: _carries_out(h.chunk, law, snapshot)
            for h in head
            if self.implements(h.chunk.source) == law
        }
        # Each law provision both this document and another carry out in the head: their
        # provisions for it trade places (a provision with no parallel stays where it is).
        ours = [carried[h.chunk.chunk_id] for h in head if h.chunk.source == scope.document]
        for provision in dict.fromkeys(ours):
            if not provision:
                continue
            places = [i for i, h in enumerate(head) if carried.get(h.chunk.chunk_id) == provision]
            if len({head[i].chunk.source for i in places}) < 2:
                continue
            first = [head[i] for i in places if (head[i].chunk.source == scope.document) == applies]
            last = [head[i] for i in places if (head[i].chunk.source == scope.document) != applies]
            head = trade_places(head, places, first + last)
        return head


def _carries_out(chunk: Chunk, law: str, snapshot: Snapshot) -> frozenset[tuple[str, int]]:
    """The law provision an ordinance article carries out, as its opening sentence cites it
    first (「法第九条第一項の規定により…」 -> 第九条 paragraph 1); empty if it opens otherwise.
    Two documents' articles carrying out the same provision are parallel; citing the same law
    somewhere else in them is not enough (「…業務規程で定める事項」 cites 法第三十三条 too)."""
    graph = snapshot.references
    ids = snapshot.article_chunks(chunk.source, chunk.article) if chunk.article else ()
    if graph is None or not ids:
        return frozenset()
    context = graph.context(chunk.source, snapshot.articles_of(chunk.source))
    opening = snapshot.chunks[ids[0]].text.split("。", 1)[0]
    for reference in parse_references(opening, Location(chunk.article), context):
        return frozenset((t.article, t.paragraph) for t in reference.targets if t.document == law)
    return frozenset()
