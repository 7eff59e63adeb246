"""SourceDocument -> Chunks: Japanese-aware, structure-first, never cutting a sentence.

A chunk never crosses an article, a heading section or a page, so every chunk has exactly one
article, heading and page to cite. The blocks of one article (a law loader emits one per
paragraph's own text and per item) are read together: an article that fits the target size is
one chunk, a longer one is split at paragraph (項) boundaries, and only a paragraph longer than
the target is split inside, between whole sentences, with its last sentence(s) repeated at the
start of the next chunk (the overlap) so that a question about a boundary still finds both
halves in one passage. Each chunk records the 項 and 号 it holds, so a citation can name them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.japanese import normalize, split_sentences
from assistant.law.numbering import summarize
from assistant.types import Block, Chunk, SourceDocument

_DELETED = frozenset({"削除", "削除。"})
_HARD_MAX_FACTOR = 3


@dataclass(frozen=True)
class _Piece:
    """A sentence, whether a line break followed it, and the 項 and 号 it belongs to."""

    text: str
    line_end: bool
    paragraph: str = ""
    item: str = ""


def make_chunk_id(source: str, position: int, text: str, salt: str = "") -> str:
    """Derive a chunk id from content and position: unchanged text keeps its id.

    The salt (the indexing pipeline's fingerprint) changes every id when the embedding model or
    the chunking rules change, so stale embeddings are never reused.
    """
    key = f"{salt}\x00{source}\x00{position}\x00{text}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return digest[:32]


def _pieces(block: Block, hard_max: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for line in block.text.splitlines():
        sentences = split_sentences(line)
        for i, sentence in enumerate(sentences):
            for part in _split_overlong(sentence, hard_max):
                pieces.append(_Piece(part, False, block.paragraph, block.item))
            if i == len(sentences) - 1 and pieces:
                last = pieces[-1]
                pieces[-1] = _Piece(last.text, True, last.paragraph, last.item)
    return pieces


def _split_overlong(sentence: str, hard_max: int) -> list[str]:
    """Split a sentence longer than hard_max at 、 (a last resort for run-on table text)."""
    if len(sentence) <= hard_max:
        return [sentence]
    parts: list[str] = []
    current = ""
    for clause in sentence.replace("、", "、\x00").split("\x00"):
        if current and len(current) + len(clause) > hard_max:
            parts.append(current)
            current = ""
        current += clause
    if current:
        parts.append(current)
    return parts


def _join(pieces: list[_Piece]) -> str:
    return "".join(p.text + ("\n" if p.line_end else "") for p in pieces).strip()


def _pack(pieces: list[_Piece], size: int, overlap: int) -> list[list[_Piece]]:
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    length = 0
    for piece in pieces:
        if current and length + len(piece.text) > size:
            groups.append(current)
            carried: list[_Piece] = []
            for prev in reversed(current):
                if sum(len(p.text) for p in carried) + len(prev.text) > overlap:
                    break
                carried.insert(0, prev)
            current, length = carried, sum(len(p.text) for p in carried)
        current.append(piece)
        length += len(piece.text)
    if current:
        groups.append(current)
    return groups


def _articles(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Consecutive blocks of one article (same article, heading and page) as one group.

    Blocks outside articles (a heading section, a page of a guidance PDF) stay alone.
    """
    groups: list[list[Block]] = []
    for block in blocks:
        if block.text.strip() in _DELETED:
            continue
        previous = groups[-1][-1] if groups else None
        same = (
            previous is not None
            and block.article
            and (
                (previous.article, previous.heading, previous.page)
                == (block.article, block.heading, block.page)
            )
        )
        if same:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _paragraphs(pieces: list[_Piece]) -> list[list[_Piece]]:
    runs: list[list[_Piece]] = []
    for piece in pieces:
        if runs and runs[-1][-1].paragraph == piece.paragraph:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


def _pack_article(pieces: list[_Piece], size: int, overlap: int) -> list[list[_Piece]]:
    """Whole article if it fits; else whole paragraphs packed up to size, long ones split."""
    if sum(len(p.text) for p in pieces) <= size:
        return [pieces]
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    for run in _paragraphs(pieces):
        length = sum(len(p.text) for p in run)
        if current and sum(len(p.text) for p in current) + length > size:
            groups.append(current)
            current = []
        if length > size:
            groups.extend(_pack(run, size, overlap))
        else:
            current.extend(run)
    if current:
        groups.append(current)
    return groups


def _labels(group: list[_Piece], whole: bool) -> tuple[str, str]:
    """(paragraph, item) a chunk cites: empty for a whole article, spans for several."""
    if whole:
        return "", ""
    paragraphs = summarize([p.paragraph for p in group])
    several = len({p.paragraph for p in group}) > 1
    return paragraphs, "" if several else summarize([p.item for p in group])


def _lead(pieces: list[_Piece], group: list[_Piece]) -> str:
    """The paragraph's own first sentence when a chunk of its items does not include it.

    「次に掲げる物資を特定重要物資として指定する。」 says what the list is; the chunk holding
    items 八 to 十六 is found for 特定重要物資 only if its search text says so too.
    """
    if not group[0].item:
        return ""
    lead = next(
        (p for p in pieces if p.paragraph == group[0].paragraph and not p.item),
        None,
    )
    return lead.text if lead is not None and lead not in group else ""


def split_into_chunks(
    document: SourceDocument, size: int = 450, overlap: int = 80, id_salt: str = ""
) -> list[Chunk]:
    """Split a document into chunks of about ``size`` characters on sentence boundaries."""
    chunks: list[Chunk] = []
    title = document.short_title or document.title
    for blocks in _articles(document.blocks):
        block = blocks[0]
        pieces = [p for b in blocks for p in _pieces(b, size * _HARD_MAX_FACTOR)]
        groups = _pack_article(pieces, size, overlap)
        for group in groups:
            text = _join(group)
            position = len(chunks)
            paragraph, item = _labels(group, whole=len(groups) == 1)
            citation = f"{block.article}{paragraph}{item}"
            header = " ".join(
                p for p in (title, citation, block.heading, _lead(pieces, group)) if p
            )
            chunks.append(
                Chunk(
                    chunk_id=make_chunk_id(document.source, position, text, id_salt),
                    source=document.source,
                    title=document.title,
                    kind=document.kind,
                    text=text,
                    search_text=normalize(f"{header}\n{text}"),
                    position=position,
                    article=block.article,
                    heading=block.heading,
                    page=block.page,
                    version=document.version,
                    file_sha256=document.sha256,
                    paragraph=paragraph,
                    item=item,
                )
            )
    return chunks
