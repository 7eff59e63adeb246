"""What a law sentence's paragraph references stand for, when scoring it against a question.

A paragraph often names its subject only by pointing at another paragraph of its article:
「９ 主務大臣は、前項に規定する報告書の提出を受けたときは、…国会に報告しなければならない。」
is about the 安定供給確保支援法人基金 report that 第八項 describes, and 「６ 主務大臣は、第一項
の規定による指定をした特定重要物資…について、備蓄その他…の措置を講ずるものとする。」 about the
物資 that 第一項 designates for 特別の対策. Read alone, such a sentence shares few words with a
question put in the referent's terms (「支援法人から基金の報告書を受け取ったあと」), so the
sentence that answers loses to one that merely repeats the question's words. Quoting therefore
counts a question word as present when the paragraph the sentence names contains it, as a bare
list item counts its introducer's words (``lists.leads_of``). Only paragraphs of the sentence's
own article are followed: they are reached through the chunk and the chunks before it, and they
are what 前項, 同項 and 第N項 without an article mean.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.answer.lists import LAW_KINDS, Neighbour
from assistant.japanese import split_sentences
from assistant.law.lines import located_lines
from assistant.law.references import Context, Location, Target, parse_references
from assistant.types import Chunk

# How many chunks before a sentence's own are searched for the paragraph it names: a long
# article's chunks (one or a few paragraphs each) run to about this many.
MAX_CHUNKS_BACK = 12


def _located_sentences(chunk: Chunk) -> Iterator[tuple[Location, str]]:
    """Each sentence of a law chunk with where it stands, in ``split_sentences`` order."""
    for where, line in located_lines(chunk):
        for sentence in split_sentences(line):
            yield where, sentence


def _opening(chunk: Chunk, target: Target) -> str | None:
    """The first sentence of the paragraph (or item) ``target`` names, if ``chunk`` holds it."""
    for where, sentence in _located_sentences(chunk):
        if where.paragraph == target.paragraph and where.item == target.item:
            return sentence
    return None


def referent_sentences(chunk: Chunk, earlier: Neighbour | None) -> list[list[str]]:
    """For each sentence of ``chunk`` (in ``split_sentences`` order), the opening sentences of
    the paragraphs of its own article it refers to (前項, 同項, 第一項, 第二項第三号), nearest
    first; all empty outside law text.

    References to other articles or laws are left out, and so is a sentence's own paragraph.
    """
    if chunk.kind not in LAW_KINDS or not chunk.article:
        return [[] for _ in split_sentences(chunk.text)]
    located = list(_located_sentences(chunk))
    found: list[list[str]] = [[] for _ in located]
    context = Context(chunk.source, (chunk.article,))
    for index, (where, sentence) in enumerate(located):
        if "項" not in sentence:  # every form followed names a 項
            continue
        targets = [
            target
            for reference in parse_references(sentence, where, context)
            for target in reference.targets
            if target.document == chunk.source
            and target.article == chunk.article
            and target.paragraph > 0
            and (target.paragraph, target.item) != (where.paragraph, where.item)
        ]
        for target in dict.fromkeys(targets):
            opening = _find_opening(chunk, target, earlier)
            if opening is not None and opening != sentence and opening not in found[index]:
                found[index].append(opening)
    return found


def _find_opening(chunk: Chunk, target: Target, earlier: Neighbour | None) -> str | None:
    """``target``'s first sentence, from ``chunk`` or the chunks before it in its article."""
    current: Chunk | None = chunk
    for _ in range(MAX_CHUNKS_BACK + 1):
        if current is None or (current.source, current.article) != (chunk.source, chunk.article):
            return None
        opening = _opening(current, target)
        if opening is not None:
            return opening
        current = earlier(current) if earlier else None
    return None
