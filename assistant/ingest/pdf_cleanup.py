"""Cleaning a PDF's lines: running headers and footers, page numbers, lines broken by wrapping.

A PDF has no paragraphs, only lines placed on pages. Before its text is chunked, what the page
furniture added has to go (running headers and footers repeated on many pages, page numbers)
and what the page width broke has to be mended: Japanese wraps mid-word without a hyphen or
space, so a line that fills its column without ending a sentence continues on the next line,
and a sentence cut by a page break is moved back to the page where it starts.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.ingest.pdf_layout import Line

SENTENCE_END = "。．！？!?：:"
_EDGE_LINES = 2
_ITEM_START = re.compile(
    r"^(?:第[一二三四五六七八九十百〇0-9０-９]+[条章節款]|[0-9０-９]+[.．)）]|"
    r"[（(][0-9０-９一二三四五六七八九十]+[)）]|[①-⑳]|[・●■◆○□※])"
)
# Matched against the NFKC form, so full-width digits and dashes need no cases of their own.
PAGE_NUMBER = re.compile(
    r"^[-‐–—―−~〜\s]*(?:p\.?\s*|page\s*)?\d+(?:\s*(?:/|of)\s*\d+)?[-‐–—―−~〜\s]*$"
    r"|^\d+\s*(?:ページ|頁)$|^[-\s]*[ivxlc]+[-\s]*$|^\(\d+\)$",
    re.IGNORECASE,
)


@dataclass
class PageLines:
    """The kept lines of one page (physical page number, 1-based, as PDF viewers count)."""

    number: int
    lines: list[Line]


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(unicodedata.normalize("NFKC", text).split()))


def repeated_edge_lines(pages: Sequence[PageLines]) -> set[str]:
    """Keys of lines at the top or bottom of many pages: running headers and footers.

    A line counts when it is at an edge of at least 40% of the pages (two at least), or of
    three consecutive pages (a chapter title repeated as a header). Digits are ignored so that
    "資料3 - 4 -" and "資料3 - 5 -" are one footer.
    """
    if len(pages) < 2:
        return set()
    seen: dict[str, list[int]] = defaultdict(list)
    for page in pages:
        edges = page.lines[:_EDGE_LINES] + page.lines[-_EDGE_LINES:]
        for key in {_edge_key(line.text) for line in edges}:
            seen[key].append(page.number)
    needed = max(2, -(-len(pages) * 2 // 5))
    return {
        key for key, numbers in seen.items() if len(numbers) >= needed or _has_run_of_three(numbers)
    }


def _has_run_of_three(numbers: Sequence[int]) -> bool:
    return any(
        b == a + 1 and c == b + 1
        for a, b, c in zip(numbers, numbers[1:], numbers[2:], strict=False)
    )


def _is_edge_noise(line: Line, repeated: set[str]) -> bool:
    text = unicodedata.normalize("NFKC", line.text).strip()
    return bool(PAGE_NUMBER.match(text)) or _edge_key(line.text) in repeated


def strip_edges(lines: list[Line], repeated: set[str]) -> list[Line]:
    """Drop page numbers and running headers/footers from the top and bottom of a page."""
    start, end = 0, len(lines)
    while start < min(end, _EDGE_LINES + 1) and _is_edge_noise(lines[start], repeated):
        start += 1
    while end > max(start, len(lines) - _EDGE_LINES - 1) and _is_edge_noise(
        lines[end - 1], repeated
    ):
        end -= 1
    return lines[start:end]


def _glue(left: str, right: str) -> str:
    """A space only between two Latin words; Japanese wraps without one."""
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() else ""


def _continues(previous: Line, line: Line) -> bool:
    ended = previous.text[-1:] in SENTENCE_END
    return previous.full and not ended and not _ITEM_START.match(line.text)


def join_wrapped_lines(lines: Sequence[Line]) -> list[Line]:
    """Join each line that reaches its column edge mid-sentence to the line that follows.

    Only a full line can wrap: a heading, a table row or the last line of a paragraph ends
    short of the edge, so it stays on its own even without a 。.
    """
    joined: list[Line] = []
    for line in lines:
        if joined and _continues(joined[-1], line):
            text = joined[-1].text + _glue(joined[-1].text, line.text) + line.text
            joined[-1] = replace(joined[-1], text=text, full=line.full)
        else:
            joined.append(line)
    return joined


def carry_sentences_back(pages: Sequence[PageLines]) -> None:
    """Move the end of a sentence cut by a page break to the page where the sentence starts.

    A citation then quotes the whole sentence and names the page where a reader finds it.
    """
    for previous, page in itertools.pairwise(pages):
        if page.number != previous.number + 1 or not previous.lines or not page.lines:
            continue
        last, first = previous.lines[-1], page.lines[0]
        cut = first.text.find("。") + 1
        if not _continues(last, first) or not 0 < cut <= 200:
            continue
        text = last.text + _glue(last.text, first.text) + first.text[:cut]
        previous.lines[-1] = replace(last, text=text, full=False)
        rest = first.text[cut:].strip()
        page.lines[0:1] = [replace(first, text=rest)] if rest else []
