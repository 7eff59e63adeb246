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

import numpy as np

from assistant.index.snapshot import Snapshot
from assistant.index.store import VectorStore, stored_similarities
from assistant.retrieve.fusion import FusionWeights, fuse
from assistant.types import Hit, Query


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
        # The visibility clause only where it can exclude something: filtered, Chroma's
        # nearest-neighbour search took 620 ms at 100,000 chunks against some 20 ms without,
        # and when the asker may read every committed chunk it would exclude nothing
        # committed (what it leaves in, such as an upload not yet committed, ``allows``
        # drops below, as it drops superseded versions).
        scope = query.search_filter.scope
        results = self._store.query(
            query.vector.tolist(),
            self._candidate_k,
            kinds=[k.value for k in query.search_filter.kinds],
            sources=list(query.search_filter.sources),
            visibility=None if snapshot.admits_all(scope) else scope.store_filter(),
        )
        return {
            chunk.chunk_id: score
            for chunk, score in results
            if snapshot.allows(snapshot.chunks.get(chunk.chunk_id, chunk), query.search_filter)
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
