"""Version awareness in answers: say so when a cited passage comes from a superseded document.

Documents are re-issued (the industrial and technology action plan was revised in May 2025).
Retrieval prefers current versions; when an answer still quotes an older one (because the user
chose that document, or it is the only source), the answer carries a note naming the newer one.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Citation


def version_notes(citations: Sequence[Citation], english: bool = False) -> tuple[str, ...]:
    """One note per cited passage whose document has a newer version in the index."""
    notes: list[str] = []
    for citation in citations:
        newer = citation.chunk.superseded_by
        if not newer:
            continue
        if english:
            notes.append(
                f"[{citation.marker}] quotes {citation.chunk.title}, which has been superseded by "
                f"{newer}; check the current version."
            )
        else:
            notes.append(
                f"[{citation.marker}] の出典「{citation.chunk.title}」は旧版です"
                f"（新版: {newer}）。現行版の記述を確認してください。"
            )
    return tuple(notes)
