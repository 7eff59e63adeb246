"""Ranking step: a provision the question names, by number or as the definition it asks for,
comes first.

「推進法第七条には何と書いてありますか」 and 「外為法第五十五条の八の報告はいつまでに」 name the
provision they are about. Nothing else in such a question says which passage that is: keyword
search reads 第七条 as 第, 七 and 条, found in every article, and the e5 vector of an article
number is noise, so the named article may not even be among the candidates, and the sentence
reranker, scoring 「何と書いてありますか」 against sentences, prefers whatever is closest to that.
The question's references are parsed as the laws' own are (``assistant.law.references``),
resolved in the documents it names (or, naming none, in every document having that article),
and up to ``pinned`` of their chunks (the best ranked first) are placed at the head. The
steps after this one then bring what those provisions delegate to and refer to.

「特定社会基盤役務とは何ですか」 names a provision too: the one the law defines the term in
(the definitions the index collected, ``Snapshot.definitions``). Its defining sentence is often
a whole article long and scores low against so short a question, so the boost that serves
membership questions (「Xにはどんな…」, ``assistant.rank.boosts``) is not enough here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.definitions import asks_for_definition, term_asked_about
from assistant.index.snapshot import Snapshot
from assistant.law.graph import chunks_holding
from assistant.law.references import Context, Location, parse_references
from assistant.rank import RankContext
from assistant.types import Hit, Query

# A document's name written right before an article number (推進法第七条, 施行令第一条): taken
# off so that the number reads as a provision of the named document.
_NAME_BEFORE_ARTICLE = re.compile(r"[^\s、。，．？?！!「」（）()・]*?[法令則](?=第)")


class NamedProvisions:
    """Places the chunks of the provisions a question names (at most ``pinned``) first."""

    name = "provisions"

    def __init__(self, named_sources: Callable[[str], set[str]], pinned: int = 3) -> None:
        self._named_sources = named_sources
        self.pinned = pinned

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits with the named provisions' chunks moved (or brought) to the head."""
        if not self.pinned:
            return hits
        snapshot = context.snapshot
        named = self._named_sources(query.search_text)
        found = named_provisions(query.search_text, named, snapshot)
        found += defining_provisions(query.search_text, snapshot)
        wanted = [
            c
            for c in dict.fromkeys(found)
            if snapshot.allows(snapshot.chunks[c], query.search_filter)
        ]
        if not wanted:
            return hits
        rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        chosen = sorted(wanted, key=lambda c: rank.get(c, len(hits)))[: self.pinned]
        top = hits[0].score if hits else 0.0
        added = iter(context.new_hits([c for c in chosen if c not in rank], query, top))
        head = [replace(hits[rank[c]], score=top) if c in rank else next(added) for c in chosen]
        pinned = set(chosen)
        return head + [h for h in hits if h.chunk.chunk_id not in pinned]


def named_provisions(question: str, named: set[str], snapshot: Snapshot) -> list[str]:
    """Chunks holding the provisions a question names (推進法第七条, 施行令第一条第三号), in the
    documents it names, or in any document having that article when it names none; a name the
    index does not know (特許法第三十八条) is another law's article: nothing."""
    text, names = _NAME_BEFORE_ARTICLE.subn("", question)
    if names and not named:
        return []
    targets = [
        target
        for reference in parse_references(text, Location(""), Context(""))
        for target in reference.targets
    ]
    found: list[str] = []
    for source in sorted(named or snapshot.manifest):
        for target in targets:
            ids = snapshot.article_chunks(source, target.article)
            chunks = [snapshot.chunks[c] for c in ids]
            found += chunks_holding(chunks, replace(target, document=source))
    return list(dict.fromkeys(found))


def defining_provisions(question: str, snapshot: Snapshot) -> list[str]:
    """Chunks of the provisions defining the term a 「Xとは何ですか」 question asks about."""
    term = term_asked_about(question)
    if not term or not asks_for_definition(question):
        return []
    return [d.chunk_id for d in snapshot.definitions.of(term) if d.chunk_id in snapshot.chunks]
