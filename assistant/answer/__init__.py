"""Answering: hits -> a grounded ``Answer`` with citations, or a reasoned abstention.

Two answerers implement ``Answerer``: the extractive one (``extractive.py``, the default, no
LLM: it quotes sentences verbatim) and the LLM one (``llm.py``: the extractive answer rephrased
by an OpenAI-compatible endpoint, each sentence checked against its passage). The setting
``ASSISTANT_ANSWERER`` chooses; whether to answer at all is decided in ``abstain.py`` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.index.snapshot import Snapshot
from assistant.types import Answer, Hit, Query


class Answerer(Protocol):
    """Turns the ranked passages for a query into an answer."""

    def answer(self, query: Query, hits: Sequence[Hit], snapshot: Snapshot) -> Answer:
        """The answer (or abstention) these hits support; ``snapshot`` is the index state the
        hits came from (for neighbouring passages and document versions)."""
        ...
