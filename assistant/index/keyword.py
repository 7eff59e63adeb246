"""Japanese keyword search: SudachiPy tokens and character bigrams scored with BM25.

Japanese has no spaces, so whitespace splitting sees a sentence as one token and finds nothing.
SudachiPy (split mode A, normalized forms) turns 届け出る/届出る/届出 into one form; particles,
auxiliary verbs, symbols and blanks carry no topic and are dropped. Character bigrams are a
second, segmentation-free view.

Both are kept as arrays (``TermRows``: each chunk's distinct term ids and counts; ``_BM25``: the
precomputed score of every (term, chunk) pair, grouped by term), never as a Python list of
strings per chunk: the index grows with the library, and a string object per token per chunk
cost the serving process some 30 KB per chunk. The terms of each chunk are persisted by
``assistant.index.token_store``, so a start rebuilds BM25 for exactly the chunks the index holds
without tokenizing anything.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.japanese import normalize
from assistant.types import Compound

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
        tokens, names, _compounds, _countries = self.analyse_fully(text)
        return tokens, names

    def analyse_fully(
        self, text: str
    ) -> tuple[list[str], list[str], list[Compound], list[str]]:
        """A question's tokens, names, noun compounds and the names of countries among its
        names, from one SudachiPy pass."""
        text = normalize(text)
        if len(text) > _MAX_PIECE_CHARS:
            head = self._morphemes(text[:_MAX_PIECE_CHARS])
            return (
                self.tokenize(text),
                self._names(head),
                self._compounds(head),
                self._countries(head),
            )
        morphemes = self._morphemes(text)
        return (
            self._tokens(morphemes),
            self._names(morphemes),
            self._compounds(morphemes),
            self._countries(morphemes),
        )

    @staticmethod
    def _countries(morphemes: list[Any]) -> list[str]:
        """The names the dictionary knows as countries (地名・国: 中国, 米国, 日本), in the form
        ``_names`` gives them. The laws speak of countries only as 外国 and 本邦 (外為法第六条),
        so the answer check reads a country in a question through those terms."""
        return list(
            dict.fromkeys(
                m.normalized_form().lower()
                for m in morphemes
                if not m.surface().strip().isascii()
                and tuple(m.part_of_speech()[1:4]) == ("固有名詞", "地名", "国")
            )
        )

    @classmethod
    def _compounds(cls, morphemes: list[Any]) -> list[Compound]:
        """Runs of two or more nouns (prefixes and noun-forming suffixes included) written in
        Japanese: 「登記識別情報」「森林経営計画」「特定重要物資」. Keyword search splits them into
        words the documents may all use (登記, 識別, 情報) while never using the compound,
        which is what names the thing asked about."""
        compounds: list[Compound] = []
        run: list[Any] = []
        previous: Any = None
        for m in [*morphemes, None]:
            counter = _is_counter(m, previous)
            previous = m
            if m is not None and _part_of_compound(m) and not counter:
                run.append(m)
                continue
            if len(run) >= 2:
                surface = "".join(x.surface() for x in run)
                compounds.append(Compound(surface, tuple(cls._tokens(run))))
            run = []
        return list(dict.fromkeys(compounds))

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


def _is_counter(morpheme: Any, previous: Any) -> bool:
    """Whether a morpheme counts the number before it (5年, 3回: 助数詞可能 after a numeral)."""
    return (
        morpheme is not None
        and previous is not None
        and previous.part_of_speech()[1] == "数詞"
        and morpheme.part_of_speech()[2] == "助数詞可能"
    )


def _part_of_compound(morpheme: Any) -> bool:
    """Whether a morpheme continues a noun compound: a noun other than a number or an
    adverbial noun (今, 以上), an adjectival noun (重要 in 特定重要物資), a prefix, or a
    noun-forming suffix other than a counter (三回, 五年); not ASCII."""
    surface = morpheme.surface()
    if not surface.strip() or surface.isascii():
        return False
    pos = morpheme.part_of_speech()
    if pos[0] == "名詞":
        return pos[1] != "数詞" and pos[2] != "副詞可能"
    if pos[0] == "接尾辞":
        return pos[1] == "名詞的" and pos[2] != "助数詞"
    return pos[0] in ("接頭辞", "形状詞")


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


class Vocabulary:
    """Terms to dense ids, growing as terms are met; one per token store, shared by the keyword
    indexes it builds (an id, once given, never changes, so an older index stays valid).

    Ids a newer build added are past an older index's arrays; ``KeywordIndex`` treats them as
    unknown. Adding is done by the one thread that builds a snapshot; reads are dict lookups.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def get(self, term: str) -> int | None:
        """The id of a term, or None if no document seen so far holds it."""
        return self._ids.get(term)

    def add(self, terms: Iterable[str]) -> npt.NDArray[np.int32]:
        """The ids of the terms, new ones added."""
        ids = self._ids
        return np.fromiter((ids.setdefault(t, len(ids)) for t in terms), dtype=np.int32, count=-1)

    def terms(self) -> list[str]:
        """Every term, by id."""
        return list(self._ids)


@dataclass(frozen=True)
class TermRows:
    """Each document's distinct terms and their counts, as compressed rows (CSR).

    Row i's term ids are ``ids[indptr[i]:indptr[i + 1]]``, their counts the same slice of
    ``counts``; ``lengths[i]`` is the document's length in terms (BM25's dl). Plain arrays
    rather than a list of strings per document: at 10,000 chunks the lists of word tokens and
    character bigrams, and the BM25 library's own copies, took some 300 MB of the serving
    process and grew with every chunk.
    """

    indptr: npt.NDArray[np.int64]
    ids: npt.NDArray[np.int32]
    counts: npt.NDArray[np.int32]
    lengths: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def empty(cls) -> TermRows:
        """No documents."""
        return cls(
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
        )

    @classmethod
    def of(cls, documents: Iterable[Sequence[str]], vocabulary: Vocabulary) -> TermRows:
        """The rows of documents given as term lists (their terms added to ``vocabulary``)."""
        sizes: list[int] = []
        lengths: list[int] = []
        terms: list[str] = []
        counts: list[int] = []
        for document in documents:
            counted = Counter(document)
            sizes.append(len(counted))
            lengths.append(len(document))
            terms.extend(counted)
            counts.extend(counted.values())
        indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        return cls(
            indptr,
            vocabulary.add(terms),
            np.asarray(counts, dtype=np.int32),
            np.asarray(lengths, dtype=np.int32),
        )

    @classmethod
    def concat(cls, parts: Sequence[TermRows]) -> TermRows:
        """The rows of several parts, one after another."""
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        offsets = np.cumsum([0] + [int(p.indptr[-1]) for p in parts[:-1]])
        indptr = np.concatenate(
            [np.zeros(1, dtype=np.int64)]
            + [p.indptr[1:] + offset for p, offset in zip(parts, offsets, strict=True)]
        )
        return cls(
            indptr,
            np.concatenate([p.ids for p in parts]),
            np.concatenate([p.counts for p in parts]),
            np.concatenate([p.lengths for p in parts]),
        )

    def take(self, rows: npt.NDArray[np.intp]) -> TermRows:
        """The given rows, in the order given."""
        starts = self.indptr[rows]
        sizes = self.indptr[rows + 1] - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        # Position j of the result reads starts[row of j] + (j - indptr[row of j]).
        picked = np.repeat(starts - indptr[:-1], sizes) + np.arange(indptr[-1], dtype=np.int64)
        return TermRows(indptr, self.ids[picked], self.counts[picked], self.lengths[rows])

    def remap(self, mapping: npt.NDArray[np.int32]) -> TermRows:
        """The same rows with each term id ``i`` replaced by ``mapping[i]``."""
        return replace(self, ids=mapping[self.ids])

    def row(self, index: int) -> npt.NDArray[np.int32]:
        """The term ids of one row."""
        return self.ids[self.indptr[index] : self.indptr[index + 1]]


# Postings sorted into place per block when the BM25 arrays are built (see _BM25).
_BLOCK = 1 << 20


class _BM25:
    """BM25 scores of every (term, document) pair, precomputed and grouped by term.

    The formula is bm25s' default ("lucene": idf = ln(1 + (N - df + 0.5) / (df + 0.5)), term
    part tf / (tf + k1 (1 - b + b dl / avgdl))), which the index used before, so the scores are
    the same to float32 rounding (``tests/index/test_keyword.py`` compares them); an empty
    document counts as one term long, as bm25s gives it one empty token.
    """

    def __init__(self, rows: TermRows, terms: int, parameters: BM25Parameters) -> None:
        # Built in float32 and straight into the final arrays, a block of documents at a time
        # (a counting sort: each term's postings have their place from the document
        # frequencies): at 100,000 chunks the bigram view has some 23 million postings, and
        # sorting them all at once held five temporaries of that length (an int64 order, the
        # documents, tf, the norms, the repeated idf), some 550 MB of the serving process's
        # peak on top of the rows and the result.
        documents = len(rows)
        self.documents = documents
        lengths = np.maximum(rows.lengths, 1).astype(np.float32)
        average = float(lengths.mean(dtype=np.float64)) if documents else 1.0
        self.df = np.bincount(rows.ids, minlength=terms).astype(np.int32)
        idf = np.log1p((documents - self.df + 0.5) / (self.df + 0.5)).astype(np.float32)
        self.indptr = np.zeros(terms + 1, dtype=np.int64)
        np.cumsum(self.df, out=self.indptr[1:])
        postings = int(rows.indptr[-1])
        self.docs = np.empty(postings, dtype=np.int32)  # postings grouped by term, docs ascending
        self.data = np.empty(postings, dtype=np.float32)
        scale = np.float32(parameters.k1 * parameters.b / average)
        base = np.float32(parameters.k1 * (1 - parameters.b))
        free = self.indptr[:-1].copy()  # each term's next free posting
        first = 0
        while first < documents:
            # Whole documents, about _BLOCK postings (at least one document).
            wanted = int(rows.indptr[first]) + _BLOCK
            last = max(first + 1, int(np.searchsorted(rows.indptr, wanted, side="right")) - 1)
            start, stop = int(rows.indptr[first]), int(rows.indptr[last])
            if start == stop:  # documents without terms (empty chunks)
                first = last
                continue
            sizes = np.diff(rows.indptr[first : last + 1])
            block_docs = np.repeat(np.arange(first, last, dtype=np.int32), sizes)
            order = np.argsort(rows.ids[start:stop], kind="stable")  # docs stay ascending
            ids = rows.ids[start:stop][order]
            runs = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
            run_sizes = np.diff(np.append(runs, len(ids)))
            rank = np.arange(len(ids), dtype=np.int64) - np.repeat(runs, run_sizes)
            place = free[ids] + rank
            free[ids[runs]] += run_sizes
            docs = block_docs[order]
            tf = rows.counts[start:stop][order].astype(np.float32)
            norm = lengths[docs]
            norm *= scale
            norm += base
            norm += tf
            np.divide(tf, norm, out=tf)  # the term part, tf / (tf + k1 (1 - b + b dl / avgdl))
            tf *= idf[ids]
            self.docs[place] = docs
            self.data[place] = tf
            first = last

    _ARRAYS = ("docs", "data", "indptr", "df")

    @classmethod
    def from_arrays(cls, documents: int, arrays: Mapping[str, np.ndarray]) -> _BM25:
        """The scores another build computed (memory-mapped from the keyword cache)."""
        bm25 = cls.__new__(cls)
        bm25.documents = documents
        bm25.docs, bm25.data, bm25.indptr, bm25.df = (arrays[name] for name in cls._ARRAYS)
        return bm25

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays ``from_arrays`` takes back."""
        return {name: getattr(self, name) for name in self._ARRAYS}

    def scores(self, term_ids: Iterable[int]) -> npt.NDArray[np.float32]:
        """Sum over the query's terms (a repeated term counts again) for every document."""
        total = np.zeros(self.documents, dtype=np.float32)
        for term in term_ids:
            if term < len(self.df):  # a term added to the vocabulary after this build: absent
                start, end = self.indptr[term], self.indptr[term + 1]
                total[self.docs[start:end]] += self.data[start:end]  # one posting per document
        return total


class KeywordIndex:
    """BM25 over a fixed set of chunk ids, on words and on character bigrams."""

    def __init__(
        self,
        chunk_ids: Sequence[str],
        words: TermRows,
        word_vocabulary: Vocabulary,
        bigrams: TermRows | None = None,
        bigram_vocabulary: Vocabulary | None = None,
        bm25: BM25Parameters | None = None,
    ) -> None:
        bm25 = bm25 or BM25Parameters()
        if len(words) != len(chunk_ids) or (bigrams is not None and len(bigrams) != len(words)):
            raise ValueError("one row of terms per chunk id is needed")
        self._assemble(
            chunk_ids,
            words.indptr,
            words.ids,
            word_vocabulary,
            _BM25(words, len(word_vocabulary), bm25),
            bigram_vocabulary,
            (
                _BM25(bigrams, len(bigram_vocabulary), bm25)
                if bigrams is not None and bigram_vocabulary is not None
                else None
            ),
        )

    def _assemble(
        self,
        chunk_ids: Sequence[str],
        word_indptr: np.ndarray,
        word_ids: np.ndarray,
        word_vocabulary: Vocabulary,
        words: _BM25,
        bigram_vocabulary: Vocabulary | None,
        bigrams: _BM25 | None,
    ) -> None:
        """Set every attribute, for a built index and a mapped one alike."""
        self.chunk_ids = tuple(chunk_ids)
        # Each chunk's row, the order every score array follows (the snapshot's positions).
        self.positions: dict[str, int] = {cid: i for i, cid in enumerate(self.chunk_ids)}
        # Each chunk's distinct word ids, for tokens_of (the counts are in the BM25 postings).
        self._word_indptr, self._word_ids = word_indptr, word_ids
        self._vocabulary = word_vocabulary
        self._terms: list[str] = word_vocabulary.terms()
        self._bm25 = words
        self._bigram_vocabulary = bigram_vocabulary
        self._bigram_bm25 = bigrams

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array of the index (for the keyword cache; ``from_arrays`` reads them back)."""
        arrays: dict[str, np.ndarray] = {
            "word_indptr": self._word_indptr,
            "word_ids": self._word_ids,
        }
        arrays.update({f"words_{k}": v for k, v in self._bm25.arrays().items()})
        if self._bigram_bm25 is not None:
            arrays.update({f"bigrams_{k}": v for k, v in self._bigram_bm25.arrays().items()})
        return arrays

    @classmethod
    def from_arrays(
        cls,
        chunk_ids: Sequence[str],
        arrays: Mapping[str, np.ndarray],
        word_vocabulary: Vocabulary,
        bigram_vocabulary: Vocabulary,
    ) -> KeywordIndex:
        """An index over the arrays ``arrays`` gave, ids in these vocabularies (no build)."""
        documents = len(chunk_ids)
        bigrams = _prefixed(arrays, "bigrams_")
        index = cls.__new__(cls)
        index._assemble(
            chunk_ids,
            arrays["word_indptr"],
            arrays["word_ids"],
            word_vocabulary,
            _BM25.from_arrays(documents, _prefixed(arrays, "words_")),
            bigram_vocabulary,
            _BM25.from_arrays(documents, bigrams) if bigrams else None,
        )
        return index

    @classmethod
    def from_tokens(
        cls,
        chunk_ids: Sequence[str],
        tokens: Sequence[Sequence[str]],
        bigrams: Sequence[Sequence[str]] | None = None,
        bm25: BM25Parameters | None = None,
    ) -> KeywordIndex:
        """An index over documents given as token lists (tests, one-off scripts)."""
        words = Vocabulary()
        pairs = Vocabulary()
        return cls(
            chunk_ids,
            TermRows.of(tokens, words),
            words,
            TermRows.of(bigrams, pairs) if bigrams is not None else None,
            pairs,
            bm25,
        )

    def tokens_of(self, chunk_id: str) -> set[str]:
        """The distinct tokens of one chunk (empty if unknown)."""
        row = self.positions.get(chunk_id)
        if row is None:
            return set()
        ids = self._word_ids[self._word_indptr[row] : self._word_indptr[row + 1]]
        return {self._terms[i] for i in ids}

    def _document_frequency(self, token: str) -> int:
        term = self._vocabulary.get(token)
        return int(self._bm25.df[term]) if term is not None and term < len(self._bm25.df) else 0

    def knows(self, token: str) -> bool:
        """Whether any indexed passage contains the token."""
        return self._document_frequency(token) > 0

    def idf(self, token: str) -> float:
        """Inverse document frequency; a token the corpus never uses gets the highest value."""
        n = len(self.chunk_ids)
        return math.log((n + 1) / (self._document_frequency(token) + 0.5))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk (aligned with ``chunk_ids``); zeros if nothing matches."""
        return self._bm25.scores(_known(self._vocabulary, query_tokens))

    def bigram_scores(self, query: str) -> np.ndarray:
        """BM25 over character bigrams of every chunk, for the query text."""
        if self._bigram_bm25 is None or self._bigram_vocabulary is None:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return self._bigram_bm25.scores(_known(self._bigram_vocabulary, character_bigrams(query)))


def _prefixed(arrays: Mapping[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The arrays named ``prefix…``, by the rest of their name (one view's BM25 arrays)."""
    return {k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)}


def _known(vocabulary: Vocabulary, terms: Iterable[str]) -> list[int]:
    """Ids of the terms the vocabulary has (repeats kept: BM25 counts a repeated word again)."""
    found = (vocabulary.get(t) for t in terms)
    return [term for term in found if term is not None]
