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


def referent_sentences(chunk: Chunk, index: int, earlier: Neighbour | None) -> list[str]:
    """The opening sentences of the paragraphs of its own article that sentence ``index`` of
    ``chunk`` refers to (前項, 同項, 第一項, 第二項第三号), nearest first; empty outside law text.

    A paragraph referring to itself (「この項」 is not parsed; 「同項」 after its own number) and
    references to other articles or laws are left out.
    """
    if chunk.kind not in LAW_KINDS or not chunk.article:
        return []
    located = list(_located_sentences(chunk))
    if not 0 <= index < len(located):
        return []
    where, sentence = located[index]
    context = Context(chunk.source, (chunk.article,))
    targets = [
        target
        for reference in parse_references(sentence, where, context)
        for target in reference.targets
        if target.document == chunk.source
        and target.article == chunk.article
        and target.paragraph > 0
        and (target.paragraph, target.item) != (where.paragraph, where.item)
    ]
    found: list[str] = []
    for target in dict.fromkeys(targets):
        current: Chunk | None = chunk
        for _ in range(MAX_CHUNKS_BACK + 1):
            if current is None or (current.source, current.article) != (
                chunk.source,
                chunk.article,
            ):
                break
            opening = _opening(current, target)
            if opening is not None:
                if opening != sentence and opening not in found:
                    found.append(opening)
                break
            current = earlier(current) if earlier else None
    return found
