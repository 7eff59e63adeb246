"""The Chroma adapter on disk: what it keeps in memory between questions stays true to Chroma."""

from pathlib import Path

import numpy as np

from assistant.embedding import HashingEmbedder
from assistant.index.chroma import ChromaStore
from tests.conftest import make_settings
from tests.fakes import chunk

EMBEDDER = HashingEmbedder()


def _store(tmp_path: Path, cache_chunks: int = 10_000) -> ChromaStore:
    return ChromaStore(make_settings(tmp_path, index_cache_chunks=cache_chunks), EMBEDDER)


def _filled(store: ChromaStore, count: int) -> tuple[list, list]:  # type: ignore[type-arg]
    chunks = [chunk(f"c{i}", f"輸出の手続その{i}を定める。", position=i) for i in range(count)]
    vectors = EMBEDDER.embed_passages([c.search_text for c in chunks])
    store.add_chunks(chunks, vectors)
    return chunks, vectors


def test_query_and_stored_vectors_match_chroma_and_forget_deleted_chunks(tmp_path: Path) -> None:
    """Chunks and vectors read once are kept (a chunk id never changes its text or vector);
    a deleted chunk is neither returned by a query nor scored from a kept vector."""
    store = _store(tmp_path)
    chunks, vectors = _filled(store, 4)
    query = EMBEDDER.embed_query("輸出の手続その2")
    first = store.query(query, 3)
    assert first[0][0] == chunks[2] and store.query(query, 3) == first
    kept = store.embeddings_of(["c0", "c2"])
    assert all(v.dtype == np.float32 for v in kept.values())  # as Chroma stores them
    assert {cid: v.tolist() for cid, v in kept.items()} == {
        cid: np.asarray(vectors[i], dtype=np.float32).tolist()
        for cid, i in (("c0", 0), ("c2", 2))
    }
    store.delete_chunks(["c2"])
    assert "c2" not in {c.chunk_id for c, _ in store.query(query, 3)}
    assert store.embeddings_of(["c0", "c2"]).keys() == {"c0"}
    assert store.get_chunks(["c0", "c2"]) == [chunks[0]]


def test_the_read_cache_is_bounded_and_reads_again_what_it_dropped(tmp_path: Path) -> None:
    """With room for two chunks, reading six keeps the two used last; the others are read
    from Chroma again, unchanged."""
    store = _store(tmp_path, cache_chunks=2)
    chunks, _ = _filled(store, 6)
    ids = [c.chunk_id for c in chunks]
    first = store.embeddings_of(ids)
    assert len(store._vectors) == 2 and set(first) == set(ids)
    assert "c4" in store._vectors and "c5" in store._vectors
    again = store.embeddings_of(["c0"])
    assert again["c0"].tolist() == first["c0"].tolist()
    assert "c0" in store._vectors and "c4" not in store._vectors  # c4 was the least recent
    query = EMBEDDER.embed_query("輸出の手続その3")
    assert store.query(query, 6) == store.query(query, 6)
    assert len(store._read_chunks) == 2
    assert {c.chunk_id for c, _ in store.query(query, 6)} == set(ids)


def test_a_zero_capacity_keeps_nothing_and_still_answers(tmp_path: Path) -> None:
    store = _store(tmp_path, cache_chunks=0)
    chunks, _ = _filled(store, 3)
    query = EMBEDDER.embed_query("輸出の手続その1")
    assert store.query(query, 1)[0][0] == chunks[1]
    assert set(store.embeddings_of(["c0", "c1"])) == {"c0", "c1"}
    assert len(store._vectors) == 0 and len(store._read_chunks) == 0


def test_a_stored_vector_can_be_queried_with(tmp_path: Path) -> None:
    """embeddings_of returns float32 arrays; query takes them back as it takes lists."""
    store = _store(tmp_path)
    chunks, _ = _filled(store, 3)
    vector = store.embeddings_of(["c1"])["c1"]
    assert store.query(vector, 1)[0][0] == chunks[1]


def test_chunks_read_back_share_their_documents_metadata_strings(tmp_path: Path) -> None:
    """A document's source, title and hash repeat on every chunk; read back from Chroma they
    are one string each, not one per chunk (some 40 MB at 100,000 chunks)."""
    store = _store(tmp_path, cache_chunks=0)
    chunks, _ = _filled(store, 3)
    read = store.get_chunks([c.chunk_id for c in chunks])
    assert read == chunks
    for field in ("source", "title", "file_sha256", "visibility"):
        assert len({id(getattr(c, field)) for c in read}) == 1, field
