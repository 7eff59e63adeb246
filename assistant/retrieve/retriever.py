"""Retrieval: a query -> every candidate passage with its fused score, best first.

Candidates come from three views: the ANN query on the vector store, BM25 over SudachiPy words
and BM25 over character bigrams. Each candidate then gets every score exactly (BM25 scores
exist for every chunk; missing dense scores come from the vectors the store keeps) and the
scores are fused (``fusion.py``). The whole pool is returned: ranking steps re-order it and the
pipeline cuts it to the top k afterwards. "keyword" mode is the SudachiPy BM25 view alone,
"dense" the ANN view alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from assistant.index.snapshot import Snapshot
from assistant.index.store import VectorStore, stored_similarities
from assistant.retrieve.fusion import FusionWeights, fuse
from assistant.types import Chunk, Hit, Query


class Retriever:
    """Hybrid candidate search over one snapshot of the index."""

    def __init__(
        self, store: VectorStore, candidate_k: int = 40, weights: FusionWeights | None = None
    ) -> None:
        self._store = store
        self._candidate_k = candidate_k
        self._weights = weights or FusionWeights()

    def candidates(self, query: Query, snapshot: Snapshot) -> list[Hit]:
        """Every candidate of the three views, scored on all of them and fused, best first."""
        size = len(snapshot.keyword.chunk_ids)
        dense: dict[str, float] = {}
        words = bigrams = np.zeros(size, dtype=np.float32)
        if query.mode in ("hybrid", "dense"):
            dense = self._dense_candidates(query, snapshot)
        if query.mode in ("hybrid", "keyword"):
            words = snapshot.keyword.scores(list(query.keyword_words))
        if query.mode == "hybrid":
            bigrams = snapshot.keyword.bigram_scores(query.keyword_text)
        candidates = set(dense)
        for scores in (words, bigrams):
            candidates.update(self._lexical_candidates(query, snapshot, scores))
        if not candidates:
            return []
        return self._fuse(query, snapshot, sorted(candidates), dense, (words, bigrams))

    def _lexical_candidates(
        self, query: Query, snapshot: Snapshot, scores: np.ndarray
    ) -> list[str]:
        """The best-scoring allowed chunks of one BM25 view (none when nothing matched)."""
        ids = snapshot.keyword.chunk_ids
        top = np.argsort(-scores)[: self._candidate_k * 2]
        allowed = [
            ids[i]
            for i in top
            if scores[i] > 0 and snapshot.allows(snapshot.chunks[ids[i]], query.search_filter)
        ]
        return allowed[: self._candidate_k]

    def _dense_candidates(self, query: Query, snapshot: Snapshot) -> dict[str, float]:
        """The nearest chunks the asker may read, by cosine.

        Chroma's nearest-neighbour search with a visibility clause took 620 ms per question at
        100,000 chunks against some 20 ms without, so the clause is used only when it must be.
        When the asker may read every committed chunk it could exclude nothing the snapshot
        shows, and is left out. Otherwise the search first runs without it over twice as many
        neighbours and keeps the first ``candidate_k`` whose tag the asker may read, which are
        the filtered search's results; only when fewer are readable (a library mostly closed
        to the asker) does the filtered search run. Every hit then passes the snapshot's own
        filter, as it always did.
        """
        search_filter = query.search_filter
        scope = search_filter.scope
        k = self._candidate_k

        def nearest(count: int, visibility: Sequence[str] | None) -> list[tuple[Chunk, float]]:
            return self._store.query(
                query.vector.tolist(),
                count,
                kinds=[kind.value for kind in search_filter.kinds],
                sources=list(search_filter.sources),
                visibility=visibility,
            )

        if snapshot.admits_all(scope):
            results = nearest(k, None)
        else:
            readable = [
                (c, score) for c, score in nearest(2 * k, None) if scope.admits(c.visibility)
            ]
            results = readable[:k] if len(readable) >= k else nearest(k, scope.store_filter())
        return {
            chunk.chunk_id: score
            for chunk, score in results
            if snapshot.allows(snapshot.chunks.get(chunk.chunk_id, chunk), search_filter)
        }

    def _fuse(
        self,
        query: Query,
        snapshot: Snapshot,
        ids: list[str],
        dense: dict[str, float],
        lexical: tuple[np.ndarray, np.ndarray],
    ) -> list[Hit]:
        if query.mode == "hybrid":
            missing = [c for c in ids if c not in dense]
            dense.update(stored_similarities(self._store, missing, query.vector))
        d = np.asarray([dense.get(cid, 0.0) for cid in ids], dtype=np.float64)
        rows = [snapshot.positions[cid] for cid in ids]
        kw = np.asarray(lexical[0][rows], dtype=np.float64)
        bigram = np.asarray(lexical[1][rows], dtype=np.float64)
        fused = fuse(d, kw, bigram, self._weights, query.mode)
        order = np.argsort(-fused, kind="stable")
        return [
            Hit(
                chunk=snapshot.chunks[ids[i]],
                score=float(fused[i]) if math.isfinite(fused[i]) else 0.0,
                dense_score=float(d[i]) if query.mode != "keyword" else None,
                keyword_score=float(kw[i]) if query.mode != "dense" else None,
            )
            for i in order
        ]
