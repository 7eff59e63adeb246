"""The token ids of a Unigram ``tokenizer.json``, at a small fraction of the memory.

``tokenizers.Tokenizer.from_file`` on the e5 folder's tokenizer.json takes a process from
16 MB to 298 MB, almost all of it the Unigram model's trie (see ``unigram``). This class gives
the same ids from the same file at about 15 MB:

* special tokens (``<s>``, ``</s>``, ``<unk>``...) are cut out of the raw text first, leftmost
  and longest first, as the added vocabulary of `tokenizers` does;
* each other part goes through the file's own normalizer and pre-tokenizer, run by `tokenizers`
  in a tokenizer holding one piece, so NFKC and its Unicode version are those of the library
  (Python's ``unicodedata`` is newer and decomposes 72 more code points);
* each word is segmented by ``UnigramModel``, the ids framed by the template's ``<s>``/``</s>``.

The scores are read as `tokenizers` reads them: its JSON reader rounds many 17-digit decimals
one unit in the last place away from the nearest double (65,856 of the e5 scores), and ties
between segmentations are decided on those values. Which reading the installed `tokenizers`
does is probed once, on a few scores, through the library itself.

Anything else in the file (another model type, byte fallback, added tokens that strip spaces,
another template) raises ``UnsupportedTokenizerError``: callers then load the full tokenizer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.unigram import PieceTable, UnigramModel
from assistant.errors import ModelError

_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?")
_PROBES = 16  # scores whose two readings differ, sent through tokenizers to see which it uses


class UnsupportedTokenizerError(ModelError):
    """The tokenizer.json uses something CompactTokenizer does not reproduce exactly."""


def read_float_like_serde(raw: str) -> float:
    """A JSON number as serde_json reads it without its ``float_roundtrip`` feature.

    The decimal digits become one integer, converted to the nearest double, then divided (or
    multiplied) by a power of ten: two roundings, so not always the nearest double.
    """
    match = _NUMBER.fullmatch(raw)
    if match is None:
        raise UnsupportedTokenizerError(f"unexpected number {raw!r} in tokenizer.json")
    sign, whole, fraction, exponent_text = match.groups()
    significand = int(whole + (fraction or ""))
    exponent = int(exponent_text or 0) - len(fraction or "")
    if significand >= 2**64 // 10 or abs(exponent) > 308:
        raise UnsupportedTokenizerError(f"number {raw!r} is out of the range read exactly here")
    value = float(significand)
    if exponent < 0:
        value /= float(10**-exponent)
    elif exponent > 0:
        value *= float(10**exponent)
    return -value if sign else value


def tokenizers_reading(raw_scores: Sequence[str]) -> list[float]:
    """The scores as the installed tokenizers reads them: a Unigram vocabulary of these raw JSON
    numbers loaded by tokenizers and written back."""
    from tokenizers import Tokenizer

    vocab = ",".join(f'["p{i}", {raw}]' for i, raw in enumerate(raw_scores))
    probe = Tokenizer.from_str(
        '{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],'
        ' "normalizer": null, "pre_tokenizer": null, "post_processor": null, "decoder": null,'
        f' "model": {{"type": "Unigram", "unk_id": 0, "vocab": [{vocab}], "byte_fallback": false}}}}'
    )
    return [score for _, score in json.loads(probe.to_str())["model"]["vocab"]]


def _tokenizers_float_reader(raw_scores: Sequence[str]) -> Callable[[str], float]:
    """Which reading of JSON numbers the installed tokenizers uses, asked of tokenizers itself."""
    differing = [r for r in raw_scores if read_float_like_serde(r) != float(r)][:_PROBES]
    if not differing:
        return float
    read_back = tokenizers_reading(differing)
    for reader in (read_float_like_serde, float):
        if read_back == [reader(r) for r in differing]:
            return reader
    raise UnsupportedTokenizerError("tokenizers reads JSON numbers in a way not reproduced here")


class CompactTokenizer:
    """Token ids of a Unigram tokenizer.json, identical to ``tokenizers``' (see module doc)."""

    def __init__(self, config: dict[str, Any], scores: np.ndarray) -> None:
        model = config.get("model") or {}
        if (
            model.get("type") != "Unigram"
            or model.get("byte_fallback")
            or model.get("unk_id") is None
        ):
            raise UnsupportedTokenizerError(
                "only a Unigram model with an unknown token and no byte fallback is supported"
            )
        pieces = [piece for piece, _ in model["vocab"]]
        try:
            self._model = UnigramModel(PieceTable(pieces, scores), int(model["unk_id"]))
        except ValueError as exc:
            raise UnsupportedTokenizerError(
                f"the vocabulary cannot be held compactly: {exc}"
            ) from exc
        self.unk_id = self._model.unk_id
        self.specials = _special_tokens(config, pieces)
        self._special_pattern = re.compile(
            "|".join(re.escape(t) for t in sorted(self.specials, key=len, reverse=True))
        )
        self.bos_id, self.eos_id = _template_frame(config)
        self._normalizer, self._pre_tokenizer = _text_steps(config)

    @classmethod
    def from_file(cls, path: Path) -> CompactTokenizer:
        """Load ``tokenizer.json``; raises UnsupportedTokenizerError for what it cannot match."""
        try:
            with open(path, encoding="utf-8") as handle:
                config = json.load(handle, parse_float=str)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read tokenizer file {path}: {exc}") from exc
        try:
            raw = [str(score) for _, score in (config.get("model") or {}).get("vocab") or []]
        except (TypeError, ValueError) as exc:
            raise UnsupportedTokenizerError(
                f"{path}: the model has no list of scored pieces"
            ) from exc
        reader = _tokenizers_float_reader(raw)
        scores = np.fromiter(map(reader, raw), dtype=np.float64, count=len(raw))
        return cls(config, scores)

    @property
    def vocab_size(self) -> int:
        """Number of pieces (special tokens included)."""
        return len(self._model.table)

    @property
    def nbytes(self) -> int:
        """Bytes held by the vocabulary's arrays (the bulk of this tokenizer's memory)."""
        return self._model.table.nbytes

    def piece(self, token_id: int) -> str:
        """The text of a token id."""
        return self._model.table.piece(token_id)

    def token_id(self, piece: str) -> int | None:
        """The id of a piece, or None."""
        return self._model.table.id_of(piece)

    def token_ids(self, pieces: Sequence[str]) -> list[int]:
        """The id of each piece, the unknown id for a text that is no piece."""
        ids = self._model.table.lookup(pieces)
        ids[ids < 0] = self.unk_id
        return ids.tolist()

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>``/``</s>`` and without truncation."""
        ids: list[int] = []
        for part, special_id in self._split_specials(text):
            if special_id is not None:
                ids.append(special_id)
                continue
            normalized = self._normalizer.normalize_str(part) if self._normalizer else part
            if self._pre_tokenizer is None:
                ids.extend(self._model.segment(normalized))
                continue
            words = self._pre_tokenizer.pre_tokenize_str(normalized)
            ids.extend(self._model.segment_words([word for word, _ in words]))
        return ids

    def encode_framed(self, text: str, max_length: int) -> list[int]:
        """``<s>`` ids ``</s>``, the ids cut so that the whole is at most ``max_length`` long."""
        if max_length < 2:
            raise ValueError("max_length must leave room for <s> and </s>")
        return [self.bos_id, *self.encode(text)[: max_length - 2], self.eos_id]

    def _split_specials(self, text: str) -> Iterator[tuple[str, int | None]]:
        """The text cut at special tokens: (part, None) for text, (token, id) for a special."""
        position = 0
        for match in self._special_pattern.finditer(text):
            if match.start() > position:
                yield text[position : match.start()], None
            yield match.group(), self.specials[match.group()]
            position = match.end()
        if position < len(text):
            yield text[position:], None


def _text_steps(config: dict[str, Any]) -> tuple[Any, Any]:
    """The file's normalizer and pre-tokenizer, built by tokenizers around a one-piece model."""
    from tokenizers import Tokenizer

    stub = {
        **config,
        "added_tokens": [],
        "post_processor": None,
        "decoder": None,
        "truncation": None,
        "padding": None,
        "model": {
            "type": "Unigram",
            "unk_id": 0,
            "vocab": [["<unk>", 0.0]],
            "byte_fallback": False,
        },
    }
    try:
        steps = Tokenizer.from_str(json.dumps(stub))
    except Exception as exc:  # tokenizers raises a bare Exception
        raise UnsupportedTokenizerError(f"its normalizer or pre-tokenizer: {exc}") from exc
    return steps.normalizer, steps.pre_tokenizer


def _special_tokens(config: dict[str, Any], pieces: list[str]) -> dict[str, int]:
    """The added tokens, which must be matched in the raw text and nothing more."""
    specials: dict[str, int] = {}
    for token in config.get("added_tokens") or []:
        plain = not any(
            token.get(flag) for flag in ("lstrip", "rstrip", "single_word", "normalized")
        )
        token_id = token.get("id")
        if not plain or not isinstance(token_id, int) or token_id >= len(pieces):
            raise UnsupportedTokenizerError(
                f"added token {token.get('content')!r} is not supported"
            )
        if pieces[token_id] != token.get("content"):
            raise UnsupportedTokenizerError(
                f"added token {token.get('content')!r} is not its piece"
            )
        specials[token["content"]] = token_id
    if not specials:
        raise UnsupportedTokenizerError("a tokenizer without special tokens is not supported")
    return specials


def _template_frame(config: dict[str, Any]) -> tuple[int, int]:
    """The ids of the template ``<s> $A </s>``, the only post-processor supported."""
    post = config.get("post_processor") or {}
    single = post.get("single") or []
    shape = [next(iter(step)) for step in single]
    if post.get("type") != "TemplateProcessing" or shape != [
        "SpecialToken",
        "Sequence",
        "SpecialToken",
    ]:
        raise UnsupportedTokenizerError("only a template of the form <s> $A </s> is supported")
    ids = []
    for step in (single[0], single[2]):
        name = step["SpecialToken"]["id"]
        token_ids = post.get("special_tokens", {}).get(name, {}).get("ids", [])
        if len(token_ids) != 1:
            raise UnsupportedTokenizerError(f"template token {name!r} is not one token")
        ids.append(int(token_ids[0]))
    return ids[0], ids[1]
