"""The corpus check: every law parses, articles run in order, nothing is empty or doubled.

A law text that lost an article, left one empty or numbered two paragraphs alike would be cited
wrongly without any error: answers would name the wrong provision. Catching that needs no model
and no index, so CI runs it before the tests (``assistant corpus check``). A gap in article
numbers is fine only where the text says so (「第七条から第九条まで　削除」); 附則 are checked for
doubles and order only, since amending acts' 附則 are printed in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.catalog import CATALOG_FILE, Catalog
from assistant.ingest.law import is_structured_law, parse_law
from assistant.law.numbering import number_key
from assistant.law.text import Article, LawText
from assistant.subjects import SUBJECTS_FILE, load_subjects
from assistant.types import DocumentKind

_LAW_KINDS = (DocumentKind.LAW, DocumentKind.CABINET_ORDER, DocumentKind.ORDINANCE)
_CORPUS_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with the file and article it is in (article "" = the whole file)."""

    file: str
    article: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.article}" if self.article else self.file
        return f"{where}: {self.message}"


def _span(article: Article) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """First and last article number a heading covers (第二条から第四条まで: (2,), (4,))."""
    first, _, last = article.label.replace("及び", "から").partition("から")
    return number_key(first), number_key(last or first)


def _is_numbered(article: Article) -> bool:
    return article.label.startswith("第") and "条" in article.label


def _order(file: str, articles: list[Article], gaps: bool) -> list[Problem]:
    problems: list[Problem] = []
    previous: tuple[int, ...] = (0,)
    for article in articles:
        first, last = _span(article)
        if first <= previous:
            kind = "duplicate" if first == previous else "out of order"
            problems.append(Problem(file, article.cited, f"{kind} article number"))
        elif gaps and first[0] > previous[0] + 1:
            problems.append(
                Problem(file, article.cited, "articles missing before it (no 削除 says so)")
            )
        previous = max(previous, last)
    return problems


def _paragraphs(file: str, article: Article) -> list[Problem]:
    problems: list[Problem] = []
    seen: list[int] = []
    for paragraph in article.paragraphs:
        if paragraph.number in seen:
            problems.append(Problem(file, article.cited, f"duplicate paragraph {paragraph.label}"))
        elif seen and paragraph.number < seen[-1]:
            problems.append(
                Problem(file, article.cited, f"paragraph {paragraph.label} out of order")
            )
        seen.append(paragraph.number)
    if not any(unit.text.strip() for p in article.paragraphs for unit in p.units):
        problems.append(Problem(file, article.cited, "empty article (no text)"))
    return problems


def check_law(file: str, law: LawText) -> list[Problem]:
    """Problems in one parsed law: parse issues, numbering, empty articles and paragraphs."""
    problems = [Problem(file, i.article, f"line {i.line}: {i.message}") for i in law.issues]
    main = [a for a in law.articles if not a.supplement and _is_numbered(a)]
    problems += _order(file, main, gaps=True)
    supplements = {a.supplement_index for a in law.articles if a.supplement}
    for index in sorted(supplements):
        numbered = [a for a in law.articles if a.supplement_index == index and _is_numbered(a)]
        problems += _order(file, numbered, gaps=False)
    for article in law.articles:
        problems += _paragraphs(file, article)
    return problems


def _corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in _CORPUS_SUFFIXES and p.name != CATALOG_FILE
    )


def check_corpus(corpus_dir: Path, catalog: Catalog) -> list[Problem]:
    """Problems in a corpus folder: the catalog against the files, every law file, and the
    subject index's provisions (a renamed file or renumbered article would silently stop a
    scheme's statutes from being found)."""
    files = _corpus_files(corpus_dir)
    names = {p.name for p in files}
    articles: dict[str, set[str]] = {}
    problems = [
        Problem(entry.file, "", "listed in the catalog but the file does not exist")
        for entry in catalog.entries
        if entry.name not in names
    ]
    for path in files:
        entry = catalog.get(path.name)
        if entry is None:
            problems.append(Problem(path.name, "", f"not listed in {CATALOG_FILE}"))
            continue
        if entry.kind not in _LAW_KINDS or path.suffix.lower() != ".md":
            continue
        text = path.read_text(encoding="utf-8")
        if not is_structured_law(text):
            problems.append(Problem(path.name, "", "not in the structured law layout"))
            continue
        law = parse_law(text)
        articles[path.name] = {a.label for a in law.articles if not a.supplement}
        problems += check_law(path.name, law)
    return problems + _subject_problems(corpus_dir, articles)


def _subject_problems(corpus_dir: Path, articles: dict[str, set[str]]) -> list[Problem]:
    """Each provision of subjects.yaml names a law file of the corpus and one of its articles."""
    problems: list[Problem] = []
    for subject in load_subjects(corpus_dir).subjects:
        for provision in subject.provisions:
            where = f"subject {subject.name!r}: {provision.source} {provision.article}"
            if provision.source not in articles:
                problems.append(Problem(SUBJECTS_FILE, "", f"{where}: no such law file"))
            elif provision.article not in articles[provision.source]:
                problems.append(Problem(SUBJECTS_FILE, "", f"{where}: no such article"))
    return problems
