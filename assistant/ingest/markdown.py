"""Markdown loader: e-Gov law texts and users' own Markdown notes.

The law files mark each article with ``<a id="第N条"></a>`` and a bold ``**第N条**`` line. The
converter also wraps some cross-references at the start of a line in the same markup (a known
defect): those lines carry text after the bold part and are kept as text, not as new articles.
The trailing "この法令を参照している法令" list and the generator footer are not law text.

The converter emits no chapter headings; its ``##`` lines inside a law are the cells of tables
such as 第八十六条's list of 主務大臣 ("## 第二章第七節の規定"). Taken as headings they would cut
the article short and label every later article with a table cell, so in a law file a heading
that is not structural (第N章, 附則, 別表...) is text of the article it sits in. The law number
under the title ("（令和四年法律第四十三号）") is part of how a law is cited, not a passage: it
joins the title instead of becoming a chunk that matches every question naming the law.

Law files in the current e-Gov layout (front matter, ``### 第N条``, bold 項・号 labels) go to
``assistant.ingest.law``, which keeps paragraphs and items; this module reads the older layout
and users' own notes.
"""

from __future__ import annotations

import re

from assistant.ingest.law import is_structured_law, parse_structured_markdown
from assistant.ingest.structure import ARTICLE_RE, NUMERAL, StructureBuilder
from assistant.types import Block

_ANCHOR = re.compile(r"<a id=\"[^\"]*\"></a>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ARTICLE_LINE = re.compile(r"^\*\*(第[^*]+条(?:の[^*]+)*)\*\*\s*$")
_ARTICLE_ANCHOR = re.compile(r"<a id=\"第[^\"]*条[^\"]*\"></a>")
_STRUCTURAL = re.compile(
    rf"^(?:第{NUMERAL}[編章節款目](?:の{NUMERAL})*(?:第{NUMERAL}[節款目](?:の{NUMERAL})*)*"
    r"|附\s*則|別表|別記|様式)(?:[\s　]|$)"
)
_STOP_HEADINGS = ("この法令を参照している法令",)
_LAW_NUMBER = re.compile(r"^[（(][^（）()]*第[〇一二三四五六七八九十百千]+号[）)]$")
_FOOTER = re.compile(r"^\*Generated from .*\*$|^---+$")


def clean_inline(line: str) -> str:
    """Strip Markdown inline markup (links, bold, anchors, emphasis) and keep the words."""
    line = _ANCHOR.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _BOLD.sub(r"\1", line)
    stripped = line.strip()
    if len(stripped) > 2 and stripped.startswith("*") and stripped.endswith("*"):
        stripped = stripped[1:-1]
    return stripped


def _article_at(lines: list[str], i: int) -> str:
    """Return the article label if line i is a real article header, else "".

    A real header is an anchor after a blank line, then ``**第N条**`` alone on its line. The
    converter's spurious headers (cross-references in 読替え tables and at line starts) either
    follow text directly or carry text after the bold part.
    """
    match = _ARTICLE_LINE.match(lines[i].strip())
    if not match or not ARTICLE_RE.match(match.group(1)):
        return ""
    if i < 2 or not _ANCHOR.fullmatch(lines[i - 1].strip()) or lines[i - 2].strip():
        return ""
    return match.group(1)


def parse_markdown(text: str) -> tuple[str, tuple[Block, ...]]:
    """Return (title, blocks) of a Markdown document; the title is its first ``#`` heading."""
    if is_structured_law(text):
        return parse_structured_markdown(text)
    title = number = ""
    builder = StructureBuilder()
    lines = text.splitlines()
    is_law = bool(_ARTICLE_ANCHOR.search(text))
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if _ANCHOR.fullmatch(stripped) or _FOOTER.match(stripped):
            continue
        heading = _HEADING.match(stripped)
        if heading:
            words = clean_inline(heading.group(2))
            if any(words.startswith(stop) for stop in _STOP_HEADINGS):
                break
            if not title and len(heading.group(1)) == 1:
                title = words
            elif is_law and builder.article and not _STRUCTURAL.match(words):
                builder.add_line(words)  # a table cell of the article, not a section
                continue
            builder.start_heading("" if words == title else words)
            continue
        article = _article_at(lines, i)
        if article:
            builder.start_article(article)
            continue
        line = clean_inline(raw)
        preamble = title and not number and not builder.blocks and not builder.article
        if preamble and _LAW_NUMBER.match(line):
            number = line
            continue
        if line:
            builder.add_line(line)
    return title + number, builder.finish()
