"""Mean pooling and L2 normalization in numpy, as sentence-transformers does them for e5."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


def normalize_rows(vectors: FloatArray) -> FloatArray:
    """Scale each row to unit length (an all-zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def mean_pool(hidden: FloatArray, mask: npt.NDArray[np.integer]) -> FloatArray:
    """Average each sequence's token vectors over its real tokens (padding masked out).

    ``hidden`` is (batch, tokens, dimensions), ``mask`` (batch, tokens) with 1 for real tokens.
    """
    weights = mask.astype(np.float32)[..., None]
    summed = (hidden.astype(np.float32) * weights).sum(axis=1)
    return (summed / np.maximum(weights.sum(axis=1), 1e-9)).astype(np.float32)
