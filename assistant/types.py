"""Frozen values that flow forward through the pipeline.

Loaders make ``SourceDocument``s, chunking turns them into ``Chunk``s, retrieval ranks chunks
into ``Hit``s and answering turns hits into an ``Answer`` with ``Citation``s. No stage hands a
LangChain, Chroma or Gradio object to the next one: those types stay in their adapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np

from assistant.access.visibility import PUBLIC_TAG, VisibilityScope, public_scope


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

    # Who may read it (``assistant.access.visibility``): ``public``, ``staff`` or
    # ``group:NAME``; "" for a chunk stored before visibility existed (shown to admins only).
    visibility: str = PUBLIC_TAG

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
    """Restricts retrieval to some document kinds and/or some source files (empty = all), and
    always to the visibility tags of the user asking.

    ``scope`` defaults to public documents only: a caller that forgets to say who is asking
    sees less, never more. ``Assistant`` sets it from the signed-in principal.
    """

    kinds: tuple[DocumentKind, ...] = ()
    sources: tuple[str, ...] = ()
    include_superseded: bool = False
    scope: VisibilityScope = field(default_factory=public_scope)


@dataclass(frozen=True)
class ManifestEntry:
    """The committed state of one source file in the index (a domain record, not a store's).

    The UI lists documents from it and retrieval filters by it; every vector store keeps one
    per file, so it lives here rather than in an adapter.
    """

    source: str
    sha256: str
    chunk_ids: tuple[str, ...]
    title: str
    kind: DocumentKind
    version: str = ""
    superseded_by: str = ""
    path: str = ""
    pipeline: str = ""
    visibility: str = PUBLIC_TAG  # the tag every chunk of the file carries
    owner: str = ""  # the user who uploaded it; "" for files ingested from the command line


@dataclass(frozen=True)
class Query:
    """One question as every stage sees it, analysed once.

    Built by ``assistant.query`` before retrieval: the text is normalized, its language
    detected, embedded and tokenized exactly once, and each stage reads what it needs from
    here instead of redoing that work. ``question`` is what the user typed (shown back);
    ``text`` is what is searched (a follow-up rewritten with the conversation's subject).
    """

    question: str
    text: str
    search_text: str  # ``text`` with article numbers in kanji, as passages write them
    language: Literal["ja", "en"]
    keyword_text: str  # what keyword search reads: the topic of a follow-up, ``search_text``,
    # and the documents' terms for its words (Japanese forms of English terms, thesaurus)
    words: tuple[str, ...]  # keyword tokens of ``search_text``
    keyword_words: tuple[str, ...]  # keyword tokens of ``keyword_text``
    names: tuple[str, ...]  # proper nouns and acronyms of ``text``
    vector: np.ndarray = field(compare=False, repr=False)
    search_filter: SearchFilter = field(default_factory=SearchFilter)
    k: int = 5
    mode: str = "hybrid"
    kinds: frozenset[str] = frozenset()  # what is asked for: period, amount, penalty, who…
    # A follow-up's anchors: the chunk ids the turn it refers to was answered from, best
    # first (``rank.conversation``); empty for a question that stands on its own.
    anchors: tuple[str, ...] = ()
    # For a word of ``words`` that the thesaurus or a law's definitions translate (インフラ ->
    # 特定社会基盤), the keyword tokens of each of the documents' terms for it: a passage
    # using a whole term covers the word as if it used the word itself.
    equivalents: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()
    # The noun compounds of ``search_text`` (its words, as the documents would write them
    # whole): the abstention asks whether the index ever uses each.
    compounds: tuple[Compound, ...] = ()
    # The names of ``names`` that are countries (中国, 米国, 日本): the laws call them 外国 or
    # 本邦, so a passage may cover one without naming it (``answer.abstain``).
    countries: tuple[str, ...] = ()
    # Whether the question is searched with an earlier turn's subject (a follow-up): its own
    # words need not name what it is about.
    follow_up: bool = False

    @property
    def english(self) -> bool:
        """Whether the question is in English (answers and messages follow its language)."""
        return self.language == "en"


@dataclass(frozen=True)
class Compound:
    """A noun compound of a question (its normalized text, 「登記識別情報」) and the keyword
    tokens it splits into (登記, 識別, 情報)."""

    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    """How well the retrieved passages support an answer: the abstention signals."""

    dense: float
    coverage: float | None
    confidence: float
    # Noun compounds of the question no indexed passage uses (they weigh in ``coverage``).
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from an answer to the passage that supports it.

    ``references`` are the provisions the cited one names (前条, 第二十五条第一項, 法第七条) and
    ``referenced_by`` those naming it (its penalty, the order carrying it out), as the index's
    reference graph links them and as far as the asker may see them: a provision is read
    with these, so the sources panel lists them.
    """

    marker: int
    chunk: Chunk
    quote: str
    references: tuple[Chunk, ...] = ()
    referenced_by: tuple[Chunk, ...] = ()


@dataclass(frozen=True)
class DefinedTerm:
    """A term of the question or the answer as a law defines it: the defining provision's chunk,
    its 条・項・号 (``provision``) and the defining sentence as written."""

    term: str
    chunk: Chunk
    provision: str
    text: str


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
    ``ranked`` is every passage retrieval returned (the evaluation reads ranks from it) and
    ``evidence`` the signals the abstention decision was made on, so nothing is recomputed.
    ``definitions`` are the legal definitions of terms the question or answer uses.
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
    ranked: tuple[Hit, ...] = ()
    evidence: Evidence | None = None
    definitions: tuple[DefinedTerm, ...] = ()
