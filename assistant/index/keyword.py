"""Japanese keyword search: SudachiPy tokens scored with BM25 (bm25s).

Japanese has no spaces, so whitespace splitting sees a sentence as one token and finds nothing.
SudachiPy (split mode A, normalized forms) turns 届け出る/届出る/届出 into one form; particles,
auxiliary verbs, symbols and blanks carry no topic and are dropped. Tokens of every chunk are
persisted beside the Chroma data (``keyword/tokens.json``), keyed by chunk id, so the BM25
statistics can be rebuilt for exactly the chunks that Chroma holds in milliseconds, and only new
chunks are ever tokenized again.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from dataclasses import dataclass

import bm25s
import numpy as np

from assistant.japanese import normalize

_DROP_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白"})
_ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "what",
        "which",
        "who",
        "when",
        "how",
        "does",
        "do",
        "did",
        "can",
        "i",
        "we",
        "you",
        "it",
        "this",
        "that",
        "there",
        "their",
        "its",
        "from",
        "as",
        "any",
    ]
)
# Sudachi refuses inputs over 49,149 bytes; pieces of this many characters stay below it.
_MAX_PIECE_CHARS = 12_000
_TOKENS_FILE = "tokens.json"
# bm25s logs every index build at DEBUG through its own handler; that is noise on a terminal.
logging.getLogger("bm25s").setLevel(logging.WARNING)


class JapaneseTokenizer:
    """SudachiPy mode-A normalized forms without particles, auxiliaries and symbols."""

    def __init__(self) -> None:
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="core").create()
        self._mode = SplitMode.A
        self._lock = threading.Lock()  # a Sudachi tokenizer object is not thread-safe

    def tokenize(self, text: str) -> list[str]:
        """Tokens of NFKC-normalized text, lower-cased (English words match any case)."""
        text = normalize(text)
        tokens: list[str] = []
        for start in range(0, len(text), _MAX_PIECE_CHARS):
            tokens.extend(self._tokenize_piece(text[start : start + _MAX_PIECE_CHARS]))
        return tokens

    def proper_nouns(self, text: str) -> list[str]:
        """Names in a text (固有名詞, and acronyms such as BAFA), in their token form.

        Used to notice questions about things the documents never mention.
        """
        return self.analyse(text)[1]

    def analyse(self, text: str) -> tuple[list[str], list[str]]:
        """A question's tokens and names from one SudachiPy pass (a question is analysed once)."""
        text = normalize(text)
        if len(text) > _MAX_PIECE_CHARS:
            return self.tokenize(text), self._names(self._morphemes(text[:_MAX_PIECE_CHARS]))
        morphemes = self._morphemes(text)
        return self._tokens(morphemes), self._names(morphemes)

    def _morphemes(self, text: str) -> list[Any]:
        with self._lock:
            return list(self._tokenizer.tokenize(text, self._mode))

    @staticmethod
    def _names(morphemes: list[Any]) -> list[str]:
        names: list[str] = []
        for m in morphemes:
            surface = m.surface().strip()
            if surface.isascii() and surface.isalpha() and surface.isupper() and len(surface) >= 2:
                names.append(surface.lower())
            elif not surface.isascii() and m.part_of_speech()[1] == "固有名詞":
                names.append(m.normalized_form().lower())
        return list(dict.fromkeys(names))

    def _tokenize_piece(self, text: str) -> list[str]:
        return self._tokens(self._morphemes(text))

    @staticmethod
    def _tokens(morphemes: list[Any]) -> list[str]:
        tokens: list[str] = []
        for m in morphemes:
            surface = m.surface().strip()
            if not surface or m.part_of_speech()[0] in _DROP_POS:
                continue
            if surface.isascii():
                # Sudachi normalizes English words to katakana (law -> ロー); keep the word.
                word = surface.lower()
                if word not in _ENGLISH_STOPWORDS:
                    tokens.append(word)
            else:
                tokens.append(m.normalized_form().lower())
        return tokens


@dataclass(frozen=True)
class BM25Parameters:
    """BM25 saturation (k1) and length normalization (b); lower than the textbook 1.5 / 0.75
    because law passages repeat their key terms and vary widely in length. Settings:
    ``ASSISTANT_BM25_K1`` / ``ASSISTANT_BM25_B``."""

    k1: float = 0.9
    b: float = 0.4


def character_bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces of the NFKC text, blanks removed.

    A second, segmentation-free view of the text: it still matches when the tokenizer splits a
    compound or a name differently in the question and in the passage. Pairs of two ASCII
    characters are left out: Latin-script words are whole tokens in the word view, and their
    letter pairs would only add noise (an English question would match stray Latin letters).
    """
    compact = "".join(normalize(text).split()).lower()
    pairs = (compact[i : i + 2] for i in range(len(compact) - 1))
    # Interned: an index build holds every chunk's bigrams at once (some 4 million at 10,000
    # chunks), and as separate string objects they took a few hundred MB, much of which the
    # allocator kept after the build; interned, they are pointers to some 16,000 strings.
    return [sys.intern(pair) for pair in pairs if not pair.isascii()]


def _bm25(token_lists: Sequence[list[str]], k1: float, b: float) -> bm25s.BM25 | None:
    if not token_lists:
        return None
    index = bm25s.BM25(k1=k1, b=b)
    index.index([t or [""] for t in token_lists], show_progress=False)
    return index


def _scores(index: bm25s.BM25 | None, query: list[str], size: int) -> np.ndarray:
    known = [t for t in query if index is not None and t in index.vocab_dict]
    if index is None or not known:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(index.get_scores(known), dtype=np.float32)


class KeywordIndex:
    """BM25 over a fixed set of chunk ids, on words and on character bigrams."""

    def __init__(
        self,
        chunk_ids: Sequence[str],
        tokens: Sequence[list[str]],
        bigrams: Sequence[list[str]] | None = None,
        bm25: BM25Parameters | None = None,
    ) -> None:
        bm25 = bm25 or BM25Parameters()
        self.chunk_ids = tuple(chunk_ids)
        self._token_sets = {cid: set(t) for cid, t in zip(self.chunk_ids, tokens, strict=True)}
        self._document_frequency: Counter[str] = Counter()
        for token_set in self._token_sets.values():
            self._document_frequency.update(token_set)
        self._bm25 = _bm25(tokens, bm25.k1, bm25.b)
        self._bigram_bm25 = _bm25(bigrams, bm25.k1, bm25.b) if bigrams is not None else None

    def tokens_of(self, chunk_id: str) -> set[str]:
        """The distinct tokens of one chunk (empty if unknown)."""
        return self._token_sets.get(chunk_id, set())

    def knows(self, token: str) -> bool:
        """Whether any indexed passage contains the token."""
        return self._document_frequency.get(token, 0) > 0

    def idf(self, token: str) -> float:
        """Inverse document frequency; a token the corpus never uses gets the highest value."""
        n = len(self.chunk_ids)
        df = self._document_frequency.get(token, 0)
        return math.log((n + 1) / (df + 0.5))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk (aligned with ``chunk_ids``); zeros if nothing matches."""
        return _scores(self._bm25, query_tokens, len(self.chunk_ids))

    def bigram_scores(self, query: str) -> np.ndarray:
        """BM25 over character bigrams of every chunk, for the query text."""
        return _scores(self._bigram_bm25, character_bigrams(query), len(self.chunk_ids))


class TokenStore:
    """Persisted tokens per chunk id: the durable half of the keyword index."""

    def __init__(
        self,
        directory: Path,
        tokenizer: JapaneseTokenizer,
        bm25: BM25Parameters | None = None,
    ) -> None:
        self._parameters = bm25 or BM25Parameters()
        self._path = directory / _TOKENS_FILE
        self._tokenizer = tokenizer
        self._tokens: dict[str, list[str]] = {}
        if self._path.exists():
            try:
                stored = json.loads(self._path.read_text(encoding="utf-8"))
                # Interned, every chunk's copy of a word is one string, not its own object
                # (about 120 MB less at 10,000 chunks).
                self._tokens = {cid: [sys.intern(t) for t in ts] for cid, ts in stored.items()}
            except (OSError, json.JSONDecodeError):
                self._tokens = {}  # a damaged cache is rebuilt from Chroma's texts

    def build_index(self, chunks: Iterable[tuple[str, str]]) -> KeywordIndex:
        """A KeywordIndex over exactly these (chunk_id, search_text) pairs; persists new tokens."""
        pairs = list(chunks)
        missing = [(cid, text) for cid, text in pairs if cid not in self._tokens]
        for cid, text in missing:
            self._tokens[cid] = [sys.intern(t) for t in self._tokenizer.tokenize(text)]
        live = {cid for cid, _ in pairs}
        stale = [cid for cid in self._tokens if cid not in live]
        for cid in stale:
            del self._tokens[cid]
        if missing or stale:
            self._save()
        return KeywordIndex(
            [cid for cid, _ in pairs],
            [self._tokens[cid] for cid, _ in pairs],
            [character_bigrams(text) for _, text in pairs],
            self._parameters,
        )

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".tokens-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._tokens, handle, ensure_ascii=False)
        os.replace(tmp, self._path)
