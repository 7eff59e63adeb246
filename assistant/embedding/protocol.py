"""What every embedder promises, and the e5 prefixes they all apply.

multilingual-e5 expects "query: " before questions and "passage: " before passages; the
protocol has one method for each so that no caller can forget the prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class Embedder(Protocol):
    """Turns text into unit-length vectors; queries and passages are embedded differently."""

    @property
    def name(self) -> str:
        """A stable identifier of the model (stored with the index)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages for indexing."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed one question for search."""
        ...


@dataclass(frozen=True)
class TokenStates:
    """One passage's token vectors from the model's last layer, and where each token lies.

    ``spans[i]`` is token i's [start, end) in the passage text as given (without the
    "passage: " prefix); tokens outside that text (``<s>``, ``</s>``, the prefix) have
    ``(-1, -1)``. Mean-pooling every row of ``vectors`` gives the passage's vector before
    normalization, exactly as ``embed_passages`` computes it.
    """

    vectors: npt.NDArray[np.float32]  # (tokens, dimensions)
    spans: npt.NDArray[np.int64]  # (tokens, 2)


@runtime_checkable
class TokenEmbedder(Embedder, Protocol):
    """An embedder that also exposes per-token vectors (for late chunking)."""

    def embed_passage_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """Run each passage through the model once and return its token vectors."""
        ...


def token_spans_in_text(
    offsets: Sequence[tuple[int, int]], prefix_length: int
) -> npt.NDArray[np.int64]:
    """Turn a fast tokenizer's offsets in the prefixed text into ``TokenStates.spans``.

    Special tokens have empty offsets and the prefix's tokens end inside it: both become
    (-1, -1). A token's span may start inside the prefix (SentencePiece glues the space after
    "passage:" to the next word): it is clipped to the text.
    """
    spans = np.full((len(offsets), 2), -1, dtype=np.int64)
    for i, (start, end) in enumerate(offsets):
        if end > start and end > prefix_length:
            spans[i] = (max(start - prefix_length, 0), end - prefix_length)
    return spans
