"""SourceDocument -> Chunks: Japanese-aware, structure-first, never cutting a sentence.

Blocks (one article, one heading section, one page) are never merged, so every chunk has exactly
one article, heading and page to cite. Inside a block, whole sentences are packed up to the
target size; the last sentence(s) of a chunk are repeated at the start of the next one (the
overlap) so that a question about a boundary still finds both halves in one passage.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.japanese import normalize, split_sentences
from assistant.types import Block, Chunk, SourceDocument

_DELETED = frozenset({"削除", "削除。"})
_HARD_MAX_FACTOR = 3


@dataclass(frozen=True)
class _Piece:
    """A sentence and whether a line break followed it in the original."""

    text: str
    line_end: bool


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
                pieces.append(_Piece(part, False))
            if i == len(sentences) - 1 and pieces:
                pieces[-1] = _Piece(pieces[-1].text, True)
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


def split_into_chunks(
    document: SourceDocument, size: int = 450, overlap: int = 80, id_salt: str = ""
) -> list[Chunk]:
    """Split a document into chunks of about ``size`` characters on sentence boundaries."""
    chunks: list[Chunk] = []
    for block in document.blocks:
        if block.text.strip() in _DELETED:
            continue
        for group in _pack(_pieces(block, size * _HARD_MAX_FACTOR), size, overlap):
            text = _join(group)
            position = len(chunks)
            title = document.short_title or document.title
            header = " ".join(p for p in (title, block.article, block.heading) if p)
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
                )
            )
    return chunks
