"""The compact tokenizer as sentence-transformers calls it: the same tensors as the fast one.

sentence-transformers calls the tokenizer with padding, "longest_first" truncation and tensors
(and this project adds a multiple of 64); every key, shape, dtype and value must equal what
transformers' fast tokenizer returns for the same batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.embedding.transformers_tokenizer import (
    CompactTransformersTokenizer,
    compact_tokenizer_for,
)
from tests.embedding.test_compact_tokenizer import MODEL_TOKENIZER, needs_model
from tests.embedding.tokenizer_texts import EDGE_CASES, corpus_texts, fuzz_texts

MODEL_DIR = MODEL_TOKENIZER.parent
CALLS = [
    {"padding": True, "truncation": "longest_first", "return_tensors": "pt"},
    {
        "padding": True,
        "truncation": "longest_first",
        "return_tensors": "pt",
        "pad_to_multiple_of": 64,
    },
    {"padding": True, "truncation": True, "max_length": 128, "return_tensors": "pt"},
    {"padding": "max_length", "truncation": True, "max_length": 40},
    {"truncation": True},
]


def test_no_compact_tokenizer_for_a_hub_name_or_a_foreign_file(tmp_path: Path) -> None:
    assert compact_tokenizer_for("intfloat/multilingual-e5-small") is None
    (tmp_path / "tokenizer.json").write_text(json.dumps({"model": {"type": "BPE"}}), "utf-8")
    assert compact_tokenizer_for(str(tmp_path)) is None


@pytest.fixture(scope="module")
def pair() -> tuple[CompactTransformersTokenizer, Any]:
    from transformers import AutoTokenizer

    return CompactTransformersTokenizer.from_folder(MODEL_DIR), AutoTokenizer.from_pretrained(
        str(MODEL_DIR)
    )


@pytest.mark.integration
@needs_model
@pytest.mark.parametrize("kwargs", CALLS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_calls_return_what_the_fast_tokenizer_returns(
    pair: tuple[CompactTransformersTokenizer, Any], kwargs: dict[str, Any]
) -> None:
    compact, fast = pair
    texts = [*EDGE_CASES, *corpus_texts()[::40], *fuzz_texts(60)]
    for first in range(0, len(texts), 16):
        batch = ["passage: " + t for t in texts[first : first + 16]]
        ours, theirs = compact(batch, **kwargs), fast(batch, **kwargs)
        assert sorted(ours.keys()) == sorted(theirs.keys())
        for key in theirs:
            if kwargs.get("return_tensors"):
                assert ours[key].dtype == theirs[key].dtype
                assert ours[key].tolist() == theirs[key].tolist(), (key, batch)
            else:
                assert ours[key] == theirs[key], (key, batch)


@pytest.mark.integration
@needs_model
def test_single_text_and_token_level_calls(pair: tuple[CompactTransformersTokenizer, Any]) -> None:
    compact, fast = pair
    text = "query: 特定重要物資とは何ですか？ <s> ＡＢＣ ｶﾞ"
    assert compact(text)["input_ids"] == fast(text)["input_ids"]
    assert compact.tokenize(text) == fast.tokenize(text)
    assert compact.tokenize(text, add_special_tokens=True) == fast.tokenize(
        text, add_special_tokens=True
    )
    assert compact.convert_tokens_to_ids(fast.tokenize(text)) == fast.convert_tokens_to_ids(
        fast.tokenize(text)
    )
    ids = fast(text)["input_ids"]
    assert compact.decode(ids, skip_special_tokens=True) == fast.decode(
        ids, skip_special_tokens=True
    )
    assert compact.model_max_length == fast.model_max_length == 512
    assert compact.all_special_ids == fast.all_special_ids
    assert len(compact) == len(fast) == 250_002
