"""PDF loader (pypdf): text per page in reading order, cleaned, with the page kept for citations.

What a ministry PDF needs before its text can be trusted:

* The file is checked first. An empty, truncated (no ``%%EOF``), password-protected or
  unparsable file raises IngestError naming the file and the problem. A PDF encrypted only
  against editing (an owner password, common on government sites) opens with the empty user
  password and is read normally.
* Each page is laid out from positioned text runs (``pdf_layout``): reading order, two
  columns, vertical writing, each with a warning so that a reader can check quotes. A page
  whose text is mostly glyphs without a Unicode mapping, replacement or private-use characters
  is reported as unreadable and skipped; a page with images but no text is reported as having
  no text layer. When no page is left the whole file fails with that reason.
* Running headers and footers (lines at the top or bottom of many pages, digits ignored) and
  page numbers are removed; a line that reaches its column edge without ending a sentence is
  joined to the next; a sentence cut by a page break moves back to the page where it starts.
* Text is NFC-composed for display. Search folds full-width and half-width forms later, in the
  chunk's NFKC search text, so the original characters are what users see.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, PdfReadError

from assistant.errors import IngestError
from assistant.ingest.pdf_cleanup import (
    PAGE_NUMBER,
    PageLines,
    carry_sentences_back,
    join_wrapped_lines,
    repeated_edge_lines,
    strip_edges,
)
from assistant.ingest.pdf_layout import Line, PageLayout, lay_out_page
from assistant.ingest.pdf_runs import TextRun, collect_runs
from assistant.ingest.structure import (
    ARTICLE_RE,
    StructureBuilder,
    build_blocks,
    looks_like_heading,
)
from assistant.types import Block

_GARBLE_SHARE = 0.3
_FILE_NAME_TITLE = re.compile(r"^microsoft\s|\.(?:docx?|xlsx?|pptx?|pdf|jtd|rtf)$", re.IGNORECASE)


def garbled_share(text: str) -> float:
    """Share of characters that signal a failed extraction (U+FFFD, private use, controls)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    bad = sum(1 for c in chars if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF or ord(c) < 0x20)
    return bad / len(chars)


def open_pdf(path: Path) -> PdfReader:
    """Open a PDF for reading or raise IngestError saying what is wrong with the file."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 8192))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise IngestError(
            f"{path.name}: the PDF is truncated (no end-of-file marker); download or copy it again"
        )
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(
                f"{path.name}: the PDF is password-protected; add a copy saved without a password"
            )
        if len(reader.pages) == 0:
            raise IngestError(f"{path.name}: the PDF has no pages")
        return reader
    except DependencyError as exc:
        raise IngestError(
            f"{path.name}: the PDF is AES-encrypted and reading it needs the 'cryptography' "
            "package (pip install 'pypdf[crypto]')"
        ) from exc
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        NotImplementedError,
    ) as exc:
        raise IngestError(f"{path.name}: not a readable PDF ({exc})") from exc


@dataclass
class _LaidOut:
    number: int
    page: PageObject
    runs: list[TextRun]
    layout: PageLayout


def _has_images(page: PageObject) -> bool:
    try:
        xobjects: Any = page["/Resources"]["/XObject"]  # type: ignore[index]
        return any(x.get_object().get("/Subtype") in ("/Image", "/Form") for x in xobjects.values())
    except (KeyError, TypeError, AttributeError):
        return False


def _page_problem(page: PageObject, layout: PageLayout) -> str:
    """Why a page cannot be indexed ("" when it can)."""
    if layout.total_chars == 0:
        return "no text layer (a scanned image?), skipped" if _has_images(page) else ""
    text = "".join(line.text for line in layout.lines)
    unmapped = layout.unmapped_chars / layout.total_chars
    if unmapped + garbled_share(text) > _GARBLE_SHARE:
        return "unreadable text (glyphs without a Unicode mapping or garbled characters), skipped"
    return ""


def _layout_notes(layout: PageLayout) -> list[str]:
    notes = []
    if layout.unmapped_chars:
        notes.append("some text in a font without a Unicode mapping was left out")
    if layout.vertical:
        notes.append("vertical writing (縦書き), read right to left; check quotes against the PDF")
    if layout.columns > 1:
        notes.append("two-column layout, read column by column; check quotes against the PDF")
    return notes


def _lay_out_pages(reader: PdfReader, problems: dict[str, list[int]]) -> list[_LaidOut]:
    """Every page laid out; a page that shows no column edge of its own (one short paragraph)
    is laid out again with the edge that full lines reach on the document's other pages."""
    laid_out: list[_LaidOut] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            runs = collect_runs(page)
            laid_out.append(_LaidOut(number, page, runs, lay_out_page(runs)))
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a damaged page
            problems[f"could not be read ({type(exc).__name__}), skipped"].append(number)
    edges = sorted(item.layout.edge for item in laid_out if item.layout.edge < math.inf)
    if edges:
        for item in laid_out:
            if item.layout.edge == math.inf and item.layout.columns == 1:
                item.layout = lay_out_page(item.runs, edges[len(edges) // 2])
    return laid_out


def read_pages(reader: PdfReader) -> tuple[list[PageLines], dict[str, list[int]]]:
    """Lines of every readable page, and the numbers of the pages each problem affects."""
    pages: list[PageLines] = []
    problems: dict[str, list[int]] = defaultdict(list)
    for item in _lay_out_pages(reader, problems):
        problem = _page_problem(item.page, item.layout)
        if problem:
            problems[problem].append(item.number)
            continue
        for note in _layout_notes(item.layout):
            problems[note].append(item.number)
        lines = [
            replace(line, text=unicodedata.normalize("NFC", line.text))
            for line in item.layout.lines
        ]
        if lines:
            pages.append(PageLines(item.number, lines))
    return pages, problems


def _page_ranges(numbers: Sequence[int]) -> str:
    """'p.3, p.5-7' for [3, 5, 6, 7]: one warning per problem, however many pages."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"p.{a}" if a == b else f"p.{a}-{b}" for a, b in spans)


def _no_pages_error(name: str, problems: dict[str, list[int]], total: int) -> IngestError:
    if any(p.startswith("no text layer") for p in problems) and len(problems) == 1:
        return IngestError(
            f"{name}: no text layer on any of its {total} pages (a scanned image PDF?); "
            "OCR it (for example `ocrmypdf -l jpn in.pdf out.pdf`) and add the result"
        )
    if problems:
        reasons = "; ".join(f"{_page_ranges(p)}: {why}" for why, p in problems.items())
        return IngestError(f"{name}: no readable page ({reasons})")
    return IngestError(f"{name}: no text found in the PDF")


@dataclass(frozen=True)
class _BodyStyle:
    """The usual size and font of body text, and whether heading guessing from text is safe."""

    size: float
    font: str
    guess_headings: bool

    @classmethod
    def of(cls, pages: Sequence[PageLines]) -> _BodyStyle:
        lines = [line for page in pages for line in page.lines]
        sizes: Counter[float] = Counter()
        fonts: Counter[str] = Counter()
        for line in lines:
            sizes[round(line.size, 1)] += len(line.text)
            fonts[line.font] += len(line.text)
        # In a statute the items (号) are short lines without 。 and would all look like headings.
        articles = sum(1 for line in lines if ARTICLE_RE.match(line.text))
        size = sizes.most_common(1)[0][0] if sizes else 0.0
        return cls(size, fonts.most_common(1)[0][0] if fonts else "", articles < 3)

    def is_heading(self, line: Line, next_line: Line | None) -> bool:
        """Headings: short lines set larger or in another font (Gothic, bold), or by guess."""
        text = line.text
        if line.cells > 1 or line.full or len(text) > 60 or ARTICLE_RE.match(text):
            return False  # a table row is short and has no 。, yet it is not a heading
        if text[-1] in "。、，,.":
            return False
        styled = line.size > 1.1 * self.size or (
            line.font != self.font and line.size >= 0.95 * self.size
        )
        guessed = self.guess_headings and looks_like_heading(
            text, next_line.text if next_line else None
        )
        return styled or guessed


def build_page_blocks(pages: Sequence[PageLines]) -> tuple[Block, ...]:
    """Blocks page by page: headings, articles (第N条) and text, each with its page."""
    style = _BodyStyle.of(pages)
    builder = StructureBuilder()
    for page in pages:
        builder.start_page(page.number)
        for line, next_line in zip(page.lines, [*page.lines[1:], None], strict=True):
            if style.is_heading(line, next_line):
                builder.start_heading(line.text)
            else:
                build_blocks([line.text], builder, detect_headings=False)
    return builder.finish()


def _title(pages: Sequence[PageLines], reader: PdfReader) -> str:
    """The title: the largest text at the top of page 1, else a meaningful metadata title."""
    first = pages[0].lines if pages and pages[0].number == 1 else []
    top = [ln for ln in first[:6] if not PAGE_NUMBER.match(unicodedata.normalize("NFKC", ln.text))]
    if top:
        body = sorted(ln.size for ln in first)[len(first) // 2]
        biggest = max(ln.size for ln in top)
        if biggest >= 1.2 * body:
            return "".join(ln.text for ln in top if ln.size >= 0.95 * biggest)[:120]
    try:
        meta = str(reader.metadata.title or "").strip() if reader.metadata else ""
    except (PdfReadError, ValueError, TypeError):
        meta = ""
    return meta if meta and not _FILE_NAME_TITLE.search(meta) else ""


def parse_pdf(path: Path) -> tuple[str, tuple[Block, ...], tuple[str, ...]]:
    """Return (title, blocks, warnings) of a PDF; blocks never span pages."""
    reader = open_pdf(path)
    pages, problems = read_pages(reader)
    warnings = tuple(f"{path.name} {_page_ranges(p)}: {why}" for why, p in problems.items())
    if not pages:
        raise _no_pages_error(path.name, problems, len(reader.pages))
    title = _title(pages, reader)
    repeated = repeated_edge_lines(pages)
    for page in pages:
        page.lines = join_wrapped_lines(strip_edges(page.lines, repeated))
    carry_sentences_back(pages)
    blocks = build_page_blocks(pages)
    if not blocks:
        raise IngestError(f"{path.name}: no text found in the PDF (only page numbers or headers)")
    heading = next((b.heading for b in blocks if b.heading), "")
    return title or heading or path.stem, blocks, warnings
