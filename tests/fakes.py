"""Small fakes for model-free unit tests: queries, chunks and an index over the memory store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.embedding import HashingEmbedder
from assistant.index.keyword import JapaneseTokenizer
from assistant.index.law_links import LawLinkStore
from assistant.index.memory import InMemoryStore
from assistant.index.snapshot import Snapshot
from assistant.index.token_store import TokenStore
from assistant.query.understanding import answer_kinds
from assistant.types import Chunk, DocumentKind, ManifestEntry, Query, SearchFilter

EMBEDDER = HashingEmbedder(dimensions=512)


def chunk(
    cid: str,
    text: str,
    source: str = "law.md",
    kind: DocumentKind = DocumentKind.LAW,
    article: str = "第一条",
    position: int = 0,
) -> Chunk:
    """A chunk whose search text is its text (no header line)."""
    return Chunk(cid, source, source, kind, text, text, position, article=article)


def query(text: str, mode: str = "hybrid", language: str = "ja", **fields: object) -> Query:
    """A Query as the builder would make it, embedded by the hashing fake."""
    words = tuple(fields.pop("words", ()))  # type: ignore[call-overload]
    return Query(
        question=text,
        text=text,
        search_text=text,
        language=language,  # type: ignore[arg-type]
        keyword_text=text,
        words=words,
        keyword_words=words,
        names=(),
        vector=np.asarray(EMBEDDER.embed_query(text)),
        search_filter=fields.pop("search_filter", SearchFilter()),  # type: ignore[arg-type]
        mode=mode,
        kinds=answer_kinds(text),
        anchors=tuple(fields.pop("anchors", ())),  # type: ignore[call-overload]
    )


def memory_snapshot(
    chunks: Sequence[Chunk], tmp_path: Path, implements: dict[str, str] | None = None
) -> tuple[InMemoryStore, Snapshot]:
    """The chunks committed to a memory store, and the snapshot a question would read."""
    store = InMemoryStore()
    store.add_chunks(list(chunks), EMBEDDER.embed_passages([c.search_text for c in chunks]))
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    for source, own in by_source.items():
        store.commit(
            ManifestEntry(source, "sha", tuple(c.chunk_id for c in own), source, own[0].kind)
        )
    tokens = TokenStore(tmp_path / "keyword", JapaneseTokenizer())
    links = implements or {}
    return store, Snapshot.load(store, tokens, LawLinkStore(tmp_path / "index", links.get))
