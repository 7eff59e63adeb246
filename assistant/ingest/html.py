"""HTML loader: ministry pages saved from a browser.

Navigation, scripts, headers and footers are dropped; h1–h6 become headings, and paragraphs,
list items and table cells become text lines that go through the same structure detection as
plain text (so 第N条 in an HTML law page gets its article).
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from assistant.ingest.structure import StructureBuilder, build_blocks
from assistant.ingest.text import is_boilerplate
from assistant.types import Block

_DROP = ("script", "style", "nav", "header", "footer", "noscript", "form", "aside")
_TEXT_TAGS = ("p", "li", "td", "th", "dd", "dt", "pre", "blockquote")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def parse_html(html: str) -> tuple[str, tuple[Block, ...]]:
    """Return (title, blocks) of an HTML page; the title is <title> or the first <h1>."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(list(_DROP)):
        tag.decompose()
    h1 = soup.find("h1")
    title_tag = soup.title
    title = (title_tag.get_text(strip=True) if title_tag else "") or (
        h1.get_text(strip=True) if h1 else ""
    )
    builder = StructureBuilder()
    body = soup.body or soup
    for element in body.find_all([*_HEADINGS, *_TEXT_TAGS]):
        if element.find_parent(_TEXT_TAGS):
            continue  # nested text: its parent already yielded it
        text = element.get_text(" ", strip=True)
        if not text or is_boilerplate(text):
            continue
        if element.name in _HEADINGS:
            builder.start_heading(text)
        else:
            build_blocks([text], builder, detect_headings=False)
    return title, builder.finish()
