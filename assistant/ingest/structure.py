"""Turn lines of plain text into structural blocks: headings, articles (第N条) and paragraphs.

All text loaders end here, so a 第N条 in a Markdown law, a plain-text law or an HTML page gets
the same article metadata. Supplementary provisions (附則) restart their numbering at 第一条;
when the numbering goes backwards the following articles are labelled 附則第N条 so that a
citation never points at the main 第一条 by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.japanese import kanji_to_int
from assistant.types import Block

# An article, chapter or section number in kanji or digits (第五十五条の八, 第2章).
NUMERAL = r"[〇一二三四五六七八九十百千0-9０-９]+"
ARTICLE_RE = re.compile(rf"^(第{NUMERAL}条(?:の{NUMERAL})*)(?:[\s　]+|$)")
_ARTICLE_NUMBERS = re.compile(NUMERAL)
_HEADING_MAX_CHARS = 40


def article_sort_key(article: str) -> tuple[int, ...]:
    """(45,) for 第四十五条, (55, 8) for 第五十五条の八: comparable article numbers."""
    numbers = [kanji_to_int(n) for n in _ARTICLE_NUMBERS.findall(article)]
    return tuple(n for n in numbers if n is not None)


@dataclass
class StructureBuilder:
    """Accumulates lines into blocks, tracking the current article, heading and page."""

    page: int | None = None
    heading: str = ""
    article: str = ""
    supplementary: bool = False
    _last_key: tuple[int, ...] = ()
    _lines: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def flush(self) -> None:
        """Close the current block (if it has text)."""
        text = "\n".join(line for line in self._lines if line.strip())
        if text.strip():
            self.blocks.append(Block(text, self.article, self.heading, self.page))
        self._lines = []

    def start_article(self, article: str) -> None:
        """Begin a new article; detect the restart of numbering that marks 附則."""
        self.flush()
        key = article_sort_key(article)
        restarts = key == (1,) and self._last_key > (1,)
        if restarts and not self.supplementary:
            self.supplementary = True
            self.heading = self.heading or "附則"
        self._last_key = key
        self.article = f"附則{article}" if self.supplementary else article

    def start_heading(self, heading: str) -> None:
        """Begin a section under a new heading; an article does not span headings."""
        self.flush()
        self.heading = heading
        if heading.startswith("附則"):
            self.supplementary = True
            self._last_key = ()
        self.article = ""

    def start_page(self, page: int) -> None:
        """Begin a new page: blocks never span pages, so a citation names exactly one."""
        self.flush()
        self.page = page

    def add_line(self, line: str) -> None:
        """Add a text line to the current block."""
        self._lines.append(line)

    def finish(self) -> tuple[Block, ...]:
        """Flush and return every block built so far."""
        self.flush()
        return tuple(self.blocks)


def looks_like_heading(line: str, next_line: str | None) -> bool:
    """Guess whether a plain-text line is a heading: short, no 。, followed by body text.

    Body text is either longer than the line, or indented where the line is not: Japanese
    articles indent each paragraph by a space, and a paragraph may be short ("個別の政策アプロー
    チをご紹介します。" under "物資・技術アプローチと産業バリューチェーンアプローチ").
    """
    stripped = line.strip()
    if not stripped or len(stripped) > _HEADING_MAX_CHARS or stripped[-1] in "。、，,.":
        return False
    if next_line is None or not next_line.strip():
        return False
    if next_line[:1].isspace() and not line[:1].isspace():
        return True
    return len(next_line.strip()) > len(stripped)


def build_blocks(
    lines: Iterable[str],
    builder: StructureBuilder | None = None,
    *,
    detect_headings: bool = True,
) -> StructureBuilder:
    """Feed plain-text lines into a builder, detecting articles and (optionally) headings.

    Heading guessing is off for law texts: their items (号) are short lines without 。 and
    would otherwise all look like headings.
    """
    builder = builder or StructureBuilder()
    items = [line.rstrip() for line in lines]
    for i, line in enumerate(items):
        stripped = line.strip()
        if not stripped:
            continue
        match = ARTICLE_RE.match(stripped)
        if match:
            builder.start_article(match.group(1))
            rest = stripped[match.end() :].strip()
            if rest:
                builder.add_line(rest)
            continue
        next_line = next((n for n in items[i + 1 :] if n.strip()), None)
        if detect_headings and looks_like_heading(line, next_line):
            builder.start_heading(stripped)
            continue
        builder.add_line(stripped)
    return builder
