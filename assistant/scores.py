"""Standardizing score lists, the common currency of fusion, reranking and sentence choice.

Scores from different sources (cosines, BM25, best-sentence similarity) live on different
scales; retrieval, the reranker and the answerer all mix them as z-scores over the candidates
at hand, so they share one definition of how.
"""

from __future__ import annotations

import numpy as np


def zscores(values: np.ndarray) -> np.ndarray:
    """(values - mean) / std over the list; all zeros when the values (nearly) all agree."""
    std = float(values.std())
    if std < 1e-9:
        return np.zeros_like(values)
    return (values - float(values.mean())) / std
