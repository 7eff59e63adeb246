"""What a question reads: one consistent snapshot of the committed index, swapped after writes.

A ``Snapshot`` holds the manifest, the committed chunks, a keyword index over exactly them and
what the index knows of the laws among them (references and definitions, ``law_links``). ``IndexReader`` owns the current snapshot: it is replaced as a
whole after each ingest, so a question asked meanwhile uses one consistent state, old or new,
and the chunks only the old one showed are deleted once no question reads it any more.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace

from assistant.access.visibility import VisibilityScope
from assistant.embedding import release_freed_memory
from assistant.index.keyword import KeywordIndex
from assistant.index.token_store import TokenStore
from assistant.index.law_links import LawLinks, LawLinkStore
from assistant.index.store import VectorStore, entry_stamp
from assistant.law.definitions import DefinitionTable
from assistant.law.graph import ReferenceGraph
from assistant.types import Chunk, DocumentKind, ManifestEntry, SearchFilter

# A question never takes this long; past it an ingest stops waiting for one to finish.
_SWAP_WAIT_S = 30.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """The committed chunks and a keyword index over exactly them."""

    manifest: dict[str, ManifestEntry]
    chunks: dict[str, Chunk]
    keyword: KeywordIndex
    law: LawLinks | None = None
    _articles: dict[tuple[str, str], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _document_articles: dict[str, tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _visibilities: set[str] = field(default_factory=set, compare=False, repr=False)

    def __post_init__(self) -> None:
        articles: dict[tuple[str, str], list[str]] = {}
        for cid in self.keyword.chunk_ids:
            chunk = self.chunks[cid]
            if chunk.article:
                articles.setdefault((chunk.source, chunk.article), []).append(cid)
        self._articles.update({key: tuple(ids) for key, ids in articles.items()})
        order: dict[str, list[str]] = {}
        for source, article in articles:  # first seen first: reading order
            order.setdefault(source, []).append(article)
        self._document_articles.update({source: tuple(a) for source, a in order.items()})
        self._visibilities.update(c.visibility for c in self.chunks.values())
        self._visibilities.update(e.visibility for e in self.manifest.values())

    @classmethod
    def load(
        cls, store: VectorStore, tokens: TokenStore, law_links: LawLinkStore | None = None
    ) -> Snapshot:
        """Read the manifest and its chunks from the store, build the keyword index and read
        (or parse once) the laws' references and definitions."""
        manifest = store.manifest()
        ids = [cid for entry in manifest.values() for cid in entry.chunk_ids]
        chunks = {
            c.chunk_id: replace(c, superseded_by=manifest[c.source].superseded_by)
            for c in store.get_chunks(ids)
            if c.source in manifest
        }
        live = [cid for cid in ids if cid in chunks]
        keyword = tokens.build_index((cid, chunks[cid].search_text) for cid in live)
        ordered = [chunks[cid] for cid in live]
        law = law_links.load(ordered) if law_links is not None else None
        # Building the keyword index allocates every chunk's tokens and bigrams at once; glibc
        # keeps what was freed (some 140 MB at 10,000 chunks) unless told to give it back.
        release_freed_memory()
        return cls(manifest, chunks, keyword, law)

    @property
    def positions(self) -> dict[str, int]:
        """Each committed chunk's row in the keyword index (the order of its score arrays)."""
        return self.keyword.positions

    @property
    def references(self) -> ReferenceGraph | None:
        """Which provisions each chunk names, and which name it (None without law links)."""
        return self.law.references if self.law else None

    @property
    def definitions(self) -> DefinitionTable:
        """Each law's defined terms with the provision defining them."""
        return self.law.definitions if self.law else DefinitionTable()

    def articles_of(self, source: str) -> tuple[str, ...]:
        """A document's articles in reading order (what 前条 and 次条 step through)."""
        return self._document_articles.get(source, ())

    def article_chunks(self, source: str, article: str) -> tuple[str, ...]:
        """The committed chunks of one article of one document, in reading order."""
        return self._articles.get((source, article), ())

    def implementing(self, chunk: Chunk) -> tuple[str, ...]:
        """Chunks of other documents (the orders and ordinances carrying out a law) that cite
        ``chunk``'s article: 「法第七十九条第五項の政令で定める額は」 for 第七十九条."""
        graph = self.references
        if graph is None or chunk.kind != DocumentKind.LAW or not chunk.article:
            return ()
        found = [
            cid
            for own in self.article_chunks(chunk.source, chunk.article)
            for cid in graph.referenced_by(own)
            if cid in self.chunks and self.chunks[cid].source != chunk.source
        ]
        return tuple(dict.fromkeys(found))

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The chunk before ``chunk`` in its document, or None at its start (or if not indexed)."""
        position = self.positions.get(chunk.chunk_id)
        if not position:
            return None
        before = self.chunks[self.keyword.chunk_ids[position - 1]]
        same_document = before.source == chunk.source and before.position == chunk.position - 1
        return before if same_document else None

    def following_in_article(self, chunk: Chunk) -> Chunk | None:
        """The next chunk of ``chunk``'s article (where a list it ends with goes on), or None
        when it is the article's last (or has no article)."""
        ids = self.article_chunks(chunk.source, chunk.article) if chunk.article else ()
        if chunk.chunk_id not in ids:
            return None
        place = ids.index(chunk.chunk_id)
        return self.chunks[ids[place + 1]] if place + 1 < len(ids) else None

    def allows(self, chunk: Chunk, search_filter: SearchFilter) -> bool:
        """Whether a chunk is committed here and passes the filter (superseded versions are
        left out unless asked for or their file is chosen explicitly).

        The visibility check comes first and reads both the chunk's tag and its file's
        manifest record, so a chunk is shown only when both say the asker may read it.
        """
        scope = search_filter.scope
        entry = self.manifest.get(chunk.source)
        if entry is None or not (scope.admits(chunk.visibility) and scope.admits(entry.visibility)):
            return False
        if search_filter.kinds and chunk.kind not in search_filter.kinds:
            return False
        if search_filter.sources and chunk.source not in search_filter.sources:
            return False
        if chunk.chunk_id not in self.positions:
            return False
        explicitly_chosen = chunk.source in search_filter.sources
        return search_filter.include_superseded or explicitly_chosen or not entry.superseded_by

    def admits_all(self, scope: VisibilityScope) -> bool:
        """Whether ``scope`` may read every chunk committed here (every public index, for
        anyone; any index, for an admin): then a search needs no visibility filter."""
        return all(scope.admits(tag) for tag in self._visibilities)

    def section_of(self, chunk: Chunk, scope: VisibilityScope) -> list[Chunk]:
        """The committed chunks of ``chunk``'s document that ``scope`` may read, in order."""
        entry = self.manifest.get(chunk.source)
        if entry is None or not scope.admits(entry.visibility):
            return []
        return [
            self.chunks[cid]
            for cid in entry.chunk_ids
            if cid in self.chunks and scope.admits(self.chunks[cid].visibility)
        ]

    def documents(self, scope: VisibilityScope) -> list[ManifestEntry]:
        """The committed documents ``scope`` may read, by file name."""
        visible = (e for e in self.manifest.values() if scope.admits(e.visibility))
        return sorted(visible, key=lambda e: e.source)


class SnapshotGate:
    """Holds the current snapshot and counts the questions still reading each older one.

    A question reads the store as well as its snapshot (the ANN query, stored embeddings), so
    the chunks a snapshot shows must stay stored while any question reads that snapshot. A swap
    installs the new snapshot at once (new questions never wait) and then waits for questions
    that started on the old one; only then may the chunks it alone showed be deleted.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.current = snapshot
        self._changed = threading.Condition()
        self._readers: Counter[int] = Counter()  # questions in flight, by id of their snapshot
        self._local = threading.local()

    def pinned(self) -> Snapshot | None:
        """The snapshot this thread has pinned, if it is inside ``reading()``."""
        return getattr(self._local, "snapshot", None)

    @contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """Pin the current snapshot for this thread for the duration of the block."""
        pinned = self.pinned()
        if pinned is not None:  # nested: already pinned by an outer block
            yield pinned
            return
        with self._changed:
            snapshot = self.current
            self._readers[id(snapshot)] += 1
        self._local.snapshot = snapshot
        try:
            yield snapshot
        finally:
            self._local.snapshot = None
            with self._changed:
                self._readers[id(snapshot)] -= 1
                if not self._readers[id(snapshot)]:
                    del self._readers[id(snapshot)]
                self._changed.notify_all()

    def swap(self, fresh: Snapshot) -> None:
        """Make ``fresh`` current, then wait until no question reads the previous snapshot."""
        with self._changed:
            old, self.current = self.current, fresh
            if not self._changed.wait_for(lambda: not self._readers[id(old)], _SWAP_WAIT_S):
                log.warning(
                    "a question took over %.0f s; dropping its snapshot anyway", _SWAP_WAIT_S
                )


class IndexReader:
    """The read side of the index: the current snapshot, refreshed after every write.

    This process's own writes refresh it directly. With ``follow_s`` > 0 (several processes
    on one Chroma server) it also follows writes made by other processes: at most every
    ``follow_s`` seconds a question first reads the manifest's stamp (its records' metadata
    only), and a changed stamp loads a new snapshot before the question is answered.
    """

    def __init__(
        self,
        store: VectorStore,
        tokens: TokenStore,
        law_links: LawLinkStore | None = None,
        follow_s: float = 0.0,
    ) -> None:
        self.store = store
        self._tokens = tokens
        self._law_links = law_links
        self._lock = threading.Lock()
        self.follow_s = follow_s
        self._stamp = ""
        self._checked = time.monotonic()
        # Loaded at first use, not here: a process that also loads the model (``serve``,
        # ``ask``) loads it first (``Assistant.warm_up``), so the model's load peak (some
        # 400 MB over what it keeps) comes before the chunks and keyword index are held.
        self._gate: SnapshotGate | None = None

    @property
    def gate(self) -> SnapshotGate:
        """The gate to the current snapshot (the snapshot loaded on first use)."""
        gate = self._gate
        if gate is None:
            with self._lock:
                if self._gate is None:
                    self._gate = SnapshotGate(self._load())
                gate = self._gate
        return gate

    def _publish(self, fresh: Snapshot) -> None:
        """Make ``fresh`` the current snapshot (the caller holds the lock)."""
        if self._gate is None:
            self._gate = SnapshotGate(fresh)
        else:
            self._gate.swap(fresh)

    def _load(self) -> Snapshot:
        snapshot = Snapshot.load(self.store, self._tokens, self._law_links)
        self._stamp = entry_stamp(snapshot.manifest)
        return snapshot

    def follow(self) -> bool:
        """Load a new snapshot if another process changed the manifest since the last look
        (looked at most every ``follow_s`` seconds); True when it did."""
        if self.follow_s <= 0:
            return False
        now = time.monotonic()
        with self._lock:
            if now - self._checked < self.follow_s:
                return False
            self._checked = now
            if self._gate is None or self.store.manifest_stamp() == self._stamp:
                return False  # not loaded yet: the first use loads the latest
            self._publish(self._load())
        log.info("the index changed in another process: new snapshot loaded")
        return True

    @property
    def snapshot(self) -> Snapshot:
        """What this thread reads: its pinned snapshot inside ``reading()``, else the latest."""
        return self.gate.pinned() or self.gate.current

    def refresh(self) -> None:
        """Reload the snapshot after a write; return once no question reads the old one.

        The old snapshot serves while the new one loads. When this returns, chunks that only
        the old snapshot showed can be deleted safely (the writer does so right after).
        """
        with self._lock:
            self._publish(self._load())

    def reading(self) -> AbstractContextManager[Snapshot]:
        """Pin the current snapshot for this thread (``with reader.reading():``).

        Wrap a search and the answering that uses its hits: inside the block ``snapshot`` stays
        the same even if an ingest publishes a new one meanwhile.
        """
        return self.gate.reading()
