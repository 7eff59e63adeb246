"""Second stage: re-score the fused ranking by each passage's best-matching sentence.

A chunk vector averages some 450 characters, while a question is usually answered by one
sentence of it; a paraphrased question ("いつまでに出す必要がありますか") sits close to the
sentence that answers it ("遅滞なく、報告書を提出しなければならない") but far from the average
of a long article. No Japanese cross-encoder ships offline, so the same e5 model scores the
question against every sentence of every candidate.

A sentence alone has lost its context: 「首都のヴィエンチャン市を含む…」 never says which country,
an item of 第九条 never says what it is a condition for. So each sentence is also embedded with
its chunk's header in front (document, article, heading: 「ラオス 首都の…」, 「推進法 第九条 …」),
and counts with whichever of the two vectors is closer to the question. To that similarity a
sentence adds, with ``lexical_weight``, the share of the question's words (weighted by idf) that
it and its header contain: e5-small blurs names and rare terms that the question repeats
verbatim. The best sentence's score then counts twice: standardized over the whole candidate
pool (``pool_weight``), so a long list whose one item answers can climb from far down, and
standardized again among the first ``depth`` passages (``weight``), which separates close
neighbours at the top.

Sentence vectors are cached by text, so the cost is bounded by the corpus, not by traffic: each
sentence is embedded once per process (twice, with and without its header), and the answerer
reuses the same vectors to choose the sentences it quotes. Measured on the domain evaluation and
JSQuAD (see README).
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder
from assistant.japanese import normalize, split_sentences
from assistant.scores import zscores
from assistant.types import Chunk, Hit

log = logging.getLogger(__name__)
# Joins the stored sentences (UTF-8 bytes; a sentence never contains it: lines are split).
_SEPARATOR = "\n"
# Sentences shorter than this (item numbers, "削除") say nothing a question could match.
MIN_SENTENCE_CHARS = 6
# Texts whose tokens the reranker keeps (headers and sentences: 2,711 in the shipped corpus, 3,407
# in the JSQuAD benchmark).
_WORDS_CACHED = 50_000


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


class SentenceReranker:
    """Adds the standardized best-sentence score to the fused scores: over every candidate
    with ``pool_weight``, then among the first ``depth`` hits with ``weight``.

    A sentence's score is the closer of its two e5 similarities to the question (alone and
    after its header) plus ``lexical_weight`` times the idf-weighted share of the question's
    words that the sentence and its header contain (``tokenize`` gives a text's words).
    """

    def __init__(
        self,
        vectors: SentenceVectors,
        depth: int = 15,
        weight: float = 0.2,
        pool_weight: float = 1.0,
        lexical_weight: float = 0.1,
        tokenize: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.vectors = vectors
        self.depth = depth
        self.weight = weight
        self.pool_weight = pool_weight
        self.lexical_weight = lexical_weight if tokenize is not None else 0.0
        # A text's distinct keyword tokens, cached: the same sentences come back question after
        # question, and SudachiPy is the slow part of the lexical score.
        self.words: Callable[[str], frozenset[str]] = functools.lru_cache(maxsize=_WORDS_CACHED)(
            lambda text: frozenset(tokenize(text)) if tokenize else frozenset()
        )

    def read_words(self, chunks: Iterable[Chunk]) -> None:
        """Tokenize these chunks' headers and sentences ahead of the questions (warm-up)."""
        if not self.lexical_weight:
            return
        for chunk in chunks:
            header, sentences = header_and_sentences(chunk)
            for text in (header, *sentences):
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
                        sum(w for t, w in terms.items() if t in around or t in self.words(s))
                        for s in sentences
                    ]
                )
                scores = scores + self.lexical_weight * covered / total
            best.append(float(scores.max()))
        return np.asarray(best)

    @property
    def _head_enabled(self) -> bool:
        return self.depth >= 2 and self.weight != 0

    @property
    def enabled(self) -> bool:
        """Whether re-scoring can change anything (both weights 0, or a head of 0 or 1 passages
        with no pool weight, turn it off)."""
        return self._head_enabled or self.pool_weight != 0

    def rerank(
        self,
        hits: Sequence[Hit],
        query_vector: np.ndarray,
        terms: Mapping[str, float] | None = None,
    ) -> list[Hit]:
        """The hits re-scored and re-ordered, best first.

        The pool term is standardized over every hit passed in (the whole candidate pool, so
        pass all of them, not a top k); the head term only over the first ``depth`` after it,
        and hits below the head keep their pool-adjusted order after it. ``terms``: the
        question's words and their idf, for the lexical part of a sentence's score.
        """
        if not self.enabled or len(hits) < 2:
            return list(hits)
        # Without the pool term only the head's sentences are read (and embedded if new).
        scored = hits if self.pool_weight else hits[: self.depth]
        best = self.best_sentence_scores(query_vector, scored, terms)
        scores = np.asarray([h.score for h in hits], dtype=np.float64)
        order = list(range(len(hits)))
        if self.pool_weight:
            scores += self.pool_weight * zscores(best)
            order = list(np.argsort(-scores, kind="stable"))
        if self._head_enabled:
            head, tail = order[: self.depth], order[self.depth :]
            bonus = self.weight * zscores(best[head])
            for i, b in zip(head, bonus, strict=True):
                scores[i] += float(b)
            order = sorted(head, key=lambda i: -scores[i]) + tail
        return [replace(hits[i], score=float(scores[i])) for i in order]
