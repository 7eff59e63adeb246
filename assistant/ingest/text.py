"""Plain-text loader: articles, notes, and laws pasted as text.

Web articles saved as text carry page furniture ("お問い合わせはこちら", "ページの先頭へ") that is
not part of the document; those lines are dropped so that they never become a chunk or, worse,
an answer sentence.
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


def is_boilerplate(line: str) -> bool:
    """True for a line that is page furniture rather than document text."""
    return line.strip() in BOILERPLATE_LINES


def parse_text(text: str) -> tuple[str, tuple[Block, ...]]:
    """Return (title, blocks) of plain text; the title is the first non-boilerplate line."""
    lines = [line for line in text.splitlines() if not is_boilerplate(line)]
    title = next((line.strip() for line in lines if line.strip()), "")
    builder = build_blocks(lines)
    return title, builder.finish()
