"""Storing sentence vectors at ingest: separately embedded or pooled from the chunk's pass."""

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.embedding import HashingEmbedder, TokenStates
from assistant.index.sentence_store import SentenceStore
from assistant.sentences import SentenceIndexer, SentenceVectors, indexed_sentences
from assistant.types import Chunk
from tests.fakes import chunk

HEADER = "外為法 第二十五条"
BODY = "居住者は特定技術を提供するときは許可を受けなければならない。前項の許可には条件を付すことができる。"


class Counting(HashingEmbedder):
    """The hashing fake, counting passages embedded alone and passes over chunks."""

    def __init__(self) -> None:
        super().__init__(dimensions=256)
        self.passages: list[str] = []
        self.passes = 0

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        self.passages.extend(texts)
        return super().embed_passages(texts)

    def embed_passage_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        self.passes += len(texts)
        return super().embed_passage_tokens(texts)


def _chunks() -> list[Chunk]:
    """Two chunks whose search text is a header line and their text, as the chunker writes."""
    second = "輸出の許可を申請する者は申請書を提出する。"
    return [
        replace(chunk("c1", BODY), search_text=f"{HEADER}\n{BODY}"),
        replace(chunk("c2", second), search_text=f"外為法 第二条\n{second}"),
    ]


def _indexer(tmp_path: Path, embedder: Counting, mode: str) -> SentenceIndexer:
    vectors = SentenceVectors(embedder, store=SentenceStore(tmp_path, embedder.name))
    return SentenceIndexer(embedder, vectors, mode)


def test_separate_mode_embeds_each_sentence_alone_and_in_context_once(tmp_path: Path) -> None:
    embedder = Counting()
    indexer = _indexer(tmp_path, embedder, "separate")
    chunks = _chunks()
    vectors = indexer.embed(chunks)
    texts = [s for c in chunks for s in indexed_sentences(c)]
    assert np.allclose(vectors, embedder.embed_passages([c.search_text for c in chunks]))
    assert f"{HEADER} 前項の許可には条件を付すことができる。" in embedder.passages
    stored = SentenceVectors(Counting(), store=SentenceStore(tmp_path, embedder.name))
    assert stored.stored(texts).all()
    embedder.passages.clear()
    assert indexer.fill(chunks) == 0 and embedder.passages == []


def test_late_mode_makes_one_pass_per_chunk_and_stores_every_indexed_sentence(
    tmp_path: Path,
) -> None:
    embedder = Counting()
    indexer = _indexer(tmp_path, embedder, "late")
    chunks = _chunks()
    vectors = np.asarray(indexer.embed(chunks))
    assert embedder.passes == len(chunks) and embedder.passages == []
    assert np.allclose(
        vectors, Counting().embed_passages([c.search_text for c in chunks]), atol=1e-6
    )
    store = SentenceStore(tmp_path, embedder.name)
    reader = SentenceVectors(Counting(), store=store)
    texts = [s for c in chunks for s in indexed_sentences(c)]
    assert reader.stored(texts).all()
    # A sentence alone and after its header share the vector pooled from the chunk's pass.
    sentence = "前項の許可には条件を付すことができる。"
    alone, framed = reader.of([sentence, f"{HEADER} {sentence}"])
    assert np.allclose(alone, framed)
    assert not np.allclose(alone, Counting().embed_passages([sentence])[0], atol=1e-6)


def test_off_stores_nothing(tmp_path: Path) -> None:
    embedder = Counting()
    indexer = _indexer(tmp_path, embedder, "off")
    indexer.embed(_chunks())
    assert len(SentenceStore(tmp_path, embedder.name)) == 0 and indexer.fill(_chunks()) == 0
