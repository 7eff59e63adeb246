"""Text runs from pypdf: each decoded piece of text with its position, size, direction and font.

This is the one place that talks to pypdf about a page's content. pypdf's visitor reports every
piece of text it decodes with the text and transformation matrices in force; from those comes
where the text was drawn and in which direction. The fonts are inspected too, because two facts
decide whether text can be trusted or read in order: whether pypdf can map the font's glyph codes
to Unicode at all, and whether the font writes vertically (縦書き).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject

# Type0 encodings that pypdf decodes without a ToUnicode map (pypdf._cmap._predefined_cmap plus
# the UCS2 CMaps). Any other CMap, Identity-H/V included, makes pypdf read glyph ids as UTF-16.
_DECODABLE_CMAPS = frozenset(
    f"/{name}-{wmode}"
    for name in (
        "90ms-RKSJ",
        "UniJIS-UTF16",
        "UniGB-UTF16",
        "UniCNS-UTF16",
        "GB-EUC",
        "GBpc-EUC",
        "GBK-EUC",
        "GBK2K",
        "ETen-B5",
        "ETenms-B5",
    )
    for wmode in "HV"
)
_SYMBOLIC = 4  # bit 3 of a font descriptor's /Flags


@dataclass(frozen=True)
class TextRun:
    """A piece of text as pypdf decoded it, with where and how it was drawn."""

    text: str
    x: float
    y: float
    size: float
    angle: int = 0  # direction of the baseline: 0, 90, 180 or 270 degrees
    vertical: bool = False  # drawn in a vertical-writing (WMode 1) font
    unmapped: bool = False  # the font gives pypdf no way to map glyph codes to Unicode
    font: str = ""  # base font name without the subset prefix (headings often differ)


def _resolve(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def lacks_unicode_map(font: Any) -> bool:
    """Whether pypdf can only guess this font's characters (no ToUnicode, opaque glyph codes).

    A Type0 font with Identity encoding (or a CMap pypdf does not know) yields glyph ids read as
    UTF-16; a symbolic embedded TrueType subset without an encoding yields its private codes as
    control characters or Latin letters. Both are what "mojibake" PDFs are made of.
    """
    font = _resolve(font)
    if not isinstance(font, dict) or "/ToUnicode" in font:
        return False
    encoding = _resolve(font.get("/Encoding"))
    if font.get("/Subtype") == "/Type0":
        name = encoding if isinstance(encoding, str) else ""
        return not (name in _DECODABLE_CMAPS or "-UCS2-" in name)
    if font.get("/Subtype") == "/TrueType" and encoding is None:
        descriptor = _resolve(font.get("/FontDescriptor")) or {}
        symbolic = int(_resolve(descriptor.get("/Flags", 0)) or 0) & _SYMBOLIC
        return bool(symbolic) and "/FontFile2" in descriptor
    return False


def is_vertical_font(font: Any) -> bool:
    """Whether a font writes vertically (a -V CMap or an embedded CMap with /WMode 1)."""
    font = _resolve(font)
    if not isinstance(font, dict) or font.get("/Subtype") != "/Type0":
        return False
    encoding = _resolve(font.get("/Encoding"))
    if isinstance(encoding, str):
        return encoding.endswith("-V")
    return isinstance(encoding, dict) and int(_resolve(encoding.get("/WMode", 0)) or 0) == 1


def _font_name(font: Any) -> str:
    font = _resolve(font)
    name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
    return name.split("+", 1)[-1].lstrip("/")


def _multiply(m: Sequence[float], n: Sequence[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def collect_runs(page: PageObject) -> list[TextRun]:
    """Every text run pypdf decodes on a page, in content-stream order, with its position."""
    fonts: dict[int, tuple[bool, bool, str]] = {}
    runs: list[TextRun] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text or text.isspace():
            return
        if id(font) not in fonts:
            fonts[id(font)] = (is_vertical_font(font), lacks_unicode_map(font), _font_name(font))
        vertical, unmapped, name = fonts[id(font)]
        m = _multiply(tm, cm)
        scaled = abs(size or 1.0) * (math.hypot(m[2], m[3]) or 1.0)
        angle = round(math.degrees(math.atan2(m[1], m[0])) / 90) % 4 * 90
        for i, part in enumerate(text.split("\n")):
            if part.strip():
                y = m[5] - i * scaled * 1.2  # pypdf rarely puts two lines in one run
                runs.append(TextRun(part, m[4], y, scaled, angle, vertical, unmapped, name))

    page.extract_text(visitor_text=visit)
    return runs
