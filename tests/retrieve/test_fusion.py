"""Fusion and candidate search without a model: z-scores mixed by weight, filters applied."""

from pathlib import Path

import numpy as np

from assistant.retrieve import FusionWeights, Retriever, fuse
from assistant.types import DocumentKind, SearchFilter
from tests.fakes import chunk, memory_snapshot, query


def test_fusion_mixes_standardized_scores_so_a_lead_in_one_view_can_be_outweighed() -> None:
    dense = np.asarray([0.90, 0.80, 0.70])
    words = np.asarray([0.0, 10.0, 0.0])
    bigrams = np.asarray([0.0, 5.0, 1.0])
    fused = fuse(dense, words, bigrams, FusionWeights(0.5, 0.2, 0.3))
    assert int(np.argmax(fused)) == 1  # ahead in two views, second in the third
    dense_only = fuse(dense, words, bigrams, FusionWeights(1.0, 0.0, 0.0))
    assert int(np.argmax(dense_only)) == 0
    assert fuse(dense, words, bigrams, FusionWeights(), "dense") is dense
    assert fuse(dense, words, bigrams, FusionWeights(), "keyword") is words


def test_equal_scores_add_nothing_instead_of_dividing_by_zero() -> None:
    flat = np.ones(3)
    fused = fuse(flat, np.asarray([0.0, 1.0, 2.0]), flat, FusionWeights())
    assert np.isfinite(fused).all() and int(np.argmax(fused)) == 2


def test_candidates_come_from_every_view_and_respect_the_filter(tmp_path: Path) -> None:
    chunks = [
        chunk("a", "技術の提供に関する事前報告は、遅滞なく行う。"),
        chunk("b", "特定重要物資の安定供給を確保する。", position=1),
        chunk("c", "技術の提供の届出", source="order.md", kind=DocumentKind.CABINET_ORDER),
    ]
    store, snapshot = memory_snapshot(chunks, tmp_path)
    retriever = Retriever(store, candidate_k=5)
    q = query("技術の提供の事前報告", words=("技術", "提供", "事前", "報告"))
    hits = retriever.candidates(q, snapshot)
    assert {h.chunk.chunk_id for h in hits} == {"a", "b", "c"}
    assert hits[0].chunk.chunk_id in {"a", "c"} and hits[-1].chunk.chunk_id == "b"
    assert all(h.dense_score is not None and h.keyword_score is not None for h in hits)
    laws_only = query(q.text, words=q.words, search_filter=SearchFilter((DocumentKind.LAW,)))
    assert {h.chunk.chunk_id for h in retriever.candidates(laws_only, snapshot)} == {"a", "b"}
    keyword = retriever.candidates(query(q.text, mode="keyword", words=q.words), snapshot)
    assert all(h.dense_score is None for h in keyword)
