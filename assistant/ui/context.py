"""The surrounding section of a cited chunk: its whole article (or heading, or neighbours).

A quoted sentence out of context can mislead (a proviso in the next paragraph may reverse it),
so every source card can open the section the chunk belongs to. Chunks overlap by design, so
neighbouring chunk texts are joined without repeating the overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.access.principal import Principal
from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.service import Assistant

SECTION_LIMIT = 4000
_MIN_OVERLAP = 8


def join_overlapping(texts: Sequence[str]) -> str:
    """Concatenate chunk texts in order, dropping the prefix each repeats of the one before."""
    if not texts:
        return ""
    joined = texts[0]
    for text in texts[1:]:
        longest = min(len(joined), len(text), 600)
        overlap = next(
            (k for k in range(longest, _MIN_OVERLAP - 1, -1) if joined.endswith(text[:k])), 0
        )
        separator = "" if overlap else "\n"
        joined += separator + text[overlap:]
    return joined


def _same_section(chunk: Chunk, other: Chunk) -> bool:
    if chunk.article:
        return other.article == chunk.article
    if chunk.heading:
        return other.heading == chunk.heading
    return abs(other.position - chunk.position) <= 1


def section_chunks(
    assistant: Assistant, chunk: Chunk, principal: Principal | None = None
) -> list[Chunk]:
    """The chunks of the same document and section as ``chunk`` that ``principal`` may read,
    in reading order."""
    siblings = assistant.document_chunks(chunk, principal)
    section = sorted((c for c in siblings if _same_section(chunk, c)), key=lambda c: c.position)
    return section or [chunk]


def surrounding_section(
    assistant: Assistant,
    chunk: Chunk,
    limit: int = SECTION_LIMIT,
    principal: Principal | None = None,
) -> str:
    """The text of the chunk's section, cut to about ``limit`` characters around the chunk."""
    chunks = section_chunks(assistant, chunk, principal)
    text = join_overlapping([c.text for c in chunks])
    if len(text) <= limit:
        return text
    anchor = max(0, text.find(chunk.text[:40]))
    start = max(0, min(anchor - limit // 3, len(text) - limit))
    head = "…" if start else ""
    tail = "…" if start + limit < len(text) else ""
    return head + text[start : start + limit] + tail
