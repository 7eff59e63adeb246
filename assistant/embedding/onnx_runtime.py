"""The ONNX Runtime backend: the int8 export of the e5 model, without torch at run time.

Same prefixes, same token ids (the compact tokenizer over the model folder's
``tokenizer.json``), mean pooling over the real tokens and L2 normalization as the torch
backend; its vectors match the float32 torch model's at cosine 0.9935 or more on the parity
texts (tests/embedding/test_embedding_onnx.py). As in the torch backend, the fast tokenizer
(~280 MB) is loaded only for late chunking's character offsets.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.embedding.compact_tokenizer import CompactTokenizer, UnsupportedTokenizerError
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

    def __init__(
        self, model: str, batch_size: int = 1, threads: int = 0, compact_tokenizer: bool = True
    ) -> None:
        if batch_size < 1:
            raise ModelError("embedding batch size must be at least 1")
        self._model_setting = model
        self._identity = model_identity(model)
        self._batch_size = batch_size
        self._threads = threads
        self._compact_tokenizer = compact_tokenizer
        self._session: Any = None
        self._folder = Path()
        self._max_length = 0
        self._compact: CompactTokenizer | None = None
        self._fast: Any = None

    @property
    def name(self) -> str:
        """The model and the backend (its vectors differ slightly from torch's)."""
        return f"{self._identity}@onnx-qint8"

    def _load(self) -> Any:
        """The inference session, and the compact tokenizer where it applies."""
        if self._session is None:
            folder = self._export_folder()
            session = self._open_session(folder)
            marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
            self._folder, self._max_length = folder, int(marker["max_seq_length"])
            if self._compact_tokenizer:
                try:
                    self._compact = CompactTokenizer.from_file(folder / TOKENIZER_FILE)
                except UnsupportedTokenizerError:
                    self._compact = None  # the fast tokenizer below does everything
            self._session = session
        return self._session

    def _open_session(self, folder: Path) -> Any:
        """The onnxruntime session over the export in ``folder``."""
        try:
            import onnxruntime
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
            return onnxruntime.InferenceSession(
                str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise ModelError(f"cannot load the ONNX embedding model in {folder}: {exc}") from exc

    def _fast_tokenizer(self) -> Any:
        """The `tokenizers` tokenizer of the export, loaded on first need (offsets, fallback)."""
        self._load()
        if self._fast is None:
            try:
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self._folder / TOKENIZER_FILE))
            except Exception as exc:
                raise ModelError(f"cannot load the tokenizer in {self._folder}: {exc}") from exc
            tokenizer.enable_truncation(self._max_length)
            tokenizer.no_padding()
            self._fast = tokenizer
        return self._fast

    # How messages name this backend and the folder set-up builds for it (the OpenVINO
    # subclass overrides both with ``_build_export`` and ``_read_export_marker``).
    _BACKEND = "ONNX"
    _EXPORT = "ONNX export"

    def _build_export(self, model_dir: Path) -> Path:
        return build_onnx_model(model_dir)

    def _read_export_marker(self, folder: Path) -> dict[str, Any] | None:
        return read_marker(folder)

    def _export_folder(self) -> Path:
        """The export of the configured model folder, built now if missing or stale."""
        path = Path(resolve_model_path(self._model_setting))
        if not path.is_dir():
            raise ModelError(
                f"the {self._BACKEND} embedding backend needs a local model folder; "
                f"{self._model_setting!r} is not one (use the torch backend for a hub name)"
            )
        folder = self._build_export(path)
        if self._read_export_marker(folder) is None:
            raise ModelError(
                f"the {self._EXPORT} in {folder} is incomplete; run prepare-model --force"
            )
        return folder

    def _token_ids(self, prefixed: Sequence[str]) -> list[list[int]]:
        """Each text's ids framed by <s> and </s>, at most the model's length."""
        self._load()
        if self._compact is not None:
            return [self._compact.encode_framed(t, self._max_length) for t in prefixed]
        return [e.ids for e in self._fast_tokenizer().encode_batch(list(prefixed))]

    def _pad_id(self) -> int:
        pad = (
            self._compact.token_id("<pad>")
            if self._compact is not None
            else self._fast_tokenizer().token_to_id("<pad>")
        )
        return pad or 0

    def _batches(
        self, token_ids: list[list[int]]
    ) -> Iterator[tuple[list[int], dict[str, npt.NDArray[np.int64]]]]:
        """(text indices, model inputs) batch by batch, longest texts first, padded per batch."""
        self._load()
        pad_id = self._pad_id()
        order = sorted(range(len(token_ids)), key=lambda i: -len(token_ids[i]))
        for first in range(0, len(order), self._batch_size):
            batch = order[first : first + self._batch_size]
            width = max(len(token_ids[i]) for i in batch)
            ids = np.full((len(batch), width), pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(token_ids[i])] = token_ids[i]
                mask[row, : len(token_ids[i])] = 1
            yield (
                batch,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )

    def _run(self, token_ids: list[list[int]]) -> Iterator[tuple[list[int], FloatArray, Any]]:
        """Yield (text indices, token vectors, mask) batch by batch, longest texts first."""
        session = self._load()
        for batch, feeds in self._batches(token_ids):
            hidden = session.run(["last_hidden_state"], feeds)[0]
            yield batch, hidden, feeds["attention_mask"]

    def _embed(self, prefixed: Sequence[str]) -> FloatArray:
        vectors = np.zeros((len(prefixed), 0), dtype=np.float32)
        for batch, hidden, mask in self._run(self._token_ids(prefixed)):
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
        """One forward pass per passage (in batches); every real token's last-layer vector.

        Tokenized by the fast tokenizer, for each token's characters.
        """
        encodings = self._fast_tokenizer().encode_batch([PASSAGE_PREFIX + t for t in texts])
        states: dict[int, TokenStates] = {}
        for batch, hidden, _mask in self._run([e.ids for e in encodings]):
            for row, i in enumerate(batch):
                length = len(encodings[i].ids)
                spans = token_spans_in_text(encodings[i].offsets, len(PASSAGE_PREFIX))
                states[i] = TokenStates(
                    vectors=hidden[row, :length].astype(np.float32), spans=spans
                )
        return [states[i] for i in range(len(texts))]
