"""Ranking: the fused candidates re-ordered by a list of steps, applied in order.

Each step is one file with one interface (``RankingStep``): document boosts, the sentence
reranker, delegation links, and whatever comes next. Which steps run, and in what order, is a
setting (``ASSISTANT_RANKING_STEPS``); adding a step is a new file plus its name in
``STEPS`` below. Steps see the whole candidate pool (so a passage ranked 25th as a whole can
rise), and the pipeline cuts the list to the top k only after the last one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from assistant.index.snapshot import Snapshot
from assistant.index.store import VectorStore, stored_similarities
from assistant.types import Hit, Query


@dataclass(frozen=True)
class RankContext:
    """What a ranking step may read besides the query and the hits: the snapshot the question
    is answered from, and the store's vectors for chunks that are not among the hits."""

    snapshot: Snapshot
    store: VectorStore

    def similarities(self, chunk_ids: Sequence[str], vector: np.ndarray) -> dict[str, float]:
        """Cosine of the question to stored chunks (vectors are unit length)."""
        return stored_similarities(self.store, chunk_ids, vector)

    def new_hits(self, chunk_ids: Sequence[str], query: Query, score: float) -> list[Hit]:
        """Hits, at ``score``, for committed chunks retrieval did not return (a named or
        defining provision a step brings in), with their cosine to the question."""
        dense = (
            self.similarities(chunk_ids, query.vector) if chunk_ids and query.vector.size else {}
        )
        return [Hit(self.snapshot.chunks[c], score, dense_score=dense.get(c)) for c in chunk_ids]


class RankingStep(Protocol):
    """One re-ordering of the candidates for a question."""

    name: str

    def apply(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits re-scored or re-ordered, best first."""
        ...


class Ranker:
    """Applies the configured steps in order; only hybrid search is re-ranked (the dense and
    keyword modes are the plain parts, kept as they are for comparison)."""

    def __init__(self, steps: Sequence[RankingStep]) -> None:
        self.steps = tuple(steps)

    def rank(self, query: Query, hits: list[Hit], context: RankContext) -> list[Hit]:
        """The hits after every step."""
        if query.mode != "hybrid":
            return hits
        for step in self.steps:
            hits = step.apply(query, hits, context)
        return hits


StepFactory = Callable[..., RankingStep]


def scores_kept(order: Sequence[Hit], positions: Sequence[Hit]) -> list[Hit]:
    """``order`` with each hit given the score of the hit that held its position in
    ``positions``: a step that re-orders hits keeps the list sorted by score."""
    return [replace(h, score=place.score) for h, place in zip(order, positions, strict=True)]


def trade_places(head: Sequence[Hit], places: Sequence[int], movers: Sequence[Hit]) -> list[Hit]:
    """``head`` with the hits at ``places`` replaced by ``movers``, in order (the same hits
    re-ordered among their own positions), every other hit in its place, scores kept."""
    order = list(head)
    for i, hit in zip(places, movers, strict=True):
        order[i] = hit
    return scores_kept(order, head)


def insert_after(
    ranked: list[Hit],
    parent: Hit,
    ids: Sequence[str],
    context: RankContext,
    dense: dict[str, float] | None = None,
) -> None:
    """Move (or insert) each chunk of ``ids`` right after ``parent``, in order, with the
    parent's score; a chunk already right there or above keeps its place. ``dense`` gives the
    linked chunks' cosines when known."""
    place = next(i for i, h in enumerate(ranked) if h.chunk.chunk_id == parent.chunk.chunk_id)
    place += 1
    for cid in ids:
        where = next((i for i, h in enumerate(ranked) if h.chunk.chunk_id == cid), None)
        if where is not None and where <= place:
            place += where == place  # already right there (or above): keep it
            continue
        old = ranked.pop(where) if where is not None else None
        known = (dense or {}).get(cid)
        linked = Hit(
            chunk=context.snapshot.chunks[cid],
            score=parent.score,
            dense_score=known if known is not None else (old.dense_score if old else None),
            keyword_score=old.keyword_score if old else None,
        )
        ranked.insert(place, linked)
        place += 1
