"""A deterministic fake embedder for fast unit tests."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

from assistant.embedding.protocol import TokenStates


class HashingEmbedder:
    """A deterministic fake: character-bigram hashing into a fixed vector, for fast unit tests.

    Texts sharing bigrams get similar vectors, which is enough to test fusion and filtering
    logic without loading a model; it is never used outside tests. Its "tokens" are the
    text's character bigrams, so late chunking can be tested without a model too.
    """

    def __init__(self, dimensions: int = 256) -> None:
        self._dimensions = dimensions

    @property
    def name(self) -> str:
        """Identifier stored with the index."""
        return f"hashing-{self._dimensions}"

    def _bucket(self, bigram: str) -> int:
        digest = hashlib.md5(bigram.encode()).digest()
        return int.from_bytes(digest[:4], "little") % self._dimensions

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self._dimensions
        for i in range(len(text) - 1):
            vector[self._bucket(text[i : i + 2])] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed each passage."""
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self._vector(text)

    def embed_passage_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """One one-hot "token" per character bigram, spanning its two characters."""
        states = []
        for text in texts:
            count = max(len(text) - 1, 0)
            vectors = np.zeros((max(count, 1), self._dimensions), dtype=np.float32)
            spans = np.array([(i, i + 2) for i in range(count)] or [(0, len(text))], np.int64)
            for i in range(count):
                vectors[i, self._bucket(text[i : i + 2])] = 1.0
            states.append(TokenStates(vectors=vectors, spans=spans))
        return states
