"""Loaders: one file in, one ``SourceDocument`` out, whatever its format.

The format is decided by the file's content as much as by its name: a PDF saved as ``.txt`` is
read as a PDF (with a warning), and a binary file named ``.md`` is refused with a message that
says so, instead of indexing mojibake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from assistant.catalog import Catalog, guess_kind
from assistant.errors import IngestError
from assistant.ingest.html import parse_html
from assistant.ingest.markdown import parse_markdown
from assistant.ingest.pdf import parse_pdf
from assistant.ingest.text import parse_text
from assistant.types import Block, SourceDocument

# Text formats by suffix: a parser turns decoded text into (title, blocks). Adding a format is
# a parser module in this package and its suffixes here. (PDF is read from bytes, below.)
TextParser = Callable[[str], tuple[str, tuple[Block, ...]]]
LOADERS: dict[str, TextParser] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
    ".txt": parse_text,
}
SUPPORTED_SUFFIXES = (".pdf", *LOADERS)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise IngestError(f"{name}: binary content, not text; check the file and its extension")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(f"{name}: text is neither UTF-8 nor Shift_JIS; re-save it as UTF-8")


def _parse(path: Path, data: bytes) -> tuple[str, tuple[Block, ...], tuple[str, ...]]:
    suffix = path.suffix.lower()
    if b"%PDF-" in data[:1024]:  # the PDF standard allows junk before the header
        warnings = () if suffix == ".pdf" else (f"{path.name}: is a PDF despite its extension",)
        title, blocks, pdf_warnings = parse_pdf(path)
        return title, blocks, warnings + pdf_warnings
    if suffix == ".pdf":
        raise IngestError(
            f"{path.name}: not a PDF (no %PDF header); the file is damaged or mislabelled"
        )
    text = _decode(data, path.name)
    parser = LOADERS.get(suffix, parse_text)
    if parser is parse_text and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        parser = parse_html  # HTML saved as .txt
    return (*parser(text), ())


def load_document(path: Path, catalog: Catalog | None = None) -> SourceDocument:
    """Read one file into a SourceDocument, or raise IngestError naming the file and problem."""
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"{path.name}: the file is empty")
    title, blocks, warnings = _parse(path, data)
    if not blocks:
        raise IngestError(f"{path.name}: no text found in the file")
    entry = catalog.get(path.name) if catalog else None
    title = entry.title if entry else (title or path.stem)
    return SourceDocument(
        source=path.name,
        title=title,
        kind=entry.kind if entry else guess_kind(title, path.suffix.lower()),
        blocks=blocks,
        sha256=hashlib.sha256(data).hexdigest(),
        version=entry.version if entry else "",
        warnings=warnings,
        short_title=entry.short_title if entry else "",
    )
