"""Where each line of a law chunk stands: its article, paragraph number and item.

``assistant.ingest.law`` starts a paragraph after the first with its printed number (「２ …」)
and an item with its label (「一 …」); a chunk's ``paragraph`` and ``item`` say where its first
line is. Together they place every line, which relative references (前項, 前各号) and
definitions (第二条第二項第三号) need.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.law.numbering import (
    KANJI_NUMBER,
    item_label,
    number_key,
    paragraph_label,
    span_keys,
    top_item,
)
from assistant.law.references import Location
from assistant.types import Chunk

_PARAGRAPH_LINE = re.compile(r"^([0-9０-９]+) ")
_ITEM_LINE = re.compile(rf"^({KANJI_NUMBER}(?:の{KANJI_NUMBER})*) ")
# The labels of the three levels of items, as the loader prints them: 「一 」 (号, also
# 「三の二 」 and an amending act's 「一から三まで 」), 「イ 」, 「（１） 」.
_ITEM_LEVELS = (
    re.compile(rf"^{KANJI_NUMBER}(?:の{KANJI_NUMBER})*(?:から{KANJI_NUMBER}まで)? "),
    re.compile(r"^[ァ-ヺ] "),
    re.compile(r"^[（(](?:[0-9０-９]+|[〇一二三四五六七八九十]+)[）)] "),
)


def located_lines(chunk: Chunk) -> Iterator[tuple[Location, str]]:
    """Each line of a chunk with the paragraph and item it stands in."""
    keys = span_keys(chunk.paragraph)
    paragraph = keys[0][0] if keys and keys[0] else 1
    lines = chunk.text.splitlines()
    item = top_item(chunk.item.split("から")[0])
    labels = [item_label((m.group(1),)) for line in lines if (m := _ITEM_LINE.match(line))]
    if item and item in labels and not _ITEM_LINE.match(lines[0]):
        item = ""  # the chunk starts with its paragraph's own sentences, then the first item
    for line in lines:
        if match := _PARAGRAPH_LINE.match(line):
            paragraph, item = (number_key(match.group(1)) or (paragraph,))[0], ""
        elif match := _ITEM_LINE.match(line):
            item = item_label((match.group(1),))
        yield Location(chunk.article, paragraph, item), line


def line_depth(line: str) -> int:
    """How deep a line of a law chunk stands: 0 a paragraph, 1 a 号, 2 イ, 3 （１）.

    A list is the lines deeper than the line introducing it, so depth alone says where an
    enumeration ends, whatever its items end with (「肥料」 or 「…であること。」).
    """
    for depth, label in enumerate(_ITEM_LEVELS, start=1):
        if label.match(line):
            return depth
    return 0


def has_paragraphs(chunk: Chunk) -> bool:
    """Whether the chunk's article has numbered paragraphs (so 第一項 is worth citing)."""
    return bool(chunk.paragraph) or any(
        _PARAGRAPH_LINE.match(line) for line in chunk.text.splitlines()
    )


def quoted_provision(chunk: Chunk, quote: str) -> tuple[str, str]:
    """(paragraph, item) of the line a quote comes from: what a citation of it should name.

    A chunk may hold 第一号 to 第九号; a quote of 「三 永久磁石」 is 第三号. Falls back to the
    chunk's own labels when the quote spans lines or is not found.
    """
    numbered = has_paragraphs(chunk)
    for where, line in located_lines(chunk):
        if quote and quote.strip() in line:
            paragraph = paragraph_label(where.paragraph) if numbered else ""
            return paragraph, where.item
    return chunk.paragraph, chunk.item
