"""Sentences of indexed passages: their vectors, stored beside the index, and how they score.

A chunk vector averages some 450 characters, while a question is usually answered by one
sentence of it. Ranking (the sentence reranker, the delegation step) and answering (which
sentences to quote) all compare the question with single sentences, so this module is the one
place that says which sentences a chunk has, embeds each once, keeps the vectors on disk, and
scores a passage by its best sentence.

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
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder, release_freed_memory
from assistant.japanese import normalize, split_sentences
from assistant.types import Chunk, Hit

log = logging.getLogger(__name__)
# Joins the stored sentences (UTF-8 bytes; a sentence never contains it: lines are split).
_SEPARATOR = "\n"
# Sentences shorter than this (item numbers, "削除") say nothing a question could match.
MIN_SENTENCE_CHARS = 6
# Texts whose tokens the reranker keeps (headers and sentences: 2,711 in the shipped corpus, 3,407
# in the JSQuAD benchmark).
_WORDS_CACHED = 50_000
# Sentences embedded per batch when the index is filled (see SentenceScorer.fill).
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
    """e5 passage vectors of sentences, cached by normalized text (LRU, thread-safe).

    With a ``path`` the vectors of the indexed sentences are kept on disk (``save``), so a
    restart does not embed the corpus again, and every process sees the same vectors: in
    bfloat16 a sentence's vector depends slightly on the batch it was embedded in (cosine
    0.996 to 1.0), which was enough to move a passage across the top-five line between a
    served instance and an evaluation run.
    """

    def __init__(
        self, embedder: Embedder, capacity: int = 50_000, path: Path | None = None
    ) -> None:
        self._embedder = embedder
        self._capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._path = path
        if path is not None:
            self._cache.update(self._read(path))

    def _read(self, path: Path) -> dict[str, np.ndarray]:
        """Stored vectors, or none if the file is missing, damaged or from another model."""
        if not path.exists():
            return {}
        try:
            with np.load(path, allow_pickle=False) as stored:
                if str(stored["model"]) != self._embedder.name:
                    return {}
                keys = (
                    bytes(stored["keys"]).decode("utf-8").split(_SEPARATOR)
                    if stored["keys"].size
                    else []
                )
                vectors = np.asarray(stored["vectors"], dtype=np.float32)
                return dict(zip(keys, vectors, strict=True))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the stored sentence vectors %s (%s)", path, exc)
            return {}

    def merge_stored(self) -> int:
        """Take in the vectors another process stored since this one read the file (sentences
        already cached keep their vectors); returns how many were new."""
        if self._path is None:
            return 0
        stored = self._read(self._path)
        with self._lock:
            fresh = {k: v for k, v in stored.items() if k not in self._cache}
            self._cache.update(fresh)
        return len(fresh)

    def save(self, sentences: Sequence[str]) -> None:
        """Write the vectors of these sentences (the indexed ones) to disk, atomically."""
        if self._path is None:
            return
        keys = list(dict.fromkeys(normalize(s) for s in sentences))
        with self._lock:
            rows = [(k, self._cache[k]) for k in keys if k in self._cache and _SEPARATOR not in k]
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".sentences-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle,
                    model=np.array(self._embedder.name),
                    keys=np.frombuffer(
                        _SEPARATOR.join(k for k, _ in rows).encode("utf-8"), dtype=np.uint8
                    ),
                    vectors=np.vstack([v for _, v in rows]) if rows else np.zeros((0, 0)),
                )
            os.replace(tmp, self._path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise

    def __len__(self) -> int:
        return len(self._cache)

    def __contains__(self, sentence: object) -> bool:
        return isinstance(sentence, str) and normalize(sentence) in self._cache

    def of(self, sentences: Sequence[str]) -> np.ndarray:
        """A (len(sentences), dim) matrix; only sentences not seen before are embedded.

        Vectors found in the cache are copied out under the lock and the rest embedded outside
        it, so a concurrent question evicting entries meanwhile cannot leave a row missing.
        """
        keys = [normalize(s) for s in sentences]
        with self._lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
        todo = [k for k in dict.fromkeys(keys) if k not in found]
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
        # question, and SudachiPy is the slow part of the lexical score.
        self.words: Callable[[str], frozenset[str]] = functools.lru_cache(maxsize=_WORDS_CACHED)(
            lambda text: frozenset(tokenize(text)) if tokenize else frozenset()
        )

    def similarities(self, query_vector: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
        """Cosine of the question to each sentence (embedded once, then cached)."""
        return self.vectors.similarities(query_vector, sentences)

    def fill(self, chunks: Sequence[Chunk]) -> int:
        """Embed, in corpus order, the indexed sentences that have no vector yet; store all.

        Corpus order and batches of 64 make the vectors the same whichever command built them
        (in bfloat16 a vector varies slightly with its batch). The headers' and sentences'
        words are read too, so no question waits for SudachiPy. Returns how many were embedded.
        """
        sentences = [s for chunk in chunks for s in indexed_sentences(chunk)]
        missing = [s for s in dict.fromkeys(sentences) if s not in self.vectors]
        started = time.perf_counter()
        for start in range(0, len(missing), _FILL_BATCH):
            self.vectors.of(missing[start : start + _FILL_BATCH])
            release_freed_memory()
        if missing or len(self.vectors) != len({normalize(s) for s in sentences}):
            self.vectors.save(sentences)
        if self.lexical_weight:
            for chunk in chunks:
                header, body = header_and_sentences(chunk)
                for text in (header, *body):
                    self.words(text)
        log.info(
            "embedded %d of %d sentences in %.0f s",
            len(missing),
            len(sentences),
            time.perf_counter() - started,
        )
        return len(missing)

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
                        sum(w for t, w in terms.items() if t in around or t in self.words(s))
                        for s in sentences
                    ]
                )
                scores = scores + self.lexical_weight * covered / total
            best.append(float(scores.max()))
        return np.asarray(best)
