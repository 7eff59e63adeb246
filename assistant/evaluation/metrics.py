"""Metric definitions shared by the domain evaluation and the JSQuAD benchmark.

Retrieval metrics read ranked relevance flags; answer metrics read the Answer itself. Citation
support for extractive answers is verbatim containment of each answer sentence in the passage
it cites; for generated text it is a documented overlap score (see ``support_score``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.answer.support import GENERATED_SUPPORT_THRESHOLD, support_score
from assistant.types import Answer

_MARKER = re.compile(r"\[(\d+)\]")


def hit_at(flags: Sequence[bool], k: int) -> float:
    """1.0 if any of the first k results is relevant."""
    return 1.0 if any(flags[:k]) else 0.0


def reciprocal_rank(flags: Sequence[bool], k: int = 10) -> float:
    """1/rank of the first relevant result within k, else 0."""
    for rank, flag in enumerate(flags[:k], start=1):
        if flag:
            return 1.0 / rank
    return 0.0


def citation_valid(answer: Answer) -> bool:
    """Every marker in the answer text points to a listed citation, and sentences cite one."""
    listed = {c.marker for c in answer.citations}
    used = {int(m) for m in _MARKER.findall(answer.text)}
    sentence_markers = {s.marker for s in answer.sentences}
    return used <= listed and sentence_markers <= listed and bool(used)


def supported_sentences(answer: Answer) -> tuple[int, int]:
    """(supported, total) answer sentences, each checked against the passage it cites.

    Extractive sentences must be verbatim (score 1.0); generated ones must reach
    GENERATED_SUPPORT_THRESHOLD.
    """
    threshold = GENERATED_SUPPORT_THRESHOLD if answer.generated else 1.0
    passages = {c.marker: c.chunk.text for c in answer.citations}
    supported = 0
    for sentence in answer.sentences:
        passage = passages.get(sentence.marker, "")
        if support_score(sentence.text, passage) >= threshold if passage else False:
            supported += 1
    return supported, len(answer.sentences)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), 0 for no values."""
    return float(np.percentile(np.asarray(values), q)) if values else 0.0


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean, 0 for no values."""
    return float(sum(values) / len(values)) if values else 0.0
