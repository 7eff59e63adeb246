"""The ONNX Runtime backend: the int8 export of the e5 model, without torch at run time.

Same prefixes, same tokenizer (the model folder's ``tokenizer.json``), mean pooling over the
real tokens and L2 normalization as the torch backend; its vectors match the float32 torch
model's at cosine 0.9935 or more on the parity texts (tests/embedding/test_embedding_onnx.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.identity import model_identity
from assistant.embedding.onnx_export import (
    INSTALL_HINT,
    MARKER,
    ONNX_FILE,
    TOKENIZER_FILE,
    build_onnx_model,
    read_marker,
)
from assistant.embedding.pooling import FloatArray, mean_pool, normalize_rows
from assistant.embedding.protocol import (
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    TokenStates,
    token_spans_in_text,
)
from assistant.embedding.sentence_transformer import resolve_model_path
from assistant.errors import ModelError


class OnnxEmbedder:
    """multilingual-e5 as an int8 ONNX graph run by onnxruntime on the CPU, loaded lazily.

    ``model`` is the same setting as the torch backend's (a local model folder); its export is
    built on first use if ``assistant prepare-model`` has not built it yet.

    One text per run by default: int8 kernels gain nothing from batching here (passages of
    about 240 tokens cost 109-135 ms of CPU each alone, 222-256 ms in batches of 16; short
    sentences 11 ms against 15 ms), the peak memory is lower (about 830 MB against 1,090 MB),
    and, as dynamic quantization scales activations per batch, a text's vector then never
    depends on the texts embedded with it.
    """

    def __init__(self, model: str, batch_size: int = 1, threads: int = 0) -> None:
        if batch_size < 1:
            raise ModelError("embedding batch size must be at least 1")
        self._model_setting = model
        self._identity = model_identity(model)
        self._batch_size = batch_size
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def name(self) -> str:
        """The model and the backend (its vectors differ slightly from torch's)."""
        return f"{self._identity}@onnx-qint8"

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            folder = self._export_folder()
            try:
                import onnxruntime
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ModelError(
                    f"the ONNX embedding backend needs onnxruntime: {INSTALL_HINT}"
                ) from exc
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self._threads
            # The arena keeps the largest batch's activations for good: 1,289 MB resident
            # after 16 passages of 300 tokens, against 532 MB without it (same speed).
            options.enable_cpu_mem_arena = False
            try:
                session = onnxruntime.InferenceSession(
                    str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
                )
                tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
            except Exception as exc:
                raise ModelError(
                    f"cannot load the ONNX embedding model in {folder}: {exc}"
                ) from exc
            marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
            tokenizer.enable_truncation(int(marker["max_seq_length"]))
            tokenizer.no_padding()
            self._session, self._tokenizer = session, tokenizer
        return self._session, self._tokenizer

    def _export_folder(self) -> Path:
        """The export of the configured model folder, built now if missing or stale."""
        path = Path(resolve_model_path(self._model_setting))
        if not path.is_dir():
            raise ModelError(
                f"the ONNX embedding backend needs a local model folder; {self._model_setting!r} "
                "is not one (use the torch backend for a hub name)"
            )
        folder = build_onnx_model(path)
        if read_marker(folder) is None:
            raise ModelError(
                f"the ONNX export in {folder} is incomplete; run prepare-model --force"
            )
        return folder

    def _encode(self, prefixed: Sequence[str]) -> list[Any]:
        return list(self._load()[1].encode_batch(list(prefixed)))

    def _run(self, encodings: list[Any]) -> Iterator[tuple[list[int], FloatArray, Any]]:
        """Yield (text indices, token vectors, mask) batch by batch, longest texts first."""
        session, tokenizer = self._load()
        pad_id = tokenizer.token_to_id("<pad>") or 0
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        for first in range(0, len(order), self._batch_size):
            batch = order[first : first + self._batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.full((len(batch), width), pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(["last_hidden_state"], feeds)[0]
            yield batch, hidden, mask

    def _embed(self, prefixed: Sequence[str]) -> FloatArray:
        vectors = np.zeros((len(prefixed), 0), dtype=np.float32)
        for batch, hidden, mask in self._run(self._encode(prefixed)):
            pooled = normalize_rows(mean_pool(hidden, mask))
            if vectors.shape[1] == 0:
                vectors = np.zeros((len(prefixed), pooled.shape[1]), dtype=np.float32)
            vectors[batch] = pooled
        return vectors

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages with the "passage: " prefix, in batches."""
        return [[float(x) for x in v] for v in self._embed([PASSAGE_PREFIX + t for t in texts])]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the "query: " prefix (recent questions are cached)."""
        return list(self._embed_query_cached(text))

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one embedder lives as long as the process
    def _embed_query_cached(self, text: str) -> tuple[float, ...]:
        return tuple(float(x) for x in self._embed([QUERY_PREFIX + text])[0])

    def embed_passage_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """One forward pass per passage (in batches); every real token's last-layer vector."""
        encodings = self._encode([PASSAGE_PREFIX + t for t in texts])
        states: dict[int, TokenStates] = {}
        for batch, hidden, _mask in self._run(encodings):
            for row, i in enumerate(batch):
                length = len(encodings[i].ids)
                spans = token_spans_in_text(encodings[i].offsets, len(PASSAGE_PREFIX))
                states[i] = TokenStates(
                    vectors=hidden[row, :length].astype(np.float32), spans=spans
                )
        return [states[i] for i in range(len(texts))]
