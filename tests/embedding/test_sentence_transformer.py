"""The torch embedder loads the compact tokenizer by default, and its vectors do not change.

The fast tokenizer (about 280 MB per process) is loaded only for late chunking's character
offsets; with the compact tokenizer the same ids reach the same model, so the vectors are equal
to the fast tokenizer's path.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from assistant.embedding import SentenceTransformerEmbedder
from assistant.embedding.transformers_tokenizer import CompactTransformersTokenizer
from assistant.errors import ModelError
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


def test_tokenizer_json_is_never_loaded_by_tokenizers(monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers.tokenization_utils_tokenizers as backend

    def refuse(path: str) -> None:
        raise AssertionError(f"the fast tokenizer was loaded from {path}")

    monkeypatch.setattr(backend, "TokenizerFast", SimpleNamespace(from_file=refuse))
    embedder = SentenceTransformerEmbedder(MODEL, dtype="float32")
    embedder.embed_passages(PASSAGES[:2])
    embedder.embed_query(PARITY_QUERIES[0])
    with pytest.raises(ModelError):  # the guard does stop the fast tokenizer (error reworded)
        SentenceTransformerEmbedder(MODEL, dtype="float32", compact_tokenizer=False).embed_query(
            "x"
        )


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


def test_a_tokenizer_file_not_reproduced_loads_the_fast_tokenizer(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    for entry in Path(MODEL).iterdir():  # the same weights, linked rather than copied
        if entry.name != "tokenizer.json":
            (folder / entry.name).symlink_to(entry.resolve())
    config = json.loads((Path(MODEL) / "tokenizer.json").read_text(encoding="utf-8"))
    config["added_tokens"][0]["lstrip"] = True  # the compact tokenizer refuses stripping tokens
    (folder / "tokenizer.json").write_text(json.dumps(config), encoding="utf-8")
    embedder = SentenceTransformerEmbedder(str(folder), dtype="float32")
    assert len(embedder.embed_query("x")) == 384
    assert embedder._load().tokenizer.is_fast


def test_batches_framed_otherwise_by_the_installed_libraries_fall_back_to_tokenizer_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The load check compares sentence-transformers' batch call with the compact ids: an
    installed transformers that pads or frames otherwise (or whose API has moved and raises)
    gets the fast tokenizer, never different vectors."""
    from assistant.embedding import sentence_transformer

    monkeypatch.setattr(sentence_transformer, "_frames_as_encoded", lambda _m, _c: False)
    differing = SentenceTransformerEmbedder(MODEL, dtype="float32")
    differing.embed_query("x")
    assert not isinstance(differing._load()[0].processor, CompactTransformersTokenizer)

    def moved(_model: object, _compact: object) -> bool:
        raise AttributeError("'Transformer' object has no attribute 'preprocess'")

    monkeypatch.setattr(sentence_transformer, "_frames_as_encoded", moved)
    raising = SentenceTransformerEmbedder(MODEL, dtype="float32")
    raising.embed_query("x")
    assert not isinstance(raising._load()[0].processor, CompactTransformersTokenizer)
