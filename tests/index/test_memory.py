"""The in-memory vector store keeps the store contract the pipeline relies on."""

from assistant.index.memory import InMemoryStore
from assistant.types import DocumentKind, ManifestEntry
from tests.fakes import EMBEDDER, chunk


def test_it_finds_the_nearest_chunks_within_the_filters_and_forgets_deleted_ones() -> None:
    store = InMemoryStore()
    chunks = [
        chunk("a", "技術の提供に関する事前報告"),
        chunk("b", "特定重要物資の安定供給", source="order.md", kind=DocumentKind.CABINET_ORDER),
    ]
    store.add_chunks(chunks, EMBEDDER.embed_passages([c.text for c in chunks]))
    vector = EMBEDDER.embed_query("技術の提供に関する事前報告")
    assert [c.chunk_id for c, _ in store.query(vector, 2)] == ["a", "b"]
    assert store.query(vector, 1)[0][1] > 0.99  # cosine, higher is better
    assert [c.chunk_id for c, _ in store.query(vector, 2, kinds=["cabinet_order"])] == ["b"]
    assert [c.chunk_id for c, _ in store.query(vector, 2, sources=["law.md"])] == ["a"]
    store.delete_chunks(["a"])
    assert store.stored_chunk_ids() == {"b"}
    assert store.get_chunks(["a", "b"]) == [chunks[1]]
    assert set(store.embeddings_of(["a", "b"])) == {"b"}


def test_the_manifest_is_committed_and_uncommitted_per_file() -> None:
    store = InMemoryStore()
    entry = ManifestEntry("law.md", "sha", ("a",), "法", DocumentKind.LAW)
    store.commit(entry)
    assert store.manifest() == {"law.md": entry}
    store.uncommit("law.md")
    assert store.manifest() == {}
