"""Late chunking: sentence vectors pooled from their chunk's forward pass.

Embedding every sentence on its own costs one forward pass per sentence; here each chunk goes
through the model once and each sentence's vector is the mean of its own tokens' last-layer
vectors from that pass, so the sentence is read in the context of its header and neighbours.

Which tokens pool into a sentence:

* a text token belongs to the sentence whose span holds the token's last character (a
  SentencePiece piece carries the space before a word, so its first character may lie
  before the sentence);
* tokens outside the text (``<s>``, the "passage: " prefix, ``</s>``) count for every
  sentence, as they do when a sentence is embedded alone; hence a sentence spanning the whole
  chunk gets exactly the chunk's vector;
* text between spans (a header the caller left out) belongs to no sentence.

A sentence with no token of its own (cut off by the model's 512-token limit, or an empty
span) gets the chunk's vector: it is the best estimate the pass has.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from assistant.embedding.pooling import FloatArray, normalize_rows
from assistant.embedding.protocol import TokenEmbedder, TokenStates

log = logging.getLogger(__name__)

Span = tuple[int, int]
OUTSIDE = -1  # assign_tokens: a text token in no sentence
FRAME = -2  # assign_tokens: a token outside the text (specials, prefix)


def locate_sentences(text: str, sentences: Sequence[str]) -> list[Span]:
    """Find each sentence in ``text``, in order, and return its [start, end) span.

    Raises ValueError naming the first sentence that does not occur after the previous one.
    """
    spans: list[Span] = []
    cursor = 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:
            raise ValueError(f"sentence not found in order in the text: {sentence[:40]!r}")
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


def assign_tokens(
    token_spans: npt.NDArray[np.int64], sentence_spans: Sequence[Span]
) -> npt.NDArray[np.int64]:
    """For each token, the index of its sentence, ``OUTSIDE`` or ``FRAME`` (see module doc)."""
    owner = np.full(len(token_spans), OUTSIDE, dtype=np.int64)
    owner[token_spans[:, 0] < 0] = FRAME
    last_chars = token_spans[:, 1] - 1
    for index, (start, end) in enumerate(sentence_spans):
        inside = (token_spans[:, 0] >= 0) & (last_chars >= start) & (last_chars < end)
        owner[inside] = index
    return owner


def pool_sentences(
    states: TokenStates, sentence_spans: Sequence[Span]
) -> tuple[FloatArray, FloatArray]:
    """The chunk's unit vector and one unit vector per sentence span, from one pass's tokens."""
    chunk = states.vectors.mean(axis=0)
    owner = assign_tokens(states.spans, sentence_spans)
    frame = owner == FRAME
    pooled = np.empty((len(sentence_spans), states.vectors.shape[1]), dtype=np.float32)
    for index in range(len(sentence_spans)):
        own = owner == index
        if not own.any():
            log.info("sentence %d has no token in its chunk's pass; using the chunk vector", index)
            pooled[index] = chunk
            continue
        pooled[index] = states.vectors[own | frame].mean(axis=0)
    return normalize_rows(chunk[None, :])[0], normalize_rows(pooled)


def embed_with_sentences(
    embedder: TokenEmbedder,
    texts: Sequence[str],
    sentence_spans: Sequence[Sequence[Span]],
) -> tuple[FloatArray, list[FloatArray]]:
    """Embed chunks and their sentences with one forward pass per chunk.

    ``sentence_spans[i]`` lists the [start, end) character spans of chunk i's sentences in
    ``texts[i]`` (``locate_sentences`` finds them). Returns the chunk vectors, (chunks,
    dimensions), equal to ``embed_passages(texts)``, and for each chunk an array (sentences,
    dimensions) of unit sentence vectors.
    """
    if len(texts) != len(sentence_spans):
        raise ValueError(f"{len(texts)} texts but {len(sentence_spans)} lists of sentence spans")
    chunk_vectors: list[FloatArray] = []
    sentence_vectors: list[FloatArray] = []
    for states, spans in zip(embedder.embed_passage_tokens(texts), sentence_spans, strict=True):
        chunk, sentences = pool_sentences(states, spans)
        chunk_vectors.append(chunk)
        sentence_vectors.append(sentences)
    dimensions = sentence_vectors[0].shape[1] if sentence_vectors else 0
    stacked = np.stack(chunk_vectors) if chunk_vectors else np.zeros((0, dimensions), np.float32)
    return stacked, sentence_vectors
