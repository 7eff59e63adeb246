"""The Chroma adapter on disk: what it keeps in memory between questions stays true to Chroma."""

from pathlib import Path

import numpy as np

from assistant.embedding import HashingEmbedder
from assistant.index.chroma import ChromaStore
from tests.conftest import make_settings
from tests.fakes import chunk

EMBEDDER = HashingEmbedder()


def _store(tmp_path: Path) -> ChromaStore:
    return ChromaStore(make_settings(tmp_path), EMBEDDER)


def test_query_and_stored_vectors_match_chroma_and_forget_deleted_chunks(tmp_path: Path) -> None:
    """Chunks and vectors read once are kept (a chunk id never changes its text or vector);
    a deleted chunk is neither returned by a query nor scored from a kept vector."""
    store = _store(tmp_path)
    chunks = [chunk(f"c{i}", f"輸出の手続その{i}を定める。", position=i) for i in range(4)]
    vectors = EMBEDDER.embed_passages([c.search_text for c in chunks])
    store.add_chunks(chunks, vectors)
    query = EMBEDDER.embed_query("輸出の手続その2")
    first = store.query(query, 3)
    assert first[0][0] == chunks[2] and store.query(query, 3) == first
    kept = store.embeddings_of(["c0", "c2"])
    assert kept == {  # as Chroma stores them: float32
        cid: [float(np.float32(x)) for x in v]
        for cid, v in zip(["c0", "c2"], [vectors[0], vectors[2]], strict=True)
    }
    store.delete_chunks(["c2"])
    assert "c2" not in {c.chunk_id for c, _ in store.query(query, 3)}
    assert store.embeddings_of(["c0", "c2"]).keys() == {"c0"}
