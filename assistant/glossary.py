"""The onboarding glossary: key terms, each defined by a sentence quoted from the corpus.

A new secondee needs the vocabulary before the law makes sense, and a definition written by
hand would be one more unchecked text. So the terms are listed here, but their definitions are
found by the retrieval code: each term is searched for, and the retrieved sentence that defines
it best (「X」とは…, …（以下「X」という。）, Xとは…) is quoted with its citation. Looking the terms
up takes a few seconds with the real model, so the result is cached in memory and on disk, keyed
by the index's content: it is rebuilt only after documents change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.definitions import definition_score
from assistant.japanese import split_sentences
from assistant.types import Hit

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)
GLOSSARY_FILE = "glossary.json"
# Bump when TERMS or the scoring changes, so that cached glossaries are rebuilt.
GLOSSARY_VERSION = "3"
QUOTE_LIMIT = 220
SEARCH_K = 10


@dataclass(frozen=True)
class Term:
    """A glossary term, the other names the corpus may use for it, and where it is used.

    ``context`` names the subject a term belongs to when the term alone is too common a word
    for retrieval to find its explanation (事前報告 is only explained for technology transfers).
    """

    name: str
    aliases: tuple[str, ...] = ()
    context: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the term, main name first."""
        return (self.name, *self.aliases)


TERMS: tuple[Term, ...] = (
    Term("特定重要物資"),
    Term("供給確保計画"),
    Term("安定供給確保支援法人"),
    Term("事前報告", context="重要技術の海外移転"),
    Term("施設委託管理者", ("GOCO",)),
    Term("特定社会基盤役務"),
    Term("特定社会基盤事業者"),
    Term("特定重要技術"),
    Term("保全指定"),
    Term("基本方針"),
    Term("装備品等"),
    Term("特定妨害行為"),
)

STARTER_QUESTIONS: tuple[str, ...] = (
    "施設委託管理者にはどのような法人が指定されますか？",
    "供給確保計画の認定を受けるには何が必要ですか？",
    "安定供給確保支援法人はどのような業務を行いますか？",
    "技術を海外へ移転する際の事前報告とはどのような枠組みですか？",
    "特許出願の非公開制度で保全指定をするのはどのような場合ですか？",
)


@dataclass(frozen=True)
class GlossaryEntry:
    """A term with the quoted sentence that defines it, or without one if none was found."""

    term: str
    aliases: tuple[str, ...]
    quote: str = ""
    source: str = ""
    title: str = ""
    location: str = ""
    chunk_id: str = ""

    @property
    def found(self) -> bool:
        """Whether a defining quotation was found in the corpus."""
        return bool(self.quote)

    @property
    def label(self) -> str:
        """The citation: document title and article, page or heading."""
        return f"{self.title} {self.location}".strip()


def _excerpt(sentence: str, names: tuple[str, ...]) -> str:
    """The sentence, shortened around the term when it is longer than QUOTE_LIMIT."""
    if len(sentence) <= QUOTE_LIMIT:
        return sentence
    position = min((sentence.find(n) for n in names if n in sentence), default=0)
    start = max(0, min(position - QUOTE_LIMIT // 2, len(sentence) - QUOTE_LIMIT))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + QUOTE_LIMIT < len(sentence) else ""
    return prefix + sentence[start : start + QUOTE_LIMIT] + suffix


def best_definition(term: Term, hits: list[Hit]) -> GlossaryEntry:
    """The best defining sentence among retrieved hits (ties go to the better-ranked hit)."""
    best: tuple[int, int, int] | None = None
    chosen: tuple[Hit, str] | None = None
    for rank, hit in enumerate(hits):
        for sentence in split_sentences(hit.chunk.text):
            score = definition_score(sentence, term.names)
            key = (score, -rank, -len(sentence))
            if score and (best is None or key > best):
                best, chosen = key, (hit, sentence)
    if chosen is None:
        return GlossaryEntry(term.name, term.aliases)
    hit, sentence = chosen
    return GlossaryEntry(
        term=term.name,
        aliases=term.aliases,
        quote=_excerpt(sentence, term.names),
        source=hit.chunk.source,
        title=hit.chunk.title,
        location=hit.chunk.location,
        chunk_id=hit.chunk.chunk_id,
    )


def look_up(assistant: Assistant, term: Term) -> GlossaryEntry:
    """Search the index for a term's definition and quote the best sentence found."""
    hits: dict[str, Hit] = {}
    queries = [f"「{name}」とは" for name in term.names] + [f"{term.name}として指定"]
    if term.context:
        queries.append(f"{term.context}の{term.name}")
    for query in queries:
        for hit in assistant.search(query, k=SEARCH_K):
            hits.setdefault(hit.chunk.chunk_id, hit)
    return best_definition(term, list(hits.values()))


def index_fingerprint(assistant: Assistant) -> str:
    """Changes whenever the indexed documents (or the term list) change."""
    parts = [GLOSSARY_VERSION, *(t.name + "/".join(t.aliases) for t in TERMS)]
    parts += [f"{e.source}:{e.sha256}:{e.pipeline}" for e in assistant.documents()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class Glossary:
    """The glossary of one Assistant, cached in memory and in ``<data_dir>/glossary.json``."""

    def __init__(self, assistant: Assistant, cache_path: Path | None = None) -> None:
        self._assistant = assistant
        self._path = cache_path or assistant.settings.data_dir / GLOSSARY_FILE
        self._lock = threading.Lock()
        self._cached: tuple[str, list[GlossaryEntry]] | None = None

    def entries(self) -> list[GlossaryEntry]:
        """The glossary for the current index, built at most once per index state."""
        key = index_fingerprint(self._assistant)
        with self._lock:
            if self._cached and self._cached[0] == key:
                return self._cached[1]
            entries = self._read(key)
            if entries is None:
                entries = [look_up(self._assistant, term) for term in TERMS]
                self._write(key, entries)
            self._cached = (key, entries)
            return entries

    def _read(self, key: str) -> list[GlossaryEntry] | None:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            return [GlossaryEntry(**{**e, "aliases": tuple(e["aliases"])}) for e in data["entries"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or damaged: rebuilt from the index

    def _write(self, key: str, entries: list[GlossaryEntry]) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            payload = {"key": key, "entries": [asdict(e) for e in entries]}
            self._path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:
            log.warning("cannot cache the glossary in %s: %s", self._path, exc)


def highlight_positions(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of the term's names in a quote (for highlighting), left to right, not overlapping."""
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return [m.span() for m in re.finditer(pattern, text)] if pattern else []
