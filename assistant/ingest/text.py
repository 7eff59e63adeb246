"""Plain-text loader: articles, notes, and laws pasted as text.

Web articles saved as text carry page furniture ("お問い合わせはこちら", "ページの先頭へ") that is
not part of the document; those lines are dropped so that they never become a chunk or, worse,
an answer sentence. The first line, when it reads as a title, is the document's title and not
a passage of its own (a chunk holding only the title would match every question about it).
"""

from __future__ import annotations

from assistant.ingest.structure import build_blocks
from assistant.types import Block

BOILERPLATE_LINES = frozenset(
    {
        "お問い合わせはこちら",
        "お問合せはこちら",
        "ページの先頭へ",
        "ページの先頭へ戻る",
        "このページの先頭へ",
        "印刷する",
        "印刷",
        "戻る",
        "トップへ戻る",
        "シェアする",
        "ツイート",
    }
)
_TITLE_MAX_CHARS = 80


def is_boilerplate(line: str) -> bool:
    """True for a line that is page furniture rather than document text."""
    return line.strip() in BOILERPLATE_LINES


def _is_title_line(line: str) -> bool:
    """A first line that is a title, not the first sentence of a note: short, no 。 at the end."""
    return 0 < len(line) <= _TITLE_MAX_CHARS and line[-1] not in "。．.、，,"


def parse_text(text: str) -> tuple[str, tuple[Block, ...]]:
    """Return (title, blocks) of plain text; the title is the first non-boilerplate line."""
    lines = [line for line in text.splitlines() if not is_boilerplate(line)]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    title = lines[first].strip() if first is not None else ""
    body = lines[first + 1 :] if first is not None else []
    if _is_title_line(title) and any(line.strip() for line in body):
        lines = body  # the title names the document; it is not a passage
    builder = build_blocks(lines)
    return title, builder.finish()
