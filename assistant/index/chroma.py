"""The Chroma vector store (``VectorStore``): the only module that imports chromadb.

Two collections: ``<name>`` holds chunks (original text as the document, metadata as flat
scalars, our own embeddings) and ``<name>-manifest`` holds one record per source file naming its
hash and live chunk ids. The manifest is the commit point of ingestion: chunks are written
first, the manifest record is swapped in one upsert, then superseded chunks are deleted. A
reader filters by the manifest, so it sees a file's old chunks or its new ones, never a mix,
and chunks orphaned by a killed ingest are invisible until the next ingest removes them.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import IndexStoreError
from assistant.index.read_cache import ReadCache
from assistant.index.store import Vector, manifest_stamp
from assistant.types import Chunk, DocumentKind, ManifestEntry

log = logging.getLogger(__name__)
_BATCH = 500


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Our embedder in Chroma's shape, passed explicitly so Chroma never loads its default.

    Chroma's default embedding function downloads a model at run time, which fails offline.
    """

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's signature
        return self._embedder.embed_passages(list(input))  # type: ignore[return-value]

    def embed_query(self, input: Documents) -> Embeddings:  # noqa: A002
        return [self._embedder.embed_query(t) for t in input]  # type: ignore[misc]

    @staticmethod
    def name() -> str:
        return "economic-security-assistant"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        raise IndexStoreError(
            f"this collection was built with embedding model {config.get('model')!r}; "
            "open it through the assistant, which supplies the embedder"
        )

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def _client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_mode == "http":
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        path = settings.index_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        where = (
            f"Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_mode == "http"
            else f"index folder {settings.index_dir}"
        )
        raise IndexStoreError(f"cannot open the {where}: {exc}") from exc


def _to_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "source": chunk.source,
        "title": chunk.title,
        "kind": chunk.kind.value,
        "article": chunk.article,
        "heading": chunk.heading,
        "page": -1 if chunk.page is None else chunk.page,
        "position": chunk.position,
        "version": chunk.version,
        "file_sha256": chunk.file_sha256,
        "search_text": chunk.search_text,
        "paragraph": chunk.paragraph,
        "item": chunk.item,
        "visibility": chunk.visibility,
    }


def _to_chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    page = int(meta.get("page", -1))

    def shared(key: str, default: str = "") -> str:
        # A document's source, title, version, hash and tag repeat on each of its chunks;
        # Chroma hands back a new string every time (some 400 bytes a chunk, 40 MB at 100k).
        return sys.intern(str(meta.get(key, default)))

    return Chunk(
        chunk_id=chunk_id,
        source=shared("source"),
        title=shared("title"),
        kind=DocumentKind(str(meta.get("kind", "other"))),
        text=text,
        search_text=str(meta.get("search_text", text)),
        position=int(meta.get("position", 0)),
        article=shared("article"),
        heading=shared("heading"),
        page=None if page < 0 else page,
        version=shared("version"),
        file_sha256=shared("file_sha256"),
        paragraph=shared("paragraph"),
        item=shared("item"),
        visibility=shared("visibility"),  # untagged: admins only (fails closed)
    )


class ChromaStore:
    """Chunks and the manifest in Chroma, on disk or on a Chroma server."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self._client = _client(settings)
        # Stored embeddings (float32, as Chroma keeps them) and chunks read lately, by chunk
        # id: a chunk id names its text, metadata and model, so neither changes while the id
        # exists. Bounded (ASSISTANT_INDEX_CACHE_CHUNKS), least recently used dropped first.
        self._vectors: ReadCache[Vector] = ReadCache(settings.index_cache_chunks)
        self._read_chunks: ReadCache[Chunk] = ReadCache(settings.index_cache_chunks)
        function = ChromaEmbeddingFunction(embedder)
        try:
            self._chunks = self._client.get_or_create_collection(
                settings.collection,
                embedding_function=function,
                configuration={"hnsw": {"space": "cosine"}},
            )
            self._manifest = self._client.get_or_create_collection(
                f"{settings.collection}-manifest", embedding_function=function
            )
        except IndexStoreError:
            raise
        except Exception as exc:
            raise IndexStoreError(f"cannot open collection {settings.collection!r}: {exc}") from exc

    def manifest(self) -> dict[str, ManifestEntry]:
        """Every committed source file, by file name."""
        data = self._manifest.get(include=["documents", "metadatas"])
        entries: dict[str, ManifestEntry] = {}
        for source, doc, meta in zip(
            data["ids"], data["documents"], data["metadatas"], strict=True
        ):
            entries[source] = ManifestEntry(
                source=source,
                sha256=str(meta["sha256"]),
                chunk_ids=tuple(json.loads(doc)),
                title=str(meta.get("title", "")),
                kind=DocumentKind(str(meta.get("kind", "other"))),
                version=str(meta.get("version", "")),
                superseded_by=str(meta.get("superseded_by", "")),
                path=str(meta.get("path", "")),
                pipeline=str(meta.get("pipeline", "")),
                visibility=str(meta.get("visibility", "")),
                owner=str(meta.get("owner", "")),
            )
        return entries

    def manifest_stamp(self) -> str:
        """The manifest's stamp from its records' metadata only (not their chunk id lists)."""
        data = self._manifest.get(include=["metadatas"])
        return manifest_stamp(
            [
                (
                    str(source),
                    str(meta.get("sha256", "")),
                    str(meta.get("pipeline", "")),
                    str(meta.get("superseded_by", "")),
                    str(meta.get("visibility", "")),
                )
                for source, meta in zip(data["ids"], data["metadatas"], strict=True)
            ]
        )

    def commit(self, entry: ManifestEntry) -> None:
        """Make a file's chunk set the live one (a single-record upsert)."""
        meta = {
            "sha256": entry.sha256,
            "title": entry.title,
            "kind": entry.kind.value,
            "version": entry.version,
            "superseded_by": entry.superseded_by,
            "path": entry.path,
            "pipeline": entry.pipeline,
            "visibility": entry.visibility,
            "owner": entry.owner,
        }
        self._manifest.upsert(
            ids=[entry.source],
            documents=[json.dumps(list(entry.chunk_ids))],
            metadatas=[meta],
            embeddings=[[0.0, 0.0]],
        )

    def uncommit(self, source: str) -> None:
        """Remove a file from the manifest: its chunks stop being visible at once."""
        self._manifest.delete(ids=[source])

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Write chunks with their embeddings (upsert: re-adding a chunk is harmless)."""
        for start in range(0, len(chunks), _BATCH):
            part = chunks[start : start + _BATCH]
            self._chunks.upsert(
                ids=[c.chunk_id for c in part],
                documents=[c.text for c in part],
                metadatas=[_to_metadata(c) for c in part],  # type: ignore[misc]
                embeddings=[list(e) for e in embeddings[start : start + _BATCH]],
            )

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Delete chunks by id."""
        ids = list(chunk_ids)
        for start in range(0, len(ids), _BATCH):
            self._chunks.delete(ids=ids[start : start + _BATCH])
        self._vectors.discard_many(ids)
        self._read_chunks.discard_many(ids)

    def stored_chunk_ids(self) -> set[str]:
        """Ids of every chunk in Chroma, committed or orphaned."""
        return set(self._chunks.get(include=[])["ids"])

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks by id, in the order asked (ids Chroma does not hold are skipped)."""
        found: dict[str, Chunk] = {}
        ids = list(chunk_ids)
        for start in range(0, len(ids), _BATCH):
            data = self._chunks.get(
                ids=ids[start : start + _BATCH], include=["documents", "metadatas"]
            )
            for cid, doc, meta in zip(
                data["ids"], data["documents"], data["metadatas"], strict=True
            ):
                if doc is not None and meta is not None:  # deleted meanwhile by another writer
                    found[cid] = _to_chunk(cid, doc, meta)
        return [found[c] for c in ids if c in found]

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, Vector]:
        """Stored embeddings by chunk id (to score candidates the ANN query did not return).

        Kept in the read cache: every question asks for some sixty of them, and a chunk id
        names its text and model, so its stored vector never changes while the id exists.
        """
        found = self._vectors.get_many(chunk_ids)
        missing = [cid for cid in chunk_ids if cid not in found]
        if missing:
            data = self._chunks.get(ids=missing, include=["embeddings"])
            # One array per chunk (a copy, not a view that would keep the whole batch alive).
            fetched = {
                cid: np.array(e, dtype=np.float32)
                for cid, e in zip(data["ids"], data["embeddings"], strict=True)
            }
            self._vectors.put_many(fetched)
            found.update(fetched)
        return {cid: found[cid] for cid in chunk_ids if cid in found}

    def query(
        self,
        embedding: Sequence[float],
        k: int,
        kinds: Sequence[str] = (),
        sources: Sequence[str] = (),
        visibility: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks to an embedding as (chunk, cosine similarity), best first.

        The visibility filter is part of the ``where`` clause, so Chroma applies it inside
        the ANN search: the k results are the k nearest chunks the asker may read.
        """
        total = self._chunks.count()
        if total == 0:
            return []
        clauses: list[dict[str, Any]] = []
        if kinds:
            clauses.append({"kind": {"$in": list(kinds)}})
        if sources:
            clauses.append({"source": {"$in": list(sources)}})
        if visibility is not None:
            clauses.append({"visibility": {"$in": list(visibility) or [""]}})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        # Ids and distances only: fetching the documents and metadata took a third of the
        # query's time, and the chunks come back question after question (kept once read).
        data = self._chunks.query(
            # Python floats: Chroma refuses numpy scalars (a stored vector is a float32 array).
            query_embeddings=[[float(x) for x in embedding]],
            n_results=min(k, total),
            where=where,
            include=["distances"],
        )
        ids = data["ids"][0]
        chunks = self._chunks_by_id(ids)
        # The ANN index can still return an id whose record a concurrent write has just deleted
        # (it is then not found): such a chunk is not there any more.
        return [
            (chunks[cid], 1.0 - float(dist))
            for cid, dist in zip(ids, data["distances"][0], strict=True)
            if cid in chunks
        ]

    def _chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        found = self._read_chunks.get_many(ids)
        missing = [cid for cid in ids if cid not in found]
        if missing:
            fetched = {c.chunk_id: c for c in self.get_chunks(missing)}
            self._read_chunks.put_many(fetched)
            found.update(fetched)
        return found
