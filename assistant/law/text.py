"""A law's text as its structure: articles (条), paragraphs (項) and items (号, イ, （１）).

The loader builds this from the e-Gov Markdown; chunking sees it only as ``Block``s, and the
corpus check reads it directly (numbering gaps, empty articles). Labels are kept as printed
(２, 一, イ, （１）) and turned into citation form by ``assistant.law.numbering``.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.law.numbering import item_label, paragraph_label

DELETED = "削除"


@dataclass(frozen=True)
class Unit:
    """A paragraph's own sentences (``item == ()``) or one item, with its label path.

    ``item`` is the path of printed labels from the 号 down: ("二",), ("二", "イ"),
    ("二", "イ", "（１）"). Table rows stay one per line of ``text``.
    """

    text: str
    item: tuple[str, ...] = ()

    @property
    def rendered(self) -> str:
        """The text as shown to users, with its item label: 「一 抗菌性物質製剤」."""
        return f"{self.item[-1]} {self.text}" if self.item else self.text


@dataclass(frozen=True)
class Paragraph:
    """One 項: its number (1 for the unlabelled first), printed label and units in order."""

    number: int
    label: str
    units: tuple[Unit, ...]
    line: int


@dataclass(frozen=True)
class Article:
    """One 条 (or a 削除 range such as 第二条から第四条まで, or an unnumbered 附則 / 別表).

    ``supplement`` names the 附則 the article belongs to ("" in the main provisions), and
    ``supplement_index`` counts 附則 from 1 so that the 第一条 of two amending acts differ.
    """

    label: str
    heading: str
    paragraphs: tuple[Paragraph, ...]
    line: int
    supplement: str = ""
    supplement_index: int = 0

    @property
    def cited(self) -> str:
        """The article as cited: 第五十五条の八, 附則第一条, or 附則 for an unnumbered one."""
        if not self.supplement:
            return self.label
        return f"附則{self.label}"

    @property
    def deleted(self) -> bool:
        """Whether the article's whole text is 削除 (repealed, number kept)."""
        texts = [u.text for p in self.paragraphs for u in p.units]
        return texts == [DELETED] or texts == [DELETED + "。"]

    def paragraph_citation(self, paragraph: Paragraph) -> str:
        """第二項 when the article has several paragraphs; "" when it has only one."""
        return paragraph_label(paragraph.number) if len(self.paragraphs) > 1 else ""


@dataclass(frozen=True)
class Issue:
    """A problem the parser met: where (line, article) and what, for the corpus check."""

    line: int
    article: str
    message: str


@dataclass(frozen=True)
class LawText:
    """A parsed law file: identity from its front matter, articles in order, parse issues."""

    title: str
    number: str
    articles: tuple[Article, ...]
    law_id: str = ""
    revision_id: str = ""
    effective: str = ""
    source_url: str = ""
    issues: tuple[Issue, ...] = ()


def unit_item(unit: Unit) -> str:
    """The unit's item in citation form (第二号イ), "" for a paragraph's own sentences."""
    return item_label(unit.item)
