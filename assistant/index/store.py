"""The vector-store protocol: what the index needs from any place that keeps chunks and vectors.

Chroma (on disk or as a server, ``chroma.py``) is the real one; ``memory.py`` keeps everything
in a dict for fast unit tests. A store keeps two things: chunks with their embeddings, and the
manifest, one record per source file naming its live chunk ids. The manifest is the commit
point of ingestion (see ``writer.py``), so every store must make ``commit`` a single atomic
write of one record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.types import Chunk, ManifestEntry

Vector = npt.NDArray[np.float32]  # one stored embedding (unit length)


class VectorStore(Protocol):
    """Chunks, their embeddings and the per-file manifest."""

    def manifest(self) -> dict[str, ManifestEntry]:
        """Every committed source file, by file name."""
        ...

    def manifest_stamp(self) -> str:
        """A short value that changes whenever the manifest does (any process's commit): read
        often, by a process following writes made by others, so it must be cheap."""
        ...

    def commit(self, entry: ManifestEntry) -> None:
        """Make a file's chunk set the live one (one atomic write)."""
        ...

    def uncommit(self, source: str) -> None:
        """Remove a file from the manifest: its chunks stop being visible at once."""
        ...

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Write chunks with their embeddings (re-adding a chunk is harmless)."""
        ...

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        ...

    def stored_chunk_ids(self) -> set[str]:
        """Ids of every stored chunk, committed or orphaned."""
        ...

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order asked (ids the store does not hold are skipped)."""
        ...

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, Vector]:
        """Stored embeddings by chunk id (float32)."""
        ...

    def query(
        self,
        embedding: Sequence[float],
        k: int,
        kinds: Sequence[str] = (),
        sources: Sequence[str] = (),
        visibility: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks to an embedding as (chunk, cosine similarity), best first.

        ``visibility`` lists the tags the asker may read (None: no restriction, an admin).
        It is applied inside the nearest-neighbour search, so chunks the asker may not read
        never take places in the top k.
        """
        ...


def stored_similarities(
    store: VectorStore, chunk_ids: Sequence[str], vector: np.ndarray
) -> dict[str, float]:
    """Cosine of a query vector to stored chunks (every store keeps unit-length vectors): how
    candidates the ANN query did not return get their dense score."""
    stored = store.embeddings_of(chunk_ids)
    if not stored:
        return {}
    # In float64, as before the vectors were kept as float32: the same scores to the last digit.
    matrix = np.stack(list(stored.values())).astype(np.float64)
    scores = matrix @ np.asarray(vector, dtype=np.float64)
    return {cid: float(score) for cid, score in zip(stored, scores, strict=True)}


def manifest_stamp(records: Sequence[tuple[str, str, str, str, str]]) -> str:
    """The stamp of a manifest from each record's (source, sha256, pipeline, superseded_by,
    visibility): a replaced, added, removed, superseded or re-tagged file changes it."""
    digest = hashlib.sha256()
    for record in sorted(records):
        digest.update("\t".join(record).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def entry_stamp(entries: Mapping[str, ManifestEntry]) -> str:
    """``manifest_stamp`` of manifest entries already read."""
    return manifest_stamp(
        [(e.source, e.sha256, e.pipeline, e.superseded_by, e.visibility) for e in entries.values()]
    )
