"""A reader follows what another process commits to a shared store."""

import time
from pathlib import Path

from assistant.chunking import split_into_chunks
from assistant.embedding import HashingEmbedder
from assistant.index.keyword import JapaneseTokenizer
from assistant.index.token_store import TokenStore
from assistant.index.memory import InMemoryStore
from assistant.index.snapshot import IndexReader
from assistant.types import Block, DocumentKind, ManifestEntry, SourceDocument


def _commit(store: InMemoryStore, source: str, text: str) -> None:
    chunks = split_into_chunks(
        SourceDocument(source, source, DocumentKind.GUIDANCE, (Block(text),), source)
    )
    vectors = HashingEmbedder().embed_passages([c.search_text for c in chunks])
    store.add_chunks(chunks, vectors)
    store.commit(
        ManifestEntry(source, source, tuple(c.chunk_id for c in chunks), source, chunks[0].kind)
    )


def test_another_writers_commit_is_seen_after_the_follow_interval(tmp_path: Path) -> None:
    store = InMemoryStore()  # shared, as a Chroma server is by its clients
    _commit(store, "a.md", "最初の文書です。")
    reader = IndexReader(store, TokenStore(tmp_path, JapaneseTokenizer()), follow_s=0.01)
    assert set(reader.snapshot.manifest) == {"a.md"}  # loaded at first use
    assert not reader.follow()  # nothing changed
    _commit(store, "b.md", "別の手続の説明です。")  # another process's ingest
    assert set(reader.snapshot.manifest) == {"a.md"}
    time.sleep(0.02)
    assert reader.follow()
    assert set(reader.snapshot.manifest) == {"a.md", "b.md"}
    assert "b.md" in {reader.snapshot.chunks[c].source for c in reader.snapshot.keyword.chunk_ids}
    time.sleep(0.02)
    assert not reader.follow()  # and only once


def test_a_reader_of_its_own_index_does_not_poll(tmp_path: Path) -> None:
    store = InMemoryStore()
    _commit(store, "a.md", "最初の文書です。")
    reader = IndexReader(store, TokenStore(tmp_path, JapaneseTokenizer()))
    _commit(store, "b.md", "別の文書です。")
    assert not reader.follow()


def test_the_snapshot_is_loaded_at_first_use_not_when_the_reader_is_built(
    tmp_path: Path,
) -> None:
    # So that a process loading the model too loads it first (Assistant.warm_up): its load
    # peak then comes before the chunks and the keyword index are held.
    store = InMemoryStore()
    _commit(store, "a.md", "最初の文書です。")
    reads: list[str] = []
    manifest = store.manifest

    def counted():  # type: ignore[no-untyped-def]
        reads.append("manifest")
        return manifest()

    store.manifest = counted  # type: ignore[method-assign]
    reader = IndexReader(store, TokenStore(tmp_path, JapaneseTokenizer()))
    assert reads == []
    assert set(reader.snapshot.manifest) == {"a.md"}
    assert reads == ["manifest"]
    reader.snapshot  # noqa: B018 - loaded once
    assert reads == ["manifest"]
