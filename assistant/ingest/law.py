"""Loader for structured law text: the e-Gov Markdown with ``### 第N条`` and bold labels.

The format (see corpus-candidates/laws-current/README.md): YAML front matter with the law
number, revision id and effective date; ``## `` for 編・章, 附則, 別表 and 様式; ``### `` for
節 and for each 条; a paragraph number (**２**) or an item label (**一**, **イ**, **（１）**)
alone on a bold line before its text; each sentence of a paragraph on its own line; tables
flattened into one ``> `` line. Reading the labels instead of guessing from the text is what
lets a chunk say which 項 and 号 it holds and a quote keep its 「一 抗菌性物質製剤」.

Nothing here raises on odd input: a label or heading it cannot read is kept as text and
recorded as an ``Issue``, which ``assistant corpus check`` reports and ingest tolerates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from assistant.ingest.law_tables import split_table_rows
from assistant.law.numbering import KANJI_NUMBER, number_key
from assistant.law.text import Article, Issue, LawText, Paragraph, Unit, unit_item
from assistant.types import Block

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_ARTICLE_HEADING = re.compile(
    rf"^(?P<label>第{KANJI_NUMBER}条(?:の{KANJI_NUMBER})*"
    rf"(?:(?:から|及び)第{KANJI_NUMBER}条(?:の{KANJI_NUMBER})*(?:まで)?)?)"
    r"[\s　]*(?P<caption>[（(].*[）)])?$"
)
_DIVISION = re.compile(rf"^第{KANJI_NUMBER}[編章節款目](?:の{KANJI_NUMBER})*(?:[\s　]|$)")
_SUPPLEMENT = re.compile(r"^附[\s　]*則[\s　]*(?P<act>.*)$")
_APPENDIX = re.compile(r"^(?:別表|別紙|別記|様式|別紙様式)")
_BOLD_LINE = re.compile(r"^\*\*(?P<label>[^*]+)\*\*$")
_META_LINE = re.compile(r"^\*\*[^*]+:\*\*")
_PARAGRAPH = re.compile(r"^[0-9０-９]+$")
_ITEM_LEVELS = (
    re.compile(rf"^{KANJI_NUMBER}(?:の{KANJI_NUMBER})*(?:から{KANJI_NUMBER}まで)?$"),
    re.compile(r"^[ァ-ヺ]$"),
    re.compile(r"^[（(](?:[0-9０-９]+|[〇一二三四五六七八九十]+)[）)]$"),
)


def is_structured_law(text: str) -> bool:
    """Whether a Markdown text uses this layout (front matter with law_id, or ### 第N条)."""
    match = _FRONT_MATTER.match(text)
    if match and "law_id:" in match.group(1):
        return True
    return bool(re.search(rf"^### 第{KANJI_NUMBER}条", text, re.MULTILINE))


@dataclass
class _Open:
    """The article being read: its paragraphs, the current paragraph's units and item path."""

    label: str
    heading: str
    line: int
    supplement: str
    supplement_index: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    number: int = 1
    paragraph_label: str = ""
    paragraph_line: int = 0
    units: list[Unit] = field(default_factory=list)
    path: tuple[str, ...] = ()
    lines: list[str] = field(default_factory=list)
    rows: list[bool] = field(default_factory=list)
    labelled: bool = False  # an item label was read and its text not yet closed
    empty_items: list[str] = field(default_factory=list)

    def close_unit(self) -> None:
        if self.labelled and not self.lines:
            self.empty_items.append(self.path[-1])
        self.labelled = False
        if not self.lines:
            return
        text = ""
        for i, (line, row) in enumerate(zip(self.lines, self.rows, strict=True)):
            if i and (row or self.rows[i - 1]):
                text += "\n"
            elif i and not text.endswith("。"):
                text += " "
            text += line
        self.units.append(Unit(text, self.path))
        self.lines, self.rows = [], []

    def close_paragraph(self) -> None:
        self.close_unit()
        if self.units or self.paragraph_label:
            line = self.paragraph_line or self.line
            self.paragraphs.append(
                Paragraph(self.number, self.paragraph_label, tuple(self.units), line)
            )
        self.units, self.path = [], ()

    def article(self) -> Article:
        self.close_paragraph()
        return Article(
            self.label,
            self.heading,
            tuple(self.paragraphs),
            self.line,
            self.supplement,
            self.supplement_index,
        )


@dataclass
class _Reader:
    """Line-by-line state: where in the law we are and what has been read."""

    chapter: str = ""
    section: str = ""
    caption: str = ""
    supplement: str = ""
    supplement_index: int = 0
    current: _Open | None = None
    articles: list[Article] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def heading(self) -> str:
        if self.supplement:
            return self.supplement
        return " ".join(p for p in (self.chapter, self.section, self.caption) if p)

    def close(self) -> None:
        if self.current is not None:
            article = self.current.article()
            self.issues.extend(
                Issue(article.line, article.cited, f"item {label} has no text")
                for label in self.current.empty_items
            )
            if article.paragraphs or article.label.startswith("第"):  # empty 様式 go
                self.articles.append(article)
        self.current = None

    def open(self, label: str, line: int) -> _Open:
        self.close()
        heading = self.heading()
        self.current = _Open(label, heading, line, self.supplement, self.supplement_index)
        return self.current

    def ensure_open(self, line: int) -> _Open:
        """The current article; text outside any (附則 without 条, 別表 items) opens one."""
        return self.current or self.open("", line)

    def issue(self, line: int, message: str) -> None:
        where = self.current.label if self.current else ""
        self.issues.append(Issue(line, where, message))


def _major_heading(reader: _Reader, words: str, line: int) -> None:
    """A ``## `` heading: a chapter, a 附則, a 別表 or 様式 (which becomes its own provision)."""
    reader.close()
    reader.section = reader.caption = ""
    supplement = _SUPPLEMENT.match(words)
    if supplement:
        reader.supplement_index += 1
        act = supplement.group("act").strip()
        reader.supplement = f"附則{act}" if act else _supplement_name(reader.supplement_index)
        reader.chapter = ""
        return
    reader.supplement = ""
    if _APPENDIX.match(words):
        reader.chapter = words
        reader.open(words.replace(" ", "").replace("　", ""), line)
        return
    if not _DIVISION.match(words):
        reader.issue(line, f"unrecognised heading {words!r}")
    reader.chapter = words


def _supplement_name(index: int) -> str:
    """附則 for the enacting act's (always first), 附則（改正法その2）… for later amending acts."""
    return "附則" if index == 1 else f"附則（改正法その{index - 1}）"


def _minor_heading(reader: _Reader, words: str, line: int) -> None:
    """A ``### `` heading: an article (第N条, with an optional caption) or a 節."""
    match = _ARTICLE_HEADING.match(words)
    if match:
        reader.close()
        reader.caption = match.group("caption") or ""
        reader.open(match.group("label"), line)
        return
    reader.close()
    if not _DIVISION.match(words):
        reader.issue(line, f"unrecognised heading {words!r}")
    reader.section = words
    reader.caption = ""


def _label(reader: _Reader, label: str, line: int) -> bool:
    """A bold label line: start a paragraph or an item; False if it is no known label."""
    if _PARAGRAPH.match(label):
        current = reader.ensure_open(line)
        current.close_paragraph()
        number = number_key(label)
        current.number = number[0] if number else current.number + 1
        current.paragraph_label, current.paragraph_line = label, line
        return True
    for level, pattern in enumerate(_ITEM_LEVELS):
        if pattern.match(label):
            current = reader.ensure_open(line)
            current.close_unit()
            current.path = (*current.path[:level], label)
            current.labelled = True
            return True
    return False


def _text_line(reader: _Reader, stripped: str, line: int) -> None:
    current = reader.ensure_open(line)
    if stripped.startswith(">"):
        for row in split_table_rows(stripped.lstrip("> ").strip()):
            current.lines.append(row)
            current.rows.append(True)
        return
    current.lines.append(stripped)
    current.rows.append(False)


def parse_law(text: str) -> LawText:
    """Parse a structured law file into articles, paragraphs and items (never raises)."""
    meta: dict[str, object] = {}
    body = text
    front = _FRONT_MATTER.match(text)
    if front:
        loaded = yaml.safe_load(front.group(1))
        meta = loaded if isinstance(loaded, dict) else {}
        body = text[front.end() :]
    offset = text[: len(text) - len(body)].count("\n")
    reader = _Reader()
    title = number = ""
    for index, raw in enumerate(body.splitlines(), start=offset + 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("---") or stripped.startswith("*Generated"):
            continue
        if stripped.startswith("# "):
            title = title or stripped[2:].strip()
        elif stripped.startswith("## "):
            _major_heading(reader, stripped[3:].strip(), index)
        elif stripped.startswith("### "):
            _minor_heading(reader, stripped[4:].strip(), index)
        elif _META_LINE.match(stripped):
            if stripped.startswith("**法令番号:**"):
                number = stripped.split("**", 2)[2].strip()
        elif (bold := _BOLD_LINE.match(stripped)) and _label(reader, bold["label"], index):
            continue
        else:
            if bold:
                reader.issue(index, f"unreadable label {bold['label']!r}")
            _text_line(reader, stripped, index)
    reader.close()
    return LawText(
        title=title,
        number=str(meta.get("law_num") or number),
        articles=tuple(reader.articles),
        law_id=str(meta.get("law_id") or ""),
        revision_id=str(meta.get("law_revision_id") or ""),
        effective=str(meta.get("enforcement_date") or ""),
        source_url=str(meta.get("source") or ""),
        issues=tuple(reader.issues),
    )


def law_blocks(law: LawText) -> tuple[Block, ...]:
    """One block per paragraph's own text and per item, labelled as it is cited.

    A paragraph after the first starts with its printed number (「２ 前項の…」) and an item
    with its label (「一 抗菌性物質製剤」), as statute books print them: a quote then says
    which item it is, and the reference graph can tell where each line of a chunk sits.
    """
    blocks: list[Block] = []
    for article in law.articles:
        several = len(article.paragraphs) > 1
        for paragraph in article.paragraphs:
            for i, unit in enumerate(paragraph.units):
                text = unit.rendered
                if i == 0 and several and paragraph.label:
                    text = f"{paragraph.label} {text}"
                blocks.append(
                    Block(
                        text=text,
                        article=article.cited,
                        heading=article.heading,
                        paragraph=article.paragraph_citation(paragraph),
                        item=unit_item(unit),
                    )
                )
    return tuple(blocks)


def parse_structured_markdown(text: str) -> tuple[str, tuple[Block, ...]]:
    """(title with law number, blocks): what ``parse_markdown`` returns for other layouts."""
    law = parse_law(text)
    number = f"（{law.number}）" if law.number else ""
    return law.title + number, law_blocks(law)
