"""What an answer carries besides its quotes: each cited provision's links, and the legal
definitions of the terms it uses.

A provision is read with the provisions it names (「前条第一項の規定により」) and those naming it
(its penalty, the order that fills in its 政令で定める details); a term such as 特定重要物資 or
居住者 means exactly what its law's definition says. The index keeps both
(``Snapshot.references``, ``Snapshot.definitions``); this step attaches them to the answer, as
far as the asker may see them (the same filter as retrieval), so the sources panel, the CLI and
``ask --json`` show them without reading the index again.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.index.snapshot import Snapshot
from assistant.japanese import normalize
from assistant.law.definitions import Definition
from assistant.types import Answer, Chunk, Citation, DefinedTerm, SearchFilter

# Linked provisions listed per citation: a definitions article is named by dozens.
RELATED_LIMIT = 8
DEFINITIONS_LIMIT = 5
# Quotes are full of defined terms; the first few of a cited document's own are enough.
DEFINITIONS_FROM_QUOTES = 2
# 「法」「令」「指定」 and the 附則's 「新法」「施行日」 are defined too, but say nothing to a reader.
_MIN_TERM_CHARS = 3


def annotate(answer: Answer, snapshot: Snapshot, search_filter: SearchFilter) -> Answer:
    """The answer with its citations' related provisions and the definitions of its terms."""
    citations = tuple(_related(c, snapshot, search_filter) for c in answer.citations)
    definitions = defined_terms(answer, snapshot, search_filter)
    return replace(answer, citations=citations, definitions=definitions)


def _visible(ids: tuple[str, ...], snapshot: Snapshot, search_filter: SearchFilter) -> list[Chunk]:
    chunks = [snapshot.chunks[c] for c in ids if c in snapshot.chunks]
    allowed = [c for c in chunks if snapshot.allows(c, search_filter)]
    ordered = sorted(allowed, key=lambda c: snapshot.positions.get(c.chunk_id, 0))
    # Overlapping chunks of one provision are listed once.
    return list({(c.source, c.citation or c.chunk_id): c for c in ordered}.values())


def _related(citation: Citation, snapshot: Snapshot, search_filter: SearchFilter) -> Citation:
    graph = snapshot.references
    if graph is None:
        return citation
    cid = citation.chunk.chunk_id
    return replace(
        citation,
        references=tuple(_visible(graph.references_of(cid), snapshot, search_filter))[
            :RELATED_LIMIT
        ],
        referenced_by=tuple(_visible(graph.referenced_by(cid), snapshot, search_filter))[
            :RELATED_LIMIT
        ],
    )


def defined_terms(
    answer: Answer, snapshot: Snapshot, search_filter: SearchFilter
) -> tuple[DefinedTerm, ...]:
    """Definitions of the defined terms in the question, then in the answer's quotes (there,
    only terms a cited document defines formally, 「X」とは or 「X」という), longest term first
    and each once; a term read inside a longer one (居住者 in 非居住者) is not counted."""
    table = snapshot.definitions
    if not table.definitions:
        return ()
    question = normalize(answer.searched_query or answer.question)
    quoted = normalize(" ".join(c.quote for c in answer.citations))
    cited = {c.chunk.source for c in answer.citations}
    found: dict[str, DefinedTerm] = {}
    for text, sources in ((question, None), (quoted, cited)):
        limit = DEFINITIONS_LIMIT if sources is None else len(found) + DEFINITIONS_FROM_QUOTES
        for term in table.terms():  # longest first
            if len(found) >= min(limit, DEFINITIONS_LIMIT):
                break
            if len(term) < _MIN_TERM_CHARS or term not in text:
                continue
            text = text.replace(term, "\u3000")  # 非居住者 read, its 居住者 is not the term
            definition = _best(table.of(term), sources, snapshot, search_filter)
            if definition is not None and term not in found:
                chunk = snapshot.chunks[definition.chunk_id]
                found[term] = DefinedTerm(term, chunk, definition.citation, definition.text)
    return tuple(found.values())


def _best(
    definitions: tuple[Definition, ...],
    sources: set[str] | None,
    snapshot: Snapshot,
    search_filter: SearchFilter,
) -> Definition | None:
    """The definition to show: from a main provision (not 附則), visible to the asker, in a
    cited document when the term came from the quotes."""
    for definition in definitions:
        chunk = snapshot.chunks.get(definition.chunk_id)
        if chunk is None or definition.article.startswith("附則"):
            continue
        if not snapshot.allows(chunk, search_filter):
            continue
        formal = f"「{definition.term}」" in definition.text
        if sources is None or (definition.source in sources and formal):
            return definition
    return None
