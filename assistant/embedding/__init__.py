"""Embedders: the protocol, one module per backend, and the factory that picks one.

* ``sentence_transformer``: the torch backend (float32 or bfloat16), the default;
* ``onnx_runtime``: the int8 ONNX export run by onnxruntime (``ASSISTANT_EMBEDDING_BACKEND=onnx``),
  built at set-up by ``onnx_export``;
* ``openvino_runtime``: the model as OpenVINO IR, bfloat16 where the CPU has it
  (``ASSISTANT_EMBEDDING_BACKEND=openvino``), built at set-up by ``openvino_export``;
* ``hashing``: a deterministic fake for fast tests;
* ``late_chunking``: sentence vectors pooled from their chunk's single forward pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.embedding.hashing import HashingEmbedder
from assistant.embedding.late_chunking import embed_with_sentences, locate_sentences
from assistant.embedding.memory import release_freed_memory
from assistant.embedding.precision import cpu_has_bf16, resolve_dtype
from assistant.embedding.protocol import (
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    Embedder,
    TokenEmbedder,
    TokenStates,
)
from assistant.embedding.sentence_transformer import (
    PAD_TO_MULTIPLE,
    SentenceTransformerEmbedder,
    resolve_model_path,
)

if TYPE_CHECKING:
    from assistant.config import Settings

__all__ = [
    "PAD_TO_MULTIPLE",
    "PASSAGE_PREFIX",
    "QUERY_PREFIX",
    "Embedder",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "TokenEmbedder",
    "TokenStates",
    "build_embedder",
    "cpu_has_bf16",
    "embed_with_sentences",
    "locate_sentences",
    "release_freed_memory",
    "resolve_dtype",
    "resolve_model_path",
]


def build_embedder(settings: Settings) -> TokenEmbedder:
    """The embedder the settings ask for (``embedding_backend``: torch, onnx or openvino),
    loaded lazily."""
    if settings.embedding_backend == "openvino":
        from assistant.embedding.openvino_runtime import OpenVinoEmbedder

        return OpenVinoEmbedder(settings.embedding_model)  # batches of 4: see OpenVinoEmbedder
    if settings.embedding_backend == "onnx":
        from assistant.embedding.onnx_runtime import OnnxEmbedder

        return OnnxEmbedder(settings.embedding_model)  # one text per run: see OnnxEmbedder
    return SentenceTransformerEmbedder(
        settings.embedding_model, settings.embedding_batch_size, settings.embedding_dtype
    )
