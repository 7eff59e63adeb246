"""The parity checks every non-torch backend passes against the torch float32 model: the
50 parity texts as passages and queries, and late chunking's pooled vectors, at cosine 0.99."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.config import DEFAULT_MODEL_DIR
from assistant.embedding import Embedder, TokenEmbedder, embed_with_sentences
from tests.embedding.parity_texts import PARITY_PASSAGES, PARITY_QUERIES

ROOT = Path(__file__).resolve().parents[2]
MODEL = str(ROOT / DEFAULT_MODEL_DIR)
MIN_COSINE = 0.99


def cosines(a: Sequence[Sequence[float]], b: Sequence[Sequence[float]]) -> np.ndarray:
    """Row-wise cosine of two lists of vectors."""
    x, y = np.asarray(a), np.asarray(b)
    return np.sum(x * y, axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


def assert_passages_match(reference: Embedder, other: Embedder) -> None:
    found = cosines(
        reference.embed_passages(PARITY_PASSAGES), other.embed_passages(PARITY_PASSAGES)
    )
    assert found.min() >= MIN_COSINE, dict(zip(PARITY_PASSAGES, found.round(4), strict=True))


def assert_queries_match(reference: Embedder, other: Embedder) -> None:
    ours = [other.embed_query(q) for q in PARITY_QUERIES]
    theirs = [reference.embed_query(q) for q in PARITY_QUERIES]
    found = cosines(theirs, ours)
    assert found.min() >= MIN_COSINE, dict(zip(PARITY_QUERIES, found.round(4), strict=True))


def assert_late_chunking_matches(reference: TokenEmbedder, other: TokenEmbedder) -> None:
    text = "".join(PARITY_PASSAGES[:3])
    spans = [(0, len(PARITY_PASSAGES[0]))]
    reference_chunks, reference_sentences = embed_with_sentences(reference, [text], [spans])
    other_chunks, other_sentences = embed_with_sentences(other, [text], [spans])
    assert float(reference_chunks[0] @ other_chunks[0]) >= MIN_COSINE
    assert float(reference_sentences[0][0] @ other_sentences[0][0]) >= MIN_COSINE
