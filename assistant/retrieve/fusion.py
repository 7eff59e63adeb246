"""Fusion: one score per candidate from its dense, word and bigram scores.

The three score lists are standardized (z-scores) over the candidate pool and mixed with fixed
weights. Unlike reciprocal-rank fusion this keeps how far ahead a candidate is, which is what
lets the fused ranking beat each of its parts. The "dense" and "keyword" modes are one part
alone, for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.scores import zscores


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the standardized dense (e5), word (BM25) and bigram (BM25) scores."""

    dense: float = 0.5
    words: float = 0.2
    bigrams: float = 0.3


def fuse(
    dense: np.ndarray,
    words: np.ndarray,
    bigrams: np.ndarray,
    weights: FusionWeights,
    mode: str = "hybrid",
) -> np.ndarray:
    """Fused scores, aligned with the inputs (one row per candidate)."""
    if mode == "dense":
        return dense
    if mode == "keyword":
        return words
    return (
        weights.dense * zscores(dense)
        + weights.words * zscores(words)
        + weights.bigrams * zscores(bigrams)
    )
