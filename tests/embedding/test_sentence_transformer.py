"""The torch embedder loads the compact tokenizer by default, and its vectors do not change.

The fast tokenizer (about 280 MB per process) is loaded only for late chunking's character
offsets; with the compact tokenizer the same ids reach the same model, so the vectors are equal
to the fast tokenizer's path.
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.transformers_tokenizer import CompactTransformersTokenizer
from tests.embedding.parity_texts import LAW_SENTENCES, PARITY_QUERIES
from tests.embedding.test_compact_tokenizer import MODEL_TOKENIZER, needs_model

MODEL = str(MODEL_TOKENIZER.parent)
PASSAGES = [*LAW_SENTENCES[:6], "ＡＢＣ ｶﾞ 😀 \x01 <s>", "長い文。" * 300]

pytestmark = [pytest.mark.integration, needs_model]


@pytest.fixture(scope="module")
def compact() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL, dtype="float32")


@pytest.fixture(scope="module")
def fast() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL, dtype="float32", compact_tokenizer=False)


def test_default_loads_the_compact_tokenizer(compact: SentenceTransformerEmbedder) -> None:
    compact.embed_query("x")
    model = compact._load()
    assert isinstance(model.tokenizer, CompactTransformersTokenizer)
    assert model.max_seq_length == 512


def test_vectors_equal_the_fast_tokenizers(
    compact: SentenceTransformerEmbedder, fast: SentenceTransformerEmbedder
) -> None:
    ours, theirs = (
        np.asarray(compact.embed_passages(PASSAGES)),
        np.asarray(fast.embed_passages(PASSAGES)),
    )
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    for query in PARITY_QUERIES[:4]:
        np.testing.assert_allclose(compact.embed_query(query), fast.embed_query(query), atol=1e-6)


def test_token_states_use_offsets_of_the_fast_tokenizer(
    compact: SentenceTransformerEmbedder, fast: SentenceTransformerEmbedder
) -> None:
    ours, theirs = (
        compact.embed_passage_tokens(PASSAGES[:3]),
        fast.embed_passage_tokens(PASSAGES[:3]),
    )
    for a, b in zip(ours, theirs, strict=True):
        assert a.spans.tolist() == b.spans.tolist()
        np.testing.assert_allclose(a.vectors, b.vectors, atol=1e-5)
