"""A vector store in memory: exact cosine search over a dict, for fast unit tests.

It keeps the same contract as the Chroma adapter (chunks and a manifest, cosine similarity,
filters by kind and source), so retrieval, ranking and ingestion can be tested without Chroma
or a model; the integration tests still run against real Chroma.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from assistant.index.store import Vector, entry_stamp
from assistant.types import Chunk, ManifestEntry


class InMemoryStore:
    """Chunks, embeddings and the manifest in process memory (nothing is persisted)."""

    def __init__(self) -> None:
        self._chunks: dict[str, Chunk] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._manifest: dict[str, ManifestEntry] = {}
        self._lock = threading.Lock()

    def manifest(self) -> dict[str, ManifestEntry]:
        """Every committed source file, by file name."""
        with self._lock:
            return dict(self._manifest)

    def manifest_stamp(self) -> str:
        """Changes whenever the manifest does."""
        return entry_stamp(self.manifest())

    def commit(self, entry: ManifestEntry) -> None:
        """Make a file's chunk set the live one."""
        with self._lock:
            self._manifest[entry.source] = entry

    def uncommit(self, source: str) -> None:
        """Remove a file from the manifest."""
        with self._lock:
            self._manifest.pop(source, None)

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Write chunks with their embeddings (stored unit-length, as cosine needs)."""
        with self._lock:
            for chunk, embedding in zip(chunks, embeddings, strict=True):
                vector = np.asarray(embedding, dtype=np.float64)
                norm = float(np.linalg.norm(vector))
                self._chunks[chunk.chunk_id] = chunk
                self._vectors[chunk.chunk_id] = vector / norm if norm else vector

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        with self._lock:
            for cid in chunk_ids:
                self._chunks.pop(cid, None)
                self._vectors.pop(cid, None)

    def stored_chunk_ids(self) -> set[str]:
        """Ids of every stored chunk."""
        with self._lock:
            return set(self._chunks)

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order asked."""
        with self._lock:
            return [self._chunks[c] for c in chunk_ids if c in self._chunks]

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, Vector]:
        """Stored embeddings by chunk id (float32, as the Chroma store returns them)."""
        with self._lock:
            return {
                c: self._vectors[c].astype(np.float32) for c in chunk_ids if c in self._vectors
            }

    def query(
        self,
        embedding: Sequence[float],
        k: int,
        kinds: Sequence[str] = (),
        sources: Sequence[str] = (),
        visibility: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, best first, within the filters."""
        query = np.asarray(embedding, dtype=np.float64)
        norm = float(np.linalg.norm(query))
        query = query / norm if norm else query
        with self._lock:
            scored = [
                (chunk, float(self._vectors[cid] @ query))
                for cid, chunk in self._chunks.items()
                if (not kinds or chunk.kind.value in kinds)
                and (not sources or chunk.source in sources)
                and (visibility is None or chunk.visibility in visibility)
            ]
        return sorted(scored, key=lambda pair: -pair[1])[:k]
