"""Lists in the passages quoted: which sentence introduces which items, within and across chunks.

Law text marks its lists. Every 号 starts a line with its label (「一 抗菌性物質製剤」), every
sub-item with イ or （１）, so a line's depth (``law.lines.line_depth``) says which list it belongs
to: the items of a sentence are the lines deeper than it that follow, whatever they end with
(「肥料」 or 「…適正な競争が確保されるものであること。」), and its introducer is the nearest
line above that is shallower. A long article's list runs over several chunks (施行令 第一条's
sixteen 物資 in two), so a list reaching the end of its chunk goes on in the next chunk of the
same article, and one a chunk opens with began in the chunk before.

Other documents mark nothing. There an item is a line without 。 (in a law without labels, also
a clause ending in とき。 or こと。), and it belongs to the sentence above the items that names
what follows (次に掲げる…, 次の方法…).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.japanese import split_sentences
from assistant.law.lines import line_depth
from assistant.types import Chunk, DocumentKind

_LIST_INTRODUCER = re.compile(r"次(?:の|に)|以下の(?:とおり|各号)")
# How law items that are full clauses end: a condition (とき), a requirement (こと), a thing or
# person described (もの, 者). "…ものとする。" and "…することができる。" are statements.
_ITEM_ENDING = re.compile(r"(?:とき|こと|もの|者)。$")
LAW_KINDS = frozenset({DocumentKind.LAW, DocumentKind.CABINET_ORDER, DocumentKind.ORDINANCE})
MAX_LIST_ITEMS = 16

# The chunk before or after a chunk in its document (None at either end).
Neighbour = Callable[[Chunk], Chunk | None]


def sentence_depths(chunk: Chunk) -> list[int] | None:
    """The depth of each sentence's line in a law chunk with labelled items; else None."""
    if chunk.kind not in LAW_KINDS:
        return None
    depths = [
        line_depth(line.strip()) for line in chunk.text.splitlines() for _ in split_sentences(line)
    ]
    return depths if any(depths) else None


def is_list_item(sentence: str, law: bool) -> bool:
    """Whether a sentence is an item of a list rather than a statement of its own.

    An item without 。 ("費用の負担区分") is one in any document. In law text an item may be a
    full clause that ends in 。 and still state nothing alone: a condition ("…虚偽の報告をした
    とき。") or a requirement ("…適切であること。") means something only under the sentence
    that introduces its list ("次の各号のいずれかに該当するときは、…罰金に処する。").
    """
    return not sentence.endswith("。") or (law and bool(_ITEM_ENDING.search(sentence)))


def is_item(chunk: Chunk, index: int) -> bool:
    """Whether the chunk's ``index``-th sentence is a list item (by its line's depth in
    labelled law text, else by its form: ``is_list_item``)."""
    depths = sentence_depths(chunk)
    if depths is not None:
        return depths[index] > 0
    return is_list_item(split_sentences(chunk.text)[index], chunk.kind in LAW_KINDS)


def _lead_in(chunk: Chunk, before: int, depth: int | None = None) -> int | None:
    """The introducer above position ``before``: an index, ``-1`` when every sentence above is
    an item (the introducer, if any, is in the chunk before), or None when there is none.

    In labelled law text it is the nearest sentence shallower than ``depth`` (the item's own
    depth). Elsewhere an item that opens a sub-list ("…に関する次に掲げる事項") is skipped like
    any item: the sentence that opens the whole list says what the list is about.
    """
    sentences = split_sentences(chunk.text)
    depths = sentence_depths(chunk)
    if depth is None and depths is not None and before >= len(depths):
        depths = None  # below the chunk's end, for an item of unknown depth: read as unlabelled
    if depths is not None:
        limit = depths[before] if depth is None else depth
        above = [i for i in range(before) if depths[i] < limit]
        return above[-1] if above else -1
    law = chunk.kind in LAW_KINDS
    for index in range(before - 1, -1, -1):
        if not is_list_item(sentences[index], law):
            return index if _LIST_INTRODUCER.search(sentences[index]) else None
    return -1


def introducer_of(chunk: Chunk, index: int) -> int | None:
    """The sentence introducing the list that item ``index`` belongs to, if in the chunk.

    "費用の負担区分" quoted alone does not say that it is something the contract must state;
    "契約において、次に掲げる事項を定める" does, and its items follow it in the answer.
    """
    if not is_item(chunk, index):
        return None
    lead = _lead_in(chunk, index)
    return None if lead is None or lead < 0 else lead


def leads_of(chunk: Chunk, index: int, earlier: Neighbour | None) -> list[tuple[Chunk, int]]:
    """The sentences above item ``index`` that say what it is an item of, outermost first.

    In labelled law text that is each enclosing item up to the paragraph (「…次のイ及びロに
    適合するものであること。」 above イ, and the paragraph above both); otherwise the one
    introducer. The chain reaches into the chunk before when the list began there.
    """
    chain: list[tuple[Chunk, int]] = []
    current, position = chunk, index
    while is_item(current, position) and len(chain) < 3:
        lead = _lead_in(current, position)
        if lead is None:
            break
        if lead < 0:
            before = earlier(current) if earlier else None
            depths = sentence_depths(current)
            found = _lead_before_depth(current, before, depths[position] if depths else None)
            if before is None or found is None:
                break
            current, lead = before, found
        chain.append((current, lead))
        position = lead
    return chain[::-1]


def _lead_before_depth(chunk: Chunk, before: Chunk | None, depth: int | None) -> int | None:
    if before is None or not _same_article(chunk, before):
        return None
    lead = _lead_in(before, len(split_sentences(before.text)), depth)
    return None if lead is None or lead < 0 else lead


def list_items_after(chunk: Chunk, index: int) -> list[str]:
    """The item lines that follow sentence ``index`` when it introduces a list (in the chunk)."""
    sentences = split_sentences(chunk.text)
    depths = sentence_depths(chunk)
    if depths is not None:
        end = _list_end(depths, index)
        return sentences[index + 1 : end][:MAX_LIST_ITEMS]
    if not _LIST_INTRODUCER.search(sentences[index]):
        return []
    items: list[str] = []
    for sentence in sentences[index + 1 :]:
        if sentence.endswith("。") or len(items) >= MAX_LIST_ITEMS:
            break
        items.append(sentence)
    return items


def _list_end(depths: Sequence[int], index: int) -> int:
    end = index + 1
    while end < len(depths) and depths[end] > depths[index]:
        end += 1
    return end


def items_continued(chunk: Chunk, index: int, later: Neighbour | None) -> list[tuple[Chunk, str]]:
    """The items of sentence ``index``'s list that the following chunks hold.

    A list that runs to the end of its chunk in labelled law text goes on in the next chunk of
    the same article while that chunk's lines are deeper than the introducer (a new paragraph
    or the next article ends it). Chunks overlap by a sentence, so the next may repeat the last.
    """
    depths = sentence_depths(chunk) if later else None
    sentences = split_sentences(chunk.text)
    if later is None or _list_end(depths or [0] * len(sentences), index) < len(sentences):
        return []
    depth = depths[index] if depths else 0
    if depths is None and not _LIST_INTRODUCER.search(sentences[index]):
        return []
    found: list[tuple[Chunk, str]] = []
    current, count = chunk, len(sentences) - index - 1
    while (following := later(current)) is not None and _same_article(current, following):
        going = sentence_depths(following)
        texts = split_sentences(following.text)
        start = 0
        while start < len(texts) and texts[start] in sentences:
            start += 1  # the overlap with the chunk before
        if not going or start >= len(texts):
            break
        end = next((i for i in range(start, len(going)) if going[i] <= depth), len(going))
        for text in texts[start:end]:
            if count >= MAX_LIST_ITEMS:
                return found
            found.append((following, text))
            count += 1
        if end < len(going):
            break
        current, sentences = following, texts
    return found


def _same_article(chunk: Chunk, other: Chunk) -> bool:
    return other.source == chunk.source and other.article == chunk.article and bool(chunk.article)
