"""Question -> ranked hits: dense (Chroma) and keyword (BM25) candidates, fused by z-scores.

Candidates come from three views: the ANN query, BM25 over SudachiPy words and BM25 over
character bigrams. Each candidate then gets every score exactly: BM25 scores exist for every
chunk, and missing dense scores are computed from embeddings stored in Chroma. The score lists
are standardized (z-scores) over the candidate pool and mixed with fixed weights. Unlike
reciprocal-rank fusion this keeps how far ahead a candidate is, which is what lets the fused
ranking beat each of its parts. "keyword" mode is the SudachiPy BM25 view alone.

In hybrid mode a second stage (assistant.rerank) re-scores the Japanese questions' candidates by
how well each passage's best sentence matches the question. Hits are returned in ranking order.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from assistant.definitions import defines, term_asked_about
from assistant.embedding import Embedder
from assistant.index import ChromaStore, ManifestEntry
from assistant.japanese import is_english, kanji_article_numbers
from assistant.keyword import JapaneseTokenizer, KeywordIndex, TokenStore
from assistant.rerank import SentenceReranker, SentenceVectors, chunk_sentences
from assistant.scores import zscores
from assistant.types import Chunk, DocumentKind, Hit, SearchFilter

# Weights of the standardized scores: dense (e5), BM25 on SudachiPy words, BM25 on character
# bigrams. Chosen together with the reranker's weights on JSQuAD and the domain evaluation at
# once (README: how retrieval works).
DENSE_WEIGHT = 0.5
KEYWORD_WEIGHT = 0.2
BIGRAM_WEIGHT = 0.3
# Added (in z-score units) to passages of a document the question names ("外為法55条の8"),
# and to passages that define or designate the term a question asks about ("Xとは", "Xには
# どんな…"): such a provision answers the question, however many passages merely use X.
NAMED_SOURCE_BOOST = 1.0
DEFINITION_BOOST = 1.0
# "法第七十九条" (also "及び法第…") in an order or ordinance, not "特許法第三十八条", which is
# another law's article.
_CITES_LAW_ARTICLE = re.compile(
    r"(?<![一-龥ァ-ヶ々])法(第[〇一二三四五六七八九十百千]+条(?:の[〇一二三四五六七八九十百千]+)*)"
)
_DELEGATES = re.compile(r"(?:政令|省令|命令)で定め")
# How many of the top law passages may bring in the provision that fills in their detail.
DELEGATION_PARENTS = 2
# How many provisions each may bring in: one article often leaves two details to one order
# (法第六十六条第一項: the 要件 of an invention and the 期間 for sending it on), and a single
# link then brings in whichever is closer to the question's wording, not to what it asks.
# A second provision comes only when it is about as close (within this cosine) as the first:
# the question may be about either. A clearly weaker one would only push real hits down.
DELEGATION_LINKS = 2
DELEGATION_TIE = 0.02
# A question never takes this long; past it an ingest stops waiting for one to finish.
_SWAP_WAIT_S = 30.0
log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Snapshot:
    """What retrieval sees: the committed chunks and a keyword index over exactly them.

    Replaced as a whole after each ingest, so a question asked meanwhile uses one consistent
    state, old or new.
    """

    manifest: dict[str, ManifestEntry]
    chunks: dict[str, Chunk]
    keyword: KeywordIndex
    positions: dict[str, int]
    delegations: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        store: ChromaStore,
        tokens: TokenStore,
        law_implemented_by: Callable[[str], str | None] | None = None,
    ) -> Snapshot:
        """Read the manifest and its chunks from Chroma and build the keyword index."""
        manifest = store.manifest()
        ids = [cid for entry in manifest.values() for cid in entry.chunk_ids]
        chunks = {
            c.chunk_id: replace(c, superseded_by=manifest[c.source].superseded_by)
            for c in store.get_chunks(ids)
            if c.source in manifest
        }
        live = [cid for cid in ids if cid in chunks]
        keyword = tokens.build_index((cid, chunks[cid].search_text) for cid in live)
        positions = {cid: i for i, cid in enumerate(live)}
        links = delegation_links([chunks[cid] for cid in live], law_implemented_by)
        return cls(manifest, chunks, keyword, positions, links)

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The chunk before ``chunk`` in its document, or None at its start (or if not indexed)."""
        position = self.positions.get(chunk.chunk_id)
        if not position:
            return None
        before = self.chunks[self.keyword.chunk_ids[position - 1]]
        same_document = before.source == chunk.source and before.position == chunk.position - 1
        return before if same_document else None


def delegation_links(
    chunks: Sequence[Chunk], law_implemented_by: Callable[[str], str | None] | None
) -> dict[tuple[str, str], tuple[str, ...]]:
    """(law file, 第N条) -> chunks of its orders and ordinances that cite 法第N条.

    A law leaves details to 政令 and 省令 ("政令で定める額の手数料"); the figure a firm asks
    for ("二万五千円") sits in the order, in a provision that shares almost no words with the
    question but names the law article it carries out ("法第七十九条第五項の政令で定める額は").
    """
    if law_implemented_by is None:
        return {}
    links: dict[tuple[str, str], list[str]] = {}
    for chunk in chunks:
        law = law_implemented_by(chunk.source)
        if not law:
            continue
        for article in dict.fromkeys(_CITES_LAW_ARTICLE.findall(chunk.search_text)):
            links.setdefault((law, article), []).append(chunk.chunk_id)
    return {key: tuple(ids) for key, ids in links.items()}


class SnapshotGate:
    """Holds the current snapshot and counts the questions still reading each older one.

    A question reads Chroma as well as its snapshot (the ANN query, stored embeddings), so the
    chunks a snapshot shows must stay in Chroma while any question reads that snapshot. A swap
    installs the new snapshot at once (new questions never wait) and then waits for questions
    that started on the old one; only then may the chunks it alone showed be deleted.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.current = snapshot
        self._changed = threading.Condition()
        self._readers: Counter[int] = Counter()  # questions in flight, by id of their snapshot
        self._local = threading.local()

    def pinned(self) -> Snapshot | None:
        """The snapshot this thread has pinned, if it is inside ``reading()``."""
        return getattr(self._local, "snapshot", None)

    @contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """Pin the current snapshot for this thread for the duration of the block."""
        pinned = self.pinned()
        if pinned is not None:  # nested: already pinned by an outer block
            yield pinned
            return
        with self._changed:
            snapshot = self.current
            self._readers[id(snapshot)] += 1
        self._local.snapshot = snapshot
        try:
            yield snapshot
        finally:
            self._local.snapshot = None
            with self._changed:
                self._readers[id(snapshot)] -= 1
                if not self._readers[id(snapshot)]:
                    del self._readers[id(snapshot)]
                self._changed.notify_all()

    def swap(self, fresh: Snapshot) -> None:
        """Make ``fresh`` current, then wait until no question reads the previous snapshot."""
        with self._changed:
            old, self.current = self.current, fresh
            if not self._changed.wait_for(lambda: not self._readers[id(old)], _SWAP_WAIT_S):
                log.warning(
                    "a question took over %.0f s; dropping its snapshot anyway", _SWAP_WAIT_S
                )


def _pinned(method: F) -> F:
    """Run a Retriever method with the current snapshot pinned."""

    @functools.wraps(method)
    def wrapper(self: Retriever, *args: Any, **kwargs: Any) -> Any:
        with self.gate.reading():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Retriever:
    """Hybrid search over the committed index."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        tokenizer: JapaneseTokenizer,
        tokens: TokenStore,
        candidate_k: int = 40,
        named_sources: Callable[[str], set[str]] | None = None,
        keyword_query: Callable[[str], str] | None = None,
        reranker: SentenceReranker | None = None,
        law_implemented_by: Callable[[str], str | None] | None = None,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._tokenizer = tokenizer
        self._tokens = tokens
        self._candidate_k = candidate_k
        self._named_sources = named_sources or (lambda _text: set())
        self._keyword_query = keyword_query or (lambda text: text)
        self.reranker = reranker
        # Sentence vectors (shared with the reranker when there is one) decide which law
        # passages may bring in their orders' provisions (see ``_delegates_what_is_asked``).
        self._sentences = reranker.vectors if reranker else SentenceVectors(embedder)
        self._law_implemented_by = law_implemented_by
        self._lock = threading.Lock()
        self.gate = SnapshotGate(Snapshot.load(store, tokens, law_implemented_by))

    @property
    def snapshot(self) -> Snapshot:
        """What this thread reads: its pinned snapshot inside ``reading()``, else the latest."""
        return self.gate.pinned() or self.gate.current

    def refresh(self) -> None:
        """Reload the snapshot after an ingest; return once no question reads the old one.

        The old snapshot serves while the new one loads. When this returns, chunks that only
        the old snapshot showed can be deleted safely (the indexer does so right after).
        """
        with self._lock:
            self.gate.swap(Snapshot.load(self._store, self._tokens, self._law_implemented_by))

    def reading(self) -> AbstractContextManager[Snapshot]:
        """Pin the current snapshot for this thread (``with retriever.reading():``).

        Wrap a search and the answering that uses its hits: inside the block ``snapshot`` stays
        the same even if an ingest publishes a new one meanwhile.
        """
        return self.gate.reading()

    def tokenize(self, text: str) -> list[str]:
        """The keyword tokens of a text (shared with answering and abstention)."""
        return self._tokenizer.tokenize(kanji_article_numbers(text))

    def _allowed(self, snapshot: Snapshot, chunk: Chunk, search_filter: SearchFilter) -> bool:
        if search_filter.kinds and chunk.kind not in search_filter.kinds:
            return False
        if search_filter.sources and chunk.source not in search_filter.sources:
            return False
        entry = snapshot.manifest.get(chunk.source)
        if entry is None or chunk.chunk_id not in snapshot.positions:
            return False
        explicitly_chosen = chunk.source in search_filter.sources
        return search_filter.include_superseded or explicitly_chosen or not entry.superseded_by

    @_pinned
    def search(
        self,
        query: str,
        k: int = 5,
        search_filter: SearchFilter | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """The k best chunks for a query; mode is "hybrid", "dense" or "keyword"."""
        search_filter = search_filter or SearchFilter()
        snapshot = self.snapshot
        text = kanji_article_numbers(query)
        size = len(snapshot.keyword.chunk_ids)
        dense: dict[str, float] = {}
        words = bigrams = np.zeros(size, dtype=np.float32)
        vector = np.zeros(0)
        if mode in ("hybrid", "dense"):
            vector = np.asarray(self._embedder.embed_query(text))
            dense = self._dense_candidates(snapshot, vector, search_filter)
        lexical_text = self._keyword_query(text)
        query_words: list[str] = []
        if mode in ("hybrid", "keyword"):
            query_words = self._tokenizer.tokenize(lexical_text)
            words = snapshot.keyword.scores(query_words)
        if mode == "hybrid":
            bigrams = snapshot.keyword.bigram_scores(lexical_text)
        candidates = set(dense)
        for scores in (words, bigrams):
            candidates.update(self._lexical_candidates(snapshot, scores, search_filter))
        if not candidates:
            return []
        lexical = (words, bigrams)
        hits = self._fuse(snapshot, sorted(candidates), dense, lexical, vector, mode)
        if mode == "hybrid":
            hits = self._prefer(hits, text)
            # Across languages e5-small matches a whole passage better than one sentence: for
            # the English domain questions the sentence reranker lowered hit@1 from 0.50 to
            # 0.38 (README), so an English question keeps the fused order.
            if self.reranker is not None and not is_english(query):
                terms = {t: max(snapshot.keyword.idf(t), 0.0) for t in query_words}
                hits = self.reranker.rerank(hits, vector, terms)
            hits = self._with_delegated(snapshot, hits, vector, search_filter)
        return hits[:k]

    def _with_delegated(
        self,
        snapshot: Snapshot,
        hits: list[Hit],
        vector: np.ndarray,
        search_filter: SearchFilter,
    ) -> list[Hit]:
        """Place, right after a top law passage whose sentence closest to the question leaves a
        detail to 政令/省令, the closest provisions of its orders that cite that article (see
        ``delegation_links`` and ``_delegates_what_is_asked``)."""
        ranked = list(hits)
        for parent in hits[:DELEGATION_PARENTS]:
            chunk = parent.chunk
            if chunk.kind != DocumentKind.LAW or not self._delegates_what_is_asked(chunk, vector):
                continue
            ids = [
                cid
                for cid in snapshot.delegations.get((chunk.source, chunk.article), ())
                if cid in snapshot.chunks
                and self._allowed(snapshot, snapshot.chunks[cid], search_filter)
            ]
            if not ids:
                continue
            scored = self._stored_similarities(ids, vector)
            at = next(i for i, h in enumerate(ranked) if h.chunk.chunk_id == chunk.chunk_id)
            place = at + 1
            closest = sorted(scored, key=lambda cid: -scored[cid])[:DELEGATION_LINKS]
            for best in [c for c in closest if scored[c] >= scored[closest[0]] - DELEGATION_TIE]:
                where = next((i for i, h in enumerate(ranked) if h.chunk.chunk_id == best), None)
                if where is not None and where <= place:
                    place += where == place  # already right there (or above): keep it
                    continue
                old = ranked.pop(where) if where is not None else None
                linked = Hit(
                    chunk=snapshot.chunks[best],
                    score=parent.score,
                    dense_score=scored[best],
                    keyword_score=old.keyword_score if old else None,
                )
                ranked.insert(place, linked)
                place += 1
        return ranked

    def _delegates_what_is_asked(self, chunk: Chunk, vector: np.ndarray) -> bool:
        """Whether the passage's sentence closest to the question leaves a detail to an order.

        A long article delegates several things (第五十二条: who is exempt, by 政令) besides
        stating others (the thirty days a firm must wait); only when the question is about the
        delegated detail does the order's provision answer it. Otherwise the provision would
        push the passage that does answer out of the top five.
        """
        sentences = chunk_sentences(chunk)
        if not vector.size or not any(_DELEGATES.search(s) for s in sentences):
            return False
        similarities = self._sentences.similarities(vector, sentences)
        best = sentences[int(np.argmax(similarities))]
        return bool(_DELEGATES.search(best))

    def _prefer(self, hits: list[Hit], text: str) -> list[Hit]:
        """Boost passages of documents the question names, and passages defining its term."""
        named = self._named_sources(text)
        term = term_asked_about(text)
        boosted = []
        for hit in hits:
            boost = NAMED_SOURCE_BOOST if hit.chunk.source in named else 0.0
            if term and defines(hit.chunk.text, term):
                boost += DEFINITION_BOOST
            boosted.append(replace(hit, score=hit.score + boost) if boost else hit)
        return sorted(boosted, key=lambda h: -h.score)

    def _lexical_candidates(
        self, snapshot: Snapshot, scores: np.ndarray, search_filter: SearchFilter
    ) -> list[str]:
        """The best-scoring allowed chunks of one BM25 view (none when nothing matched)."""
        ids = snapshot.keyword.chunk_ids
        top = np.argsort(-scores)[: self._candidate_k * 2]
        allowed = [
            ids[i]
            for i in top
            if scores[i] > 0 and self._allowed(snapshot, snapshot.chunks[ids[i]], search_filter)
        ]
        return allowed[: self._candidate_k]

    def _dense_candidates(
        self, snapshot: Snapshot, vector: np.ndarray, search_filter: SearchFilter
    ) -> dict[str, float]:
        results = self._store.query(
            vector.tolist(),
            self._candidate_k,
            kinds=[k.value for k in search_filter.kinds],
            sources=list(search_filter.sources),
        )
        return {
            chunk.chunk_id: score
            for chunk, score in results
            if self._allowed(snapshot, snapshot.chunks.get(chunk.chunk_id, chunk), search_filter)
        }

    def _stored_similarities(self, ids: Sequence[str], vector: np.ndarray) -> dict[str, float]:
        """Cosine of the question to chunks outside the ANN results, from their stored vectors."""
        stored = self._store.embeddings_of(ids)
        return {cid: float(np.dot(vector, np.asarray(v))) for cid, v in stored.items()}

    def _fuse(
        self,
        snapshot: Snapshot,
        ids: Sequence[str],
        dense: dict[str, float],
        lexical: tuple[np.ndarray, np.ndarray],
        vector: np.ndarray,
        mode: str,
    ) -> list[Hit]:
        if mode == "hybrid":
            dense.update(self._stored_similarities([c for c in ids if c not in dense], vector))
        d = np.asarray([dense.get(cid, 0.0) for cid in ids], dtype=np.float64)
        rows = [snapshot.positions[cid] for cid in ids]
        kw = np.asarray(lexical[0][rows], dtype=np.float64)
        if mode == "dense":
            fused = d
        elif mode == "keyword":
            fused = kw
        else:
            bigram = np.asarray(lexical[1][rows], dtype=np.float64)
            fused = (
                DENSE_WEIGHT * zscores(d)
                + KEYWORD_WEIGHT * zscores(kw)
                + BIGRAM_WEIGHT * zscores(bigram)
            )
        order = np.argsort(-fused, kind="stable")
        return [
            Hit(
                chunk=snapshot.chunks[ids[i]],
                score=float(fused[i]) if math.isfinite(fused[i]) else 0.0,
                dense_score=float(d[i]) if mode != "keyword" else None,
                keyword_score=float(kw[i]) if mode != "dense" else None,
            )
            for i in order
        ]
