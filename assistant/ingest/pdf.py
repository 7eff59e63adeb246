"""PDF loader (pypdf): text per page, with the page number kept for citations.

pypdf returns the visual lines of a page. Japanese sentences wrap at the page margin without a
space, so a line that does not end a sentence is joined to the next one. Lines that repeat at
the top or bottom of most pages (running headers, footers) and bare page numbers are dropped.
A page whose text is mostly replacement or private-use characters is reported as unreadable
rather than indexed as garbage.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from assistant.errors import IngestError
from assistant.ingest.structure import StructureBuilder, build_blocks
from assistant.types import Block

_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:p\.?\s*)?[0-9０-９]+(?:\s*/\s*[0-9０-９]+)?[-–—\s]*$|^[0-9０-９]+\s*ページ$"
)
_SENTENCE_END = "。．！？!?）」』:："
_GARBLE_SHARE = 0.3


def garbled_share(text: str) -> float:
    """Share of characters that signal a failed extraction (U+FFFD, private use, controls)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF or ord(c) < 0x20)
    return bad / len(chars)


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    """Lines that appear as the first/last lines of at least half of the pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {re.sub(r"[0-9０-９]+", "#", line) for line in lines[:2] + lines[-2:]}
        counts.update(edges)
    return {line for line, n in counts.items() if n >= max(3, len(pages) // 2)}


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join lines that a page margin broke inside a sentence."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1] and joined[-1][-1] not in _SENTENCE_END and _continues(line):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


def _continues(line: str) -> bool:
    # A new numbered item, article or bullet starts its own line even after an unfinished one.
    return not re.match(
        r"^(?:第[一二三四五六七八九十百0-9]+条|[0-9０-９]+[.．)）]|[（(][0-9０-９一二三四五六七八九十]+[)）]|[・●■◆○□※])",
        line,
    )


def read_pdf_pages(path: Path) -> list[str]:
    """Extract the raw text of each page, or raise IngestError naming the problem."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy")
        return [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path.name}: not a readable PDF ({exc})") from exc


def parse_pdf(path: Path) -> tuple[str, tuple[Block, ...], tuple[str, ...]]:
    """Return (title, blocks, warnings) of a PDF; blocks never span pages."""
    raw_pages = read_pdf_pages(path)
    pages = [[ln.strip() for ln in text.splitlines() if ln.strip()] for text in raw_pages]
    repeated = _repeated_edge_lines(pages)
    warnings: list[str] = []
    builder = StructureBuilder()
    for number, lines in enumerate(pages, start=1):
        text = "\n".join(lines)
        if garbled_share(text) > _GARBLE_SHARE:
            warnings.append(
                f"{path.name} p.{number}: unreadable text (garbled extraction), skipped"
            )
            continue
        kept = [
            ln
            for ln in lines
            if not _PAGE_NUMBER.match(ln) and re.sub(r"[0-9０-９]+", "#", ln) not in repeated
        ]
        builder.start_page(number)
        build_blocks(join_wrapped_lines(kept), builder)
    blocks = builder.finish()
    if not blocks:
        raise IngestError(
            f"{path.name}: no text layer found (a scanned image PDF?); OCR it before adding"
        )
    title = next((b.heading for b in blocks if b.heading), "") or path.stem
    return title, blocks, tuple(warnings)
