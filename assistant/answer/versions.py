"""Version awareness in answers: say so when a cited passage comes from a superseded document.

Documents are re-issued (the industrial and technology action plan was revised in May 2025).
Retrieval prefers current versions; when an answer still quotes an older one (because the user
chose that document or asked for superseded versions too), the answer carries a note that names
the old version and the current one, so that nobody acts on a rule that has since changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from assistant.types import Citation


class DescribedDocument(Protocol):
    """What a note needs to know about the current version (a manifest entry has it)."""

    @property
    def title(self) -> str: ...

    @property
    def version(self) -> str: ...


def _label(title: str, version: str) -> str:
    return f"{title}（{version}）" if version else title


def version_notes(
    citations: Sequence[Citation],
    english: bool = False,
    documents: Mapping[str, DescribedDocument] | None = None,
) -> tuple[str, ...]:
    """One note per cited document that a newer indexed version supersedes.

    ``documents`` (the indexed documents by file name) lets the note name the current version
    by title and version instead of by file name.
    """
    markers: dict[str, list[int]] = {}
    for citation in citations:
        if citation.chunk.superseded_by:
            markers.setdefault(citation.chunk.source, []).append(citation.marker)
    notes: list[str] = []
    for source, numbers in markers.items():
        chunk = next(c.chunk for c in citations if c.chunk.source == source)
        newer = (documents or {}).get(chunk.superseded_by)
        current = _label(newer.title, newer.version) if newer else chunk.superseded_by
        cited = "".join(f"[{n}]" for n in numbers)
        if english:
            notes.append(
                f"{cited} quotes {_label(chunk.title, chunk.version)}, which has been superseded "
                f"by {current}; check the current version."
            )
        else:
            notes.append(
                f"{cited} の出典「{_label(chunk.title, chunk.version)}」は旧版です。"
                f"現行版は「{current}」です。現行版の記述を確認してください。"
            )
    return tuple(notes)
