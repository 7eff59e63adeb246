"""The subject index (事項索引): the provisions a scheme's everyday name refers to.

A law book's subject index sends a reader looking for 「技術移転の事前報告」 to 外為法第五十五条の八,
外国為替令第十八条の八 and 貿易関係貿易外取引等に関する省令第十条, because none of them says
技術 or 移転: the law lets the minister ask for a report on any 「取引、行為又は支払等」, the order
says how the matters to report are specified, the ordinance that they are named 「告示又は通知する
方法により」. Only a reader who knows the scheme connects its name to these texts; keyword search
cannot (no shared word) and neither can the embedding (外為法第三十条, on technology-import
contracts, is closer to 「技術」 than any of them). ``corpus/subjects.yaml`` writes that knowledge
down, reviewed by hand like the thesaurus: one entry per scheme the product covers whose
statutes do not name it, never one per question.

An entry is asked about when the question holds every word of one of its ``asked_as`` groups
(NFKC, lower case, as substrings: 「technolog」 matches technology and technologies). A group
names the scheme by its parts (what, where to, which act), so a question on reporting about a
research technology, with no transfer abroad in it, is not sent to the foreign-exchange law.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.catalog import read_corpus_yaml
from assistant.errors import ConfigError
from assistant.japanese import normalize

SUBJECTS_FILE = "subjects.yaml"


@dataclass(frozen=True)
class Provision:
    """One article of one document: ``source`` is the file name chunks carry."""

    source: str
    article: str


@dataclass(frozen=True)
class Subject:
    """A scheme, the word groups that ask about it, and the provisions that make it up."""

    name: str
    asked_as: tuple[tuple[str, ...], ...]
    provisions: tuple[Provision, ...]

    def held_in(self, folded: str) -> bool:
        """Whether ``folded`` (NFKC, lower case) holds every word of one of the groups."""
        return any(all(word in folded for word in group) for group in self.asked_as)


@dataclass(frozen=True)
class SubjectIndex:
    """Every subject of ``corpus/subjects.yaml`` (empty when the file is absent)."""

    subjects: tuple[Subject, ...] = ()

    def asked_in(self, text: str) -> tuple[Subject, ...]:
        """The subjects a question asks about, in the file's order (the text folded once)."""
        folded = normalize(text).lower()
        return tuple(s for s in self.subjects if s.held_in(folded))


def load_subjects(corpus_dir: Path) -> SubjectIndex:
    """Read corpus_dir/subjects.yaml; a malformed entry is a ConfigError naming the file and
    the entry, since the file is edited by hand."""
    path = corpus_dir / SUBJECTS_FILE
    raw = read_corpus_yaml(path, "subjects", [])
    if raw is None:
        return SubjectIndex()
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a top-level 'subjects' list")
    return SubjectIndex(tuple(_subject(path, i, entry) for i, entry in enumerate(raw, 1)))


def _subject(path: Path, number: int, entry: object) -> Subject:
    if not isinstance(entry, dict) or not isinstance(entry.get("subject"), str):
        raise ConfigError(f"{path}: entry {number} needs a 'subject' name")
    name = entry["subject"]
    where = f"{path}: subject {name!r}"
    groups = entry.get("asked_as")
    if not isinstance(groups, list) or not groups:
        raise ConfigError(f"{where}: 'asked_as' must be a list of word lists")
    asked_as: list[tuple[str, ...]] = []
    for group in groups:
        if not isinstance(group, list) or not group:
            raise ConfigError(f"{where}: each 'asked_as' group must be a list of words")
        if not all(isinstance(w, str) and w.strip() for w in group):
            raise ConfigError(f"{where}: 'asked_as' words must be non-empty strings")
        asked_as.append(tuple(normalize(w.strip()).lower() for w in group))
    listed = entry.get("provisions")
    if not isinstance(listed, list) or not listed:
        raise ConfigError(f"{where}: 'provisions' must list at least one provision")
    provisions: list[Provision] = []
    for provision in listed:
        file = provision.get("file") if isinstance(provision, dict) else None
        article = provision.get("article") if isinstance(provision, dict) else None
        if not isinstance(file, str) or not isinstance(article, str) or not file or not article:
            raise ConfigError(f"{where}: each provision needs a 'file' and an 'article'")
        provisions.append(Provision(Path(file).name, article))
    return Subject(name, tuple(asked_as), tuple(provisions))
