"""Each law's definitions: the term, the provision that defines it, and the defining text.

A law means by 「特定重要物資」 or 「居住者」 exactly what its definition says, and an answer
that uses such a term can show that definition; query expansion reads the same table. Laws
define in three ways, all collected here:

- 「この法律において『X』とは、…をいう。」 (also in an item: 「一 『本邦』とは…をいう。」);
- 「…（以下『X』という。）」 in passing, often with a narrower scope (以下この条において);
- 「X（…をいう。以下同じ。）」 in passing: the commonest form, 特定社会基盤役務 in 推進法 第五十条
  (brackets that only point elsewhere, 「X（第七条に規定するXをいう。）」, define nothing);
- 「…を『X』として指定する」: 特定重要物資 is whatever 第七条 lets the 政令 designate;
- a list whose lead says 「次の各号に掲げる用語の意義は、当該各号に定めるところによる」,
  each item then reading 「一 金融指標 金融商品取引法第二条…をいう。」.

(``assistant.definitions`` scores how well a passage defines a term asked about; this module
lists what each law defines.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from assistant.japanese import split_sentences
from assistant.law.lines import has_paragraphs, located_lines
from assistant.law.numbering import paragraph_label
from assistant.law.references import Location
from assistant.types import Chunk

_MEANS = re.compile(r"「(?P<term>[^「」]{1,40})」とは")
_HEREAFTER = re.compile(r"以下[^「」（）。]{0,20}「(?P<term>[^「」]{1,40})」という")
_DESIGNATES = re.compile(r"を(?P<term>[^、。を「」（）]{2,20})として指定する")
# 「…ものを、その申請により、特定重要物資ごとに安定供給確保支援法人として指定する」: the
# designated term after a comma (and after ごとに); 「…対策を講ずる必要がある特定重要物資として
# 指定する」 designates a subset of a term, not the term, and has no 「を、」.
_DESIGNATES_AFTER_COMMA = re.compile(r"を、[^。「」]*?(?P<term>[一-龥ァ-ヴー]{2,20})として指定する")
_TERM_LIST = "用語の意義は"
# The term before 「（…をいう。…）」: a run of kanji and katakana (特定社会基盤役務).
_TERM_BEFORE = re.compile(r"[一-龥々〆ヵヶァ-ヴー]{2,30}$")
_POINTS_ELSEWHERE = re.compile(r"に規定する|に掲げる|に定める")
_LABELLED = re.compile(r"^\S+ (?P<term>[^\s「」。、]{1,30}) (?P<body>.+をいう。.*)$")


@dataclass(frozen=True)
class Definition:
    """A term as one provision defines it; ``chunk_id`` is the chunk holding that text."""

    term: str
    source: str
    article: str
    paragraph: str
    item: str
    text: str
    chunk_id: str = ""

    @property
    def citation(self) -> str:
        """The defining provision as cited: 第六条第一項第二号."""
        return f"{self.article}{self.paragraph}{self.item}"


@dataclass(frozen=True)
class DefinitionTable:
    """Every definition found, in corpus order; looked up by term."""

    definitions: tuple[Definition, ...] = ()

    def of(self, term: str, source: str | None = None) -> tuple[Definition, ...]:
        """Definitions of a term (in one document when source is given)."""
        return tuple(
            d for d in self.definitions if d.term == term and (source is None or d.source == source)
        )

    def terms(self) -> tuple[str, ...]:
        """Every defined term once, longest first (so a question matches 特定重要物資等 first)."""
        return tuple(sorted({d.term for d in self.definitions}, key=lambda t: (-len(t), t)))

    def to_json(self) -> str:
        """Serialize (to store beside the index)."""
        return json.dumps([asdict(d) for d in self.definitions], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> DefinitionTable:
        """Read what ``to_json`` wrote."""
        return cls(tuple(Definition(**d) for d in json.loads(text)))


def terms_defined_in(sentence: str, in_term_list: bool) -> list[str]:
    """The terms a sentence defines; in_term_list when its paragraph lists 用語の意義."""
    terms = [m.group("term") for m in _MEANS.finditer(sentence) if "をいう" in sentence]
    terms += [m.group("term") for m in _HEREAFTER.finditer(sentence)]
    terms += [m.group("term") for m in _DESIGNATES.finditer(sentence)]
    terms += [m.group("term") for m in _DESIGNATES_AFTER_COMMA.finditer(sentence)]
    terms += _defined_in_brackets(sentence)
    if in_term_list and not terms and (labelled := _LABELLED.match(sentence)):
        terms.append(labelled.group("term"))
    return list(dict.fromkeys(terms))


def _defined_in_brackets(sentence: str) -> list[str]:
    """Terms defined in passing: X（…をいう。…）, brackets matched (they nest in law text)."""
    terms: list[str] = []
    for start, char in enumerate(sentence):
        if char != "（" or not (before := _TERM_BEFORE.search(sentence[:start])):
            continue
        depth, end = 0, start
        for end in range(start, len(sentence)):
            depth += {"（": 1, "）": -1}.get(sentence[end], 0)
            if not depth:
                break
        # Only the outermost level says what X is; a nested bracket is another term's.
        flat = sentence[start + 1 : end]
        while (nested := re.sub(r"（[^（）]*）", "", flat)) != flat:
            flat = nested
        head = flat.split("をいう")[0]
        if "をいう" in flat and not _POINTS_ELSEWHERE.search(head[-30:]):
            terms.append(before.group(0))
    return terms


def _definitions_in(chunk: Chunk) -> list[Definition]:
    found: list[Definition] = []
    numbered = has_paragraphs(chunk)
    term_list: tuple[int, str] | None = None  # (paragraph, article) whose items define terms
    lines = list(located_lines(chunk))
    if lines and _TERM_LIST in chunk.search_text.split("\n", 1)[0]:  # lead carried in header
        term_list = (lines[0][0].paragraph, chunk.article)
    for where, line in lines:
        if _TERM_LIST in line and not where.item:
            term_list = (where.paragraph, where.article)
        listing = term_list == (where.paragraph, where.article) and bool(where.item)
        sentences = [line] if listing else split_sentences(line)
        for sentence in sentences:
            for term in terms_defined_in(sentence, listing):
                found.append(_definition(term, chunk, where, sentence, numbered))
    return found


def _definition(term: str, chunk: Chunk, where: Location, text: str, numbered: bool) -> Definition:
    paragraph = paragraph_label(where.paragraph) if numbered else ""
    return Definition(
        term, chunk.source, chunk.article, paragraph, where.item, text, chunk.chunk_id
    )


def collect_definitions(chunks: Sequence[Chunk]) -> DefinitionTable:
    """Every definition in the chunks of law texts, each once (overlapping chunks repeat text)."""
    seen: set[tuple[str, str, str, str, str]] = set()
    definitions: list[Definition] = []
    for chunk in chunks:
        if not chunk.article:
            continue
        for definition in _definitions_in(chunk):
            key = (
                definition.term,
                definition.source,
                definition.article,
                definition.paragraph,
                definition.item,
            )
            if key not in seen:
                seen.add(key)
                definitions.append(definition)
    return DefinitionTable(tuple(definitions))
