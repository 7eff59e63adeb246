"""The reference graph over chunks: which provisions each one names, and which name it.

Built from the chunk list alone (as retrieval holds it) and saved as JSON beside the index, so
that a hit can bring in what it depends on: 「前条第一項の規定により…」 brings 前条, a prohibition
brings the penalty for breaking it (``penalties_for``), and a penalty brings the 両罰規定 that
fines the company too (``company_penalties_for``, 外為法 第七十二条).

A chunk's lines say where they stand (``assistant.law.lines``), so 前項 in its third
paragraph means its second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant.law.lines import located_lines
from assistant.law.numbering import number_key, span_keys
from assistant.law.references import Context, Target, parse_references
from assistant.types import Chunk, DocumentKind

_PUNISHES = re.compile(r"に処する|に処し|を科する|を科し")
# 「前項の命令に違反したとき」「第九条の規定による報告をせず」: what follows is the consequence
# of breaking the provisions named before it (a penalty, or a licence or a designation
# withdrawn).
_BREACH = re.compile(r"に違反|に従わな|をせず|をしな|を怠|虚偽|偽りその他不正")
_FORMAT = 1


def _is_company_penalty(text: str) -> bool:
    """A 両罰規定: the company is fined for its representative's or employee's offence."""
    return "代表者" in text and "業務" in text and "罰金刑" in text


@dataclass(frozen=True)
class ReferenceGraph:
    """Chunk id -> referenced chunk ids, the reverse, and which chunks are penalties.

    ``penalties`` are provisions that punish (罰則, 「…に処する」); ``company_penalties`` the
    両罰規定 among them.
    """

    references: Mapping[str, tuple[str, ...]]
    penalties: frozenset[str] = frozenset()
    company_penalties: frozenset[str] = frozenset()
    # document -> (the law its 法 means, the order its 令 means), "" when none
    cites: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # chunk -> the chunks whose breach it states the consequence of
    breaches: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _reverse: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        reverse: dict[str, list[str]] = {}
        for source, targets in self.references.items():
            for target in targets:
                reverse.setdefault(target, []).append(source)
        self._reverse.update({k: tuple(v) for k, v in reverse.items()})

    def context(self, document: str, articles: tuple[str, ...] = ()) -> Context:
        """How a reference in ``document`` resolves: its articles, and what 法 and 令 mean."""
        law, order = self.cites.get(document, ("", ""))
        return Context(document, articles, law or None, order or None)

    def references_of(self, chunk_id: str) -> tuple[str, ...]:
        """Chunks the provision in chunk_id names (前条, 第二十五条第一項, 法第七条 …)."""
        return self.references.get(chunk_id, ())

    def referenced_by(self, chunk_id: str) -> tuple[str, ...]:
        """Chunks whose provisions name chunk_id's provision."""
        return self._reverse.get(chunk_id, ())

    def penalties_for(self, chunk_id: str) -> tuple[str, ...]:
        """Penalty provisions that punish breaking chunk_id's provision (not 両罰規定)."""
        return tuple(
            c
            for c in self.referenced_by(chunk_id)
            if c in self.penalties and c not in self.company_penalties
        )

    def consequences_for(self, chunk_id: str) -> tuple[str, ...]:
        """Provisions that say what follows from breaking chunk_id's provision, penalties first
        (「前項の命令に違反したときは、…委託を取り消す」 as well as 「…に処する」)."""
        stated = [c for c in self.referenced_by(chunk_id) if chunk_id in self.breaches.get(c, ())]
        return tuple(dict.fromkeys([*self.penalties_for(chunk_id), *stated]))

    def company_penalties_for(self, chunk_id: str) -> tuple[str, ...]:
        """両罰規定 that fine the company for chunk_id's offence, or for breaking its rule."""
        punishing = {chunk_id, *self.penalties_for(chunk_id)}
        found = [c for p in punishing for c in self.referenced_by(p) if c in self.company_penalties]
        return tuple(dict.fromkeys(found))

    def to_json(self) -> str:
        """Serialize (to store beside the index)."""
        return json.dumps(
            {
                "format": _FORMAT,
                "references": {k: list(v) for k, v in self.references.items()},
                "penalties": sorted(self.penalties),
                "company_penalties": sorted(self.company_penalties),
                "cites": {k: list(v) for k, v in self.cites.items()},
                "breaches": {k: list(v) for k, v in self.breaches.items()},
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> ReferenceGraph:
        """Read what ``to_json`` wrote."""
        data = json.loads(text)
        return cls(
            {k: tuple(v) for k, v in data["references"].items()},
            frozenset(data["penalties"]),
            frozenset(data["company_penalties"]),
            {k: (v[0], v[1]) for k, v in data.get("cites", {}).items()},
            {k: tuple(v) for k, v in data.get("breaches", {}).items()},
        )


@dataclass(frozen=True)
class _Span:
    """The paragraphs and items a chunk holds, as number keys (None = the whole article)."""

    chunk_id: str
    paragraphs: tuple[tuple[int, ...], tuple[int, ...]] | None
    items: tuple[tuple[int, ...], tuple[int, ...]] | None

    def holds(self, target: Target, level: int) -> bool:
        if level >= 1 and target.paragraph and self.paragraphs is not None:
            first, last = self.paragraphs
            if not first[:1] <= (target.paragraph,) <= last[:1]:
                return False
        if level >= 2 and target.item and self.items is not None:
            first, last = self.items
            if not first[:1] <= number_key(target.item)[:1] <= last[:1]:
                return False
        return True


def _is_provision(chunk: Chunk) -> bool:
    return bool(chunk.article) and chunk.article.startswith("第")


def _index(chunks: Sequence[Chunk]) -> dict[tuple[str, str], list[_Span]]:
    index: dict[tuple[str, str], list[_Span]] = {}
    for chunk in chunks:
        if chunk.article:
            span = _Span(chunk.chunk_id, span_keys(chunk.paragraph), span_keys(chunk.item))
            index.setdefault((chunk.source, chunk.article), []).append(span)
    return index


def _chunks_of(index: dict[tuple[str, str], list[_Span]], target: Target) -> list[str]:
    """Chunks holding a target: the item's chunk, else the paragraph's, else the article's."""
    spans = index.get((target.document, target.article), [])
    for level in (2, 1, 0):
        found = [s.chunk_id for s in spans if s.holds(target, level)]
        if found:
            return found
    return []


def chunks_holding(chunks: Sequence[Chunk], target: Target) -> list[str]:
    """Of one document's chunks, those holding a provision (as a reference resolves it)."""
    return _chunks_of(_index(chunks), target)


def _contexts(
    chunks: Sequence[Chunk], implements: Callable[[str], str | None]
) -> dict[str, Context]:
    articles: dict[str, list[str]] = {}
    kinds: dict[str, DocumentKind] = {}
    for chunk in chunks:
        kinds[chunk.source] = chunk.kind
        if _is_provision(chunk) and chunk.article not in articles.get(chunk.source, []):
            articles.setdefault(chunk.source, []).append(chunk.article)
    orders = {implements(s): s for s, kind in kinds.items() if kind == DocumentKind.CABINET_ORDER}
    contexts = {}
    for source in kinds:
        law = implements(source)
        order = orders.get(law) if law else orders.get(source)
        contexts[source] = Context(source, tuple(articles.get(source, [])), law, order)
    return contexts


def build_reference_graph(
    chunks: Sequence[Chunk], implements: Callable[[str], str | None]
) -> ReferenceGraph:
    """Parse every provision's references and link chunks to the chunks they name.

    ``implements`` maps an order's or ordinance's file to the law file it calls 法 (the
    catalog's ``implements``); the cabinet order among the chunks that implements the same law
    is what 令 means. Penalties and 両罰規定 are recognised per article, since a long penalty
    article's items may sit in a chunk without its 「…に処する」.
    """
    index = _index(chunks)
    contexts = _contexts(chunks, implements)
    references: dict[str, tuple[str, ...]] = {}
    breaches: dict[str, tuple[str, ...]] = {}
    for chunk in chunks:
        if not _is_provision(chunk):
            continue
        found: list[str] = []
        broken: list[str] = []
        for where, line in located_lines(chunk):
            breach = _BREACH.search(line)
            for reference in parse_references(line, where, contexts[chunk.source]):
                ids = [c for t in reference.targets for c in _chunks_of(index, t)]
                found.extend(ids)
                if breach and 0 <= line.find(reference.text) < breach.start():
                    broken.extend(ids)
        linked = tuple(c for c in dict.fromkeys(found) if c != chunk.chunk_id)
        if linked:
            references[chunk.chunk_id] = linked
        if broken := [c for c in dict.fromkeys(broken) if c != chunk.chunk_id]:
            breaches[chunk.chunk_id] = tuple(broken)
    penalties, companies = _penalty_articles(chunks)
    cites = {s: (c.law or "", c.order or "") for s, c in contexts.items() if c.law or c.order}
    return ReferenceGraph(references, penalties, companies, cites, breaches)


def _penalty_articles(chunks: Sequence[Chunk]) -> tuple[frozenset[str], frozenset[str]]:
    """Chunk ids of penalty articles (罰則 chapter or 「…に処する」) and of 両罰規定."""
    punish: set[tuple[str, str]] = set()
    company: set[tuple[str, str]] = set()
    for chunk in chunks:
        if not _is_provision(chunk):
            continue
        key = (chunk.source, chunk.article)
        if "罰則" in chunk.heading or _PUNISHES.search(chunk.text):
            punish.add(key)
        if _is_company_penalty(chunk.text):
            company.add(key)
    ids = {c.chunk_id: (c.source, c.article) for c in chunks}
    return (
        frozenset(c for c, key in ids.items() if key in punish | company),
        frozenset(c for c, key in ids.items() if key in company),
    )
