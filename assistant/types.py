"""Frozen values that flow forward through the pipeline.

Loaders make ``SourceDocument``s, chunking turns them into ``Chunk``s, retrieval ranks chunks
into ``Hit``s and answering turns hits into an ``Answer`` with ``Citation``s. No stage hands a
LangChain, Chroma or Gradio object to the next one: those types stay in their adapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DocumentKind(StrEnum):
    """What kind of document a source is; users filter on it and citations show it."""

    LAW = "law"
    CABINET_ORDER = "cabinet_order"
    ORDINANCE = "ordinance"
    GUIDANCE = "guidance"
    ARTICLE = "article"
    OTHER = "other"


@dataclass(frozen=True)
class Block:
    """A run of original text that shares one structural location (article, heading, page).

    Loaders emit blocks rather than one string so that chunking never has to rediscover which
    article or page a sentence came from: the location travels with the text.
    """

    text: str
    article: str = ""
    heading: str = ""
    page: int | None = None
    paragraph: str = ""  # 項 as cited ("第三項"); empty when the article has only one
    item: str = ""  # 号 as cited ("第二号", "第二号イ"); empty for a paragraph's own sentences


@dataclass(frozen=True)
class SourceDocument:
    """One file as a loader read it: original text in structural blocks plus catalog data."""

    source: str
    title: str
    kind: DocumentKind
    blocks: tuple[Block, ...]
    sha256: str
    version: str = ""
    warnings: tuple[str, ...] = ()
    short_title: str = ""


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage with everything a citation needs to point back to it.

    ``text`` is the original text shown to users; ``search_text`` is its NFKC form, the only
    form that embedding and keyword search see.
    """

    chunk_id: str
    source: str
    title: str
    kind: DocumentKind
    text: str
    search_text: str
    position: int
    article: str = ""
    heading: str = ""
    page: int | None = None
    version: str = ""
    file_sha256: str = ""
    superseded_by: str = ""
    paragraph: str = ""  # "第三項", a span "第一項から第三項まで", or "" (whole article)
    item: str = ""  # "第二号", a span "第一号から第七号まで", or "" (no single item)

    @property
    def citation(self) -> str:
        """The provision as lawyers cite it: 第四十五条第三項第二号 (empty outside articles)."""
        return f"{self.article}{self.paragraph}{self.item}" if self.article else ""

    @property
    def location(self) -> str:
        """Human-readable place in the document: article, else page, else heading."""
        parts = [p for p in (self.article, self.heading) if p]
        if self.page is not None:
            parts.append(f"p.{self.page}")
        return " ".join(parts)


@dataclass(frozen=True)
class Hit:
    """A chunk ranked for one question; every score is "higher is better"."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    keyword_score: float | None = None


@dataclass(frozen=True)
class SearchFilter:
    """Restricts retrieval to some document kinds and/or some source files (empty = all)."""

    kinds: tuple[DocumentKind, ...] = ()
    sources: tuple[str, ...] = ()
    include_superseded: bool = False


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from an answer to the passage that supports it."""

    marker: int
    chunk: Chunk
    quote: str


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the citation marker of the passage it comes from."""

    text: str
    marker: int


@dataclass(frozen=True)
class Answer:
    """What the assistant says to one question.

    ``searched_query`` is the text actually searched for (it differs from ``question`` when a
    follow-up was rewritten from the conversation). When ``abstained`` is true ``sentences`` is
    empty and ``nearest`` lists what retrieval did find, so the user sees the evidence anyway.
    ``generated`` marks text written by an LLM (checked by overlap) rather than quoted verbatim.
    """

    question: str
    searched_query: str
    text: str
    abstained: bool
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    nearest: tuple[Hit, ...] = ()
    language: str = "ja"
    notes: tuple[str, ...] = field(default_factory=tuple)
    generated: bool = False
