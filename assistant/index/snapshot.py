"""What a question reads: one consistent snapshot of the committed index, swapped after writes.

A ``Snapshot`` holds the manifest, the committed chunks, a keyword index over exactly them and
the links between provisions. ``IndexReader`` owns the current snapshot: it is replaced as a
whole after each ingest, so a question asked meanwhile uses one consistent state, old or new,
and the chunks only the old one showed are deleted once no question reads it any more.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace

from assistant.access.visibility import VisibilityScope
from assistant.index.keyword import KeywordIndex, TokenStore
from assistant.index.links import Delegations, delegation_links
from assistant.index.store import VectorStore
from assistant.law.graph import ReferenceGraph, build_reference_graph
from assistant.types import Chunk, ManifestEntry, SearchFilter

# A question never takes this long; past it an ingest stops waiting for one to finish.
_SWAP_WAIT_S = 30.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """The committed chunks and a keyword index over exactly them."""

    manifest: dict[str, ManifestEntry]
    chunks: dict[str, Chunk]
    keyword: KeywordIndex
    positions: dict[str, int]
    delegations: Delegations = field(default_factory=dict)
    references: ReferenceGraph | None = None

    @classmethod
    def load(
        cls,
        store: VectorStore,
        tokens: TokenStore,
        law_implemented_by: Callable[[str], str | None] | None = None,
    ) -> Snapshot:
        """Read the manifest and its chunks from the store and build the keyword index."""
        manifest = store.manifest()
        ids = [cid for entry in manifest.values() for cid in entry.chunk_ids]
        chunks = {
            c.chunk_id: replace(c, superseded_by=manifest[c.source].superseded_by)
            for c in store.get_chunks(ids)
            if c.source in manifest
        }
        live = [cid for cid in ids if cid in chunks]
        keyword = tokens.build_index((cid, chunks[cid].search_text) for cid in live)
        positions = {cid: i for i, cid in enumerate(live)}
        ordered = [chunks[cid] for cid in live]
        links = delegation_links(ordered, law_implemented_by)
        graph = build_reference_graph(ordered, law_implemented_by or (lambda _source: None))
        return cls(manifest, chunks, keyword, positions, links, graph)

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The chunk before ``chunk`` in its document, or None at its start (or if not indexed)."""
        position = self.positions.get(chunk.chunk_id)
        if not position:
            return None
        before = self.chunks[self.keyword.chunk_ids[position - 1]]
        same_document = before.source == chunk.source and before.position == chunk.position - 1
        return before if same_document else None

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
    """The read side of the index: the current snapshot, refreshed after every write."""

    def __init__(
        self,
        store: VectorStore,
        tokens: TokenStore,
        law_implemented_by: Callable[[str], str | None] | None = None,
    ) -> None:
        self.store = store
        self._tokens = tokens
        self._law_implemented_by = law_implemented_by
        self._lock = threading.Lock()
        self.gate = SnapshotGate(self._load())

    def _load(self) -> Snapshot:
        return Snapshot.load(self.store, self._tokens, self._law_implemented_by)

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
            self.gate.swap(self._load())

    def reading(self) -> AbstractContextManager[Snapshot]:
        """Pin the current snapshot for this thread (``with reader.reading():``).

        Wrap a search and the answering that uses its hits: inside the block ``snapshot`` stays
        the same even if an ingest publishes a new one meanwhile.
        """
        return self.gate.reading()
