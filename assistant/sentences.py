"""Sentences of indexed passages: their vectors, stored beside the index, and how they score.

A chunk vector averages some 450 characters, while a question is usually answered by one
sentence of it. Ranking (the sentence reranker, the delegation step) and answering (which
sentences to quote) all compare the question with single sentences, so this module is the one
place that says which sentences a chunk has, embeds each once when its chunk is indexed
(``SentenceIndexer``, called by the index writer), reads the stored vectors back
(``SentenceVectors``, over ``assistant.index.sentence_store``), and scores a passage by its
best sentence (``SentenceScorer``).

A sentence alone has lost its context: 「首都のヴィエンチャン市を含む…」 never says which country,
an item of 第九条 never says what it is a condition for. So each sentence is also embedded with
its chunk's header in front (document, article, heading), and counts with whichever of the two
vectors is closer to the question. To that similarity a sentence adds, with a lexical weight,
the share of the question's words (weighted by idf) that it and its header contain: e5-small
blurs names and rare terms that the question repeats verbatim.
"""

from __future__ import annotations

import functools
import logging
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from assistant.embedding import (
    Embedder,
    TokenEmbedder,
    embed_with_sentences,
    locate_sentences,
    release_freed_memory,
)
from assistant.index.sentence_store import SentenceStore, keys_of
from assistant.japanese import normalize, split_sentences
from assistant.types import Chunk, Hit

log = logging.getLogger(__name__)
# Sentences shorter than this (item numbers, "削除") say nothing a question could match.
MIN_SENTENCE_CHARS = 6
# Texts whose tokens the reranker keeps (headers and sentences: 2,711 in the shipped corpus, 3,407
# in the JSQuAD benchmark).
_WORDS_CACHED = 50_000
# Sentences embedded per batch when they are stored (see SentenceIndexer).
_FILL_BATCH = 64


def _scorable(text: str) -> list[str]:
    """The sentences of a normalized text long enough to say something."""
    return [s for s in split_sentences(text) if len(s) >= MIN_SENTENCE_CHARS]


def chunk_sentences(chunk: Chunk) -> list[str]:
    """The normalized sentences of a chunk that are worth scoring (the chunk itself if none)."""
    return _scorable(chunk.search_text) or [chunk.search_text]


def header_and_sentences(chunk: Chunk) -> tuple[str, list[str]]:
    """The chunk's header line (document, article, heading) and the sentences of its text.

    The chunker writes ``search_text`` as the header, a newline, then the normalized text; a
    chunk stored without a header has no newline and an empty header here.
    """
    header, newline, body = chunk.search_text.partition("\n")
    if not newline:
        header, body = "", chunk.search_text
    return header, _scorable(body) or [body or header]


def in_context(header: str, sentences: Sequence[str]) -> list[str]:
    """Each sentence with the header in front, as it is embedded for the reranker.

    Joined by a space: e5's tokenizer reads a newline as a space (the same token ids), and the
    stored sentence vectors use the newline as their separator.
    """
    return [f"{header} {s}" if header else s for s in sentences]


def indexed_sentences(chunk: Chunk) -> list[str]:
    """Every text of a chunk that gets a sentence vector: its sentences (which the answerer and
    the delegation check read) and its text's sentences in context (which the reranker reads)."""
    header, sentences = header_and_sentences(chunk)
    return chunk_sentences(chunk) + in_context(header, sentences)


class SentenceVectors:
    """e5 passage vectors of sentences, by normalized text: the indexed ones from the index's
    ``SentenceStore`` (written at ingest), others embedded when first asked for; the vectors a
    question used stay in a small LRU cache (thread-safe).

    Every process reads the same stored vectors: in bfloat16 a sentence's vector depends
    slightly on the batch it was embedded in (cosine 0.996 to 1.0), which was enough to move a
    passage across the top-five line between a served instance and an evaluation run.
    """

    def __init__(
        self, embedder: Embedder, capacity: int = 50_000, store: SentenceStore | None = None
    ) -> None:
        self._embedder = embedder
        self._capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.store = store

    def refresh(self) -> int:
        """Map the segments another process stored since; returns how many are mapped."""
        return self.store.refresh() if self.store is not None else 0

    def stored(self, sentences: Sequence[str]) -> np.ndarray:
        """For each (normalized) sentence, whether the store holds its vector."""
        if self.store is None:
            return np.zeros(len(sentences), dtype=bool)
        return self.store.lookup(keys_of(sentences))[0]

    def __len__(self) -> int:
        return len(self.store) if self.store is not None else len(self._cache)

    def of(self, sentences: Sequence[str]) -> np.ndarray:
        """A (len(sentences), dim) matrix: cached, else stored, else embedded now.

        Vectors found are copied out under the lock and the rest read or embedded outside it,
        so a concurrent question evicting entries meanwhile cannot leave a row missing.
        """
        keys = [normalize(s) for s in sentences]
        with self._lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
        todo = [k for k in dict.fromkeys(keys) if k not in found]
        if todo and self.store is not None:
            present, vectors = self.store.lookup(keys_of(todo))
            found.update((k, v) for k, v, ok in zip(todo, vectors, present, strict=True) if ok)
            todo = [k for k, ok in zip(todo, present, strict=True) if not ok]
        if todo:
            fresh = self._embedder.embed_passages(todo)
            found.update(
                (key, np.asarray(vector, dtype=np.float32))
                for key, vector in zip(todo, fresh, strict=True)
            )
        with self._lock:
            for key in keys:
                self._cache[key] = found[key]
                self._cache.move_to_end(key)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        rows = [found[k] for k in keys]
        return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def similarities(self, query_vector: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
        """Cosine of the question to each sentence (vectors are unit length)."""
        if not sentences:
            return np.zeros(0)
        return np.asarray(self.of(sentences) @ query_vector.astype(np.float32), dtype=np.float64)


class SentenceIndexer:
    """Embeds chunks for the index and stores their sentences' vectors as the same step.

    ``separate`` (the default) embeds each chunk, then each of its indexed sentences on its
    own (alone and after the header: ``indexed_sentences``), in batches of 64 in corpus
    order, skipping sentences already stored. ``late`` runs each chunk through the model once
    and pools each sentence's vector from its own tokens (``embed_with_sentences``): a
    sentence then carries its header and neighbours, and its vector serves for both the
    sentence alone and the sentence after its header; ingest costs one pass per chunk instead
    of some seven. ``off`` stores nothing (no stage reads sentence vectors).
    """

    def __init__(
        self,
        embedder: Embedder,
        vectors: SentenceVectors,
        mode: str = "separate",
    ) -> None:
        self._embedder = embedder
        self._vectors = vectors
        self._late = mode == "late" and isinstance(embedder, TokenEmbedder)
        self.enabled = mode != "off" and vectors.store is not None

    def embed(self, chunks: Sequence[Chunk]) -> list[list[float]]:
        """The chunks' vectors (as ``embed_passages`` gives them), their sentences stored."""
        if self.enabled and self._late:
            return [list(map(float, v)) for v in self._index_late(chunks)]
        embedded = self._embedder.embed_passages(texts_of(chunks))
        if self.enabled:
            self._index_separately(chunks)
        return embedded

    def fill(self, chunks: Sequence[Chunk]) -> int:
        """Store the sentences of the chunks whose sentences are not stored yet (an index built
        before sentences were stored at ingest, or by a process that did not store them)."""
        if not self.enabled or self._vectors.store is None:
            return 0
        missing_ids = set(self._vectors.store.missing_chunks([c.chunk_id for c in chunks]))
        missing = [c for c in chunks if c.chunk_id in missing_ids]
        if not missing:
            return 0
        started = time.perf_counter()
        if self._late:
            self._index_late(missing)
        else:
            self._index_separately(missing)
        log.info(
            "stored the sentences of %d chunks in %.0f s",
            len(missing),
            time.perf_counter() - started,
        )
        return len(missing)

    def _store(self, texts: Sequence[str], vectors: np.ndarray, chunks: Sequence[Chunk]) -> None:
        assert self._vectors.store is not None
        if not chunks:
            return
        self._vectors.store.add(keys_of(texts), vectors, [c.chunk_id for c in chunks])

    def _index_separately(self, chunks: Sequence[Chunk]) -> None:
        texts = list(dict.fromkeys(normalize(s) for c in chunks for s in indexed_sentences(c)))
        todo = [t for t, ok in zip(texts, self._vectors.stored(texts), strict=True) if not ok]
        rows: list[np.ndarray] = []
        for start in range(0, len(todo), _FILL_BATCH):
            embedded = self._embedder.embed_passages(todo[start : start + _FILL_BATCH])
            rows.append(np.asarray(embedded, dtype=np.float32))
            release_freed_memory()
        dimensions = rows[0].shape[1] if rows else 0
        self._store(todo, np.vstack(rows) if rows else np.zeros((0, dimensions)), chunks)

    def _index_late(self, chunks: Sequence[Chunk]) -> np.ndarray:
        """One pass per chunk: its vector, and its sentences' pooled vectors stored."""
        assert isinstance(self._embedder, TokenEmbedder)
        spans: list[list[tuple[int, int]]] = []
        keys: list[list[str]] = []
        framed_rows: list[list[tuple[str, int]]] = []  # a framed sentence reuses its span's row
        for chunk in chunks:
            text = chunk.search_text
            header, body = header_and_sentences(chunk)
            alone = chunk_sentences(chunk)
            try:
                located = locate_sentences(text, alone)
                framed = locate_sentences(text[len(header) :], body) if header else []
            except ValueError:
                log.info("sentences of %s not found in its text; pooled over it", chunk.chunk_id)
                located, framed, alone = [(0, len(text))], [], [text]
            # Tokens pool into one span each, so each span is pooled once: the sentence after
            # its header is the same span of the same pass as the sentence alone.
            row_of = {span: row for row, span in enumerate(located)}
            shift = len(header)
            spans.append(located)
            keys.append([normalize(k) for k in alone])
            framed_rows.append(
                [
                    (normalize(f"{header} {sentence}"), row_of[(a + shift, b + shift)])
                    for sentence, (a, b) in zip(body, framed, strict=False)
                    if (a + shift, b + shift) in row_of
                ]
            )
        chunk_vectors, pooled = embed_with_sentences(self._embedder, texts_of(chunks), spans)
        texts: list[str] = []
        rows: list[np.ndarray] = []
        for own, extra, vectors in zip(keys, framed_rows, pooled, strict=True):
            texts.extend(own)
            rows.append(vectors)
            texts.extend(key for key, _ in extra)
            rows.append(vectors[[row for _, row in extra]])
        self._store(texts, np.vstack(rows) if rows else np.zeros((0, 0)), chunks)
        release_freed_memory()
        return chunk_vectors


def _distinct(words: Sequence[str]) -> tuple[str, ...]:
    """The distinct words, interned (each word one string, however many sentences hold it)."""
    return tuple(dict.fromkeys(sys.intern(w) for w in words))


def texts_of(chunks: Sequence[Chunk]) -> list[str]:
    """The texts chunks are embedded by (header line and normalized text)."""
    return [c.search_text for c in chunks]


class SentenceScorer:
    """Scores passages by their best sentence for one question; the reranker's and the
    answerer's shared view of sentences.

    A sentence's score is the closer of its two e5 similarities to the question (alone and
    after its header) plus ``lexical_weight`` times the idf-weighted share of the question's
    words that the sentence and its header contain (``tokenize`` gives a text's words).
    """

    def __init__(
        self,
        vectors: SentenceVectors,
        lexical_weight: float = 0.1,
        tokenize: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.vectors = vectors
        self.lexical_weight = lexical_weight if tokenize is not None else 0.0
        # A text's distinct keyword tokens, cached: the same sentences come back question after
        # question, and SudachiPy is the slow part of the lexical score. A tuple of interned
        # strings, not a frozenset: a sentence has a dozen words, which a membership test
        # scans as fast, and a full cache (28,000 texts at 10,000 chunks) took 133 MB as sets.
        self.words: Callable[[str], tuple[str, ...]] = functools.lru_cache(maxsize=_WORDS_CACHED)(
            lambda text: _distinct(tokenize(text)) if tokenize else ()
        )

    def similarities(self, query_vector: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
        """Cosine of the question to each sentence (embedded once, then cached)."""
        return self.vectors.similarities(query_vector, sentences)

    def warm_words(self, chunks: Sequence[Chunk]) -> None:
        """Read the headers' and sentences' words now, so no question waits for SudachiPy
        (only while they fit the word cache: past it, warming would only evict itself)."""
        if not self.lexical_weight:
            return
        texts: list[str] = []
        for chunk in chunks:
            header, body = header_and_sentences(chunk)
            texts.extend((header, *body))
        if len(texts) > _WORDS_CACHED:
            return
        for text in texts:
            self.words(text)

    def best_sentence_scores(
        self,
        query_vector: np.ndarray,
        hits: Sequence[Hit],
        terms: Mapping[str, float] | None = None,
    ) -> np.ndarray:
        """For each hit, the score of its best sentence (see the class docstring).

        ``terms`` maps the question's distinct words to their idf; without it (or with a
        lexical weight of 0) a sentence's score is its similarity alone.
        """
        parts = [header_and_sentences(h.chunk) for h in hits]
        alone = [sentences for _, sentences in parts]
        framed = [in_context(header, sentences) for header, sentences in parts]
        flat = [s for sentences in alone for s in sentences]
        similar = np.maximum(
            self.vectors.similarities(query_vector, flat),
            self.vectors.similarities(query_vector, [s for group in framed for s in group]),
        )
        total = sum(terms.values()) if terms else 0.0
        best, start = [], 0
        for (header, sentences), group in zip(parts, alone, strict=True):
            scores = similar[start : start + len(group)]
            start += len(group)
            if self.lexical_weight and total > 0 and terms:
                around = self.words(header)
                covered = np.asarray(
                    [
                        sum(w for t, w in terms.items() if t in around or t in own)
                        for own in map(self.words, sentences)
                    ]
                )
                scores = scores + self.lexical_weight * covered / total
            best.append(float(scores.max()))
        return np.asarray(best)
