"""Cross-references in a provision: 第N条第M項第K号, 前条, 前項, 同条, 同項, 次条, 前各号, 法第N条.

A provision that says 「前条第一項の規定により…」 or 「第二十五条第一項の規定による許可を
受けないで」 means nothing without the provision it names. These pure functions read such
expressions and resolve them against where they stand (``Location``) and what document they are
in (``Context``): 法 in an order or ordinance is the law it implements, 令 is that law's cabinet
order; 同法, 特許法 or a law number in brackets name some other law, which is not resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.japanese import int_to_kanji, kanji_to_int
from assistant.law.numbering import KANJI_NUMBER, number_key

_N = KANJI_NUMBER
_REFERENCE = re.compile(
    rf"(?P<prefix>附則|法|令)?"
    rf"(?:(?P<rel_article>前条|次条|同条|前(?P<n_articles>{_N})条)"
    rf"|第(?P<article>{_N}条(?:の{_N})*))?"
    rf"(?:(?P<rel_paragraph>前各項|前項|次項|同項|前(?P<n_paragraphs>{_N})項)"
    rf"|第(?P<paragraph>{_N})項)?"
    rf"(?:(?P<rel_item>前各号|前号|次号|同号|前(?P<n_items>{_N})号)"
    rf"|第(?P<item>{_N}号(?:の{_N})*))?"
)
# A law's number in brackets (「特許法（昭和三十四年法律第百二十一号）」) cites another law,
# and its 第N号 is no item.
_LAW_NUMBER = re.compile(rf"(?:明治|大正|昭和|平成|令和)(?:元|{_N})年[^第。、（）]{{0,20}}第{_N}号")
# 「（…をいう。第五十二条において同じ。）」「（第八条の二第一項において「X」という。）」: the
# provisions named say where a definition applies, not what this provision depends on.
_SCOPE_AFTER = re.compile(
    rf"(?:(?:及び|並びに|、|又は)(?:第{_N}(?:条|項|号)(?:の{_N})*|前条|次条|前項|次項|同条|同項)+)*"
    r"において(?:同じ|「)"
)
# What joins a reference to the one before it in a list; 「第三号から第十号まで、第十二号」 goes
# on after a range's まで.
_CONNECTOR = re.compile(r"^(?:まで)?(?:又は|及び|若しくは|並びに|、|から|或いは)$")
_OTHER_LAW_END = ("法", "令", "則", "約", "定", "律")
_CJK = re.compile(r"[\u3400-\u9fff\u30a0-\u30ff]")


@dataclass(frozen=True)
class Target:
    """A provision a reference points at; paragraph 0 and item "" mean the whole of the level."""

    document: str
    article: str
    paragraph: int = 0
    item: str = ""


@dataclass(frozen=True)
class Reference:
    """One reference as written (``text``) and the provisions it resolves to, in order."""

    text: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Location:
    """Where a sentence stands: its article, paragraph number and item ("" outside items)."""

    article: str
    paragraph: int = 1
    item: str = ""


@dataclass(frozen=True)
class Context:
    """The document a provision is in: its file, the law (法) and order (令) it may cite, and
    its articles in order (for 前条, 次条 and ranges such as 第二条から第四条まで)."""

    document: str
    articles: tuple[str, ...] = ()
    law: str | None = None
    order: str | None = None


def _mask_law_numbers(text: str) -> str:
    return _LAW_NUMBER.sub(lambda m: "＃" * len(m.group(0)), text)


def _named_before(text: str, start: int, prefix: str | None) -> str:
    """Which law a reference belongs to, from what precedes it: "" (this document), "法" (the
    law an order implements), "令" (its cabinet order) or "other" (特許法第三条, 同法第二条).

    A name in brackets that says 「以下「法」という」 makes the reference the implemented law's
    (施行令 第一条: 「…に関する法律（…以下「法」という。）第七条」).
    """
    before = text[:start]
    if prefix in ("法", "令"):
        return "other" if before and _CJK.match(before[-1]) else prefix
    if before.endswith("）"):
        inner = before[before.rfind("（") :]
        for short in ("法", "令"):
            if f"「{short}」という" in inner:
                return short
        return "other" if "＃" in inner else ""
    return "other" if before.endswith(_OTHER_LAW_END) else ""


def _step_article(context: Context, article: str, step: int) -> list[str]:
    """The articles ``step`` places before (negative) or after (positive) an article."""
    if article not in context.articles:
        return []
    i = context.articles.index(article)
    if step < 0:
        return list(context.articles[max(0, i + step) : i])
    return list(context.articles[i + 1 : i + 1 + step])


def _article_range(context: Context, first: str, last: str) -> list[str]:
    if first in context.articles and last in context.articles:
        i, j = context.articles.index(first), context.articles.index(last)
        return list(context.articles[i : j + 1])
    return [first, last]


def _items(first: int, last: int) -> list[str]:
    return [f"第{int_to_kanji(n)}号" for n in range(first, last + 1)]


def _counts_from_here(match: re.Match[str]) -> bool:
    """前項, 次項, 前各項, 前号, 前各号 …: relative to where the reference stands, not to the
    provision named just before it (「第五条及び前項」 is this article's previous paragraph)."""
    paragraph, item = match.group("rel_paragraph"), match.group("rel_item")
    return (
        not match.group("article")
        and not match.group("rel_article")
        and (bool(paragraph and paragraph != "同項") or bool(item and item != "同号"))
    )


@dataclass
class _Resolver:
    """Resolves the references of one provision in order, remembering the last one (同条)."""

    context: Context
    where: Location
    last: Target | None = None
    last_end: int = -1

    def resolve(self, text: str, match: re.Match[str], prefix: str) -> list[Target]:
        here = _counts_from_here(match)
        listed = (
            not here
            and self.last is not None
            and bool(_CONNECTOR.match(text[self.last_end : match.start()]))
        )
        same = match.group("rel_article") == "同条" or (
            not match.group("article")
            and not match.group("rel_article")
            and not here
            and (
                listed
                or match.group("rel_paragraph") == "同項"
                or match.group("rel_item") == "同号"
            )
        )
        if same and self.last is None:
            return []
        document = self.context.document
        if prefix == "法" and self.context.law:
            document = self.context.law
        elif prefix == "令" and self.context.order:
            document = self.context.order
        elif prefix in ("法", "令"):
            return []
        elif same and self.last is not None:
            document = self.last.document
        articles = self._articles(match, document, listed)
        if articles is None:
            return []
        paragraphs = self._paragraphs(match, listed)
        items = self._items(match)
        return [
            Target(document, a, p, i)
            for a in articles
            for p in paragraphs or [0]
            for i in items or [""]
        ]

    def _articles(self, match: re.Match[str], document: str, listed: bool) -> list[str] | None:
        relative = match.group("rel_article")
        if match.group("article"):
            return [f"第{match.group('article')}"]
        if relative == "同条":
            return [self.last.article] if self.last else None
        if relative in ("前条", "次条"):
            return _step_article(self.context, self.where.article, -1 if relative == "前条" else 1)
        if relative:
            return _step_article(
                self.context, self.where.article, -(kanji_to_int(match.group("n_articles")) or 0)
            )
        if listed and self.last is not None:
            return [self.last.article]
        if self.last is not None and (
            match.group("rel_paragraph") == "同項" or match.group("rel_item") == "同号"
        ):
            return [self.last.article]
        return [self.where.article] if document == self.context.document else None

    def _paragraphs(self, match: re.Match[str], listed: bool) -> list[int]:
        relative = match.group("rel_paragraph")
        here = self.where.paragraph
        if match.group("paragraph"):
            return [kanji_to_int(match.group("paragraph")) or 0]
        if relative == "前項":
            return [here - 1] if here > 1 else []
        if relative == "次項":
            return [here + 1]
        if relative == "同項":
            return [self.last.paragraph] if self.last else []
        if relative == "前各項":
            return list(range(1, here))
        if relative:
            count = kanji_to_int(match.group("n_paragraphs")) or 0
            return list(range(max(1, here - count), here))
        explicit_article = match.group("article") or match.group("rel_article")
        if not explicit_article and match.group("item") and self.last is not None and listed:
            return [self.last.paragraph]
        if not explicit_article and (match.group("item") or match.group("rel_item")):
            return [here]
        return []

    def _items(self, match: re.Match[str]) -> list[str]:
        relative = match.group("rel_item")
        here = number_key(self.where.item)[:1]
        if match.group("item"):
            return [f"第{match.group('item')}"]
        if relative == "同号":
            return [self.last.item] if self.last and self.last.item else []
        if relative == "前号" and here:
            return _items(here[0] - 1, here[0] - 1)
        if relative == "次号" and here:
            return _items(here[0] + 1, here[0] + 1)
        if relative == "前各号":
            return _items(1, here[0] - 1) if here else []
        if relative and here and match.group("n_items"):
            count = kanji_to_int(match.group("n_items")) or 0
            return _items(max(1, here[0] - count), here[0] - 1)
        return []


def parse_references(text: str, where: Location, context: Context) -> list[Reference]:
    """The references in a sentence or line, resolved against where it stands.

    References to other laws and to 附則 are left out: the first are not in the corpus under
    that number, and 附則 articles restart their numbering in every amending act. So are the
    provisions a definition's scope names (「以下第五十二条において同じ」): nothing there
    depends on them.
    """
    masked = _mask_law_numbers(text)
    resolver = _Resolver(context, where)
    references: list[Reference] = []
    previous: Reference | None = None
    for match in _REFERENCE.finditer(masked):
        written = match.group(0)
        if not written or written in ("法", "令", "附則") or match.group("prefix") == "附則":
            continue
        named = _named_before(masked, match.start(), match.group("prefix"))
        if named == "other" or _SCOPE_AFTER.match(masked, match.end()):
            resolver.last, resolver.last_end, previous = None, match.end(), None
            continue
        targets = resolver.resolve(masked, match, named)
        if previous is not None and masked[resolver.last_end : match.start()] == "から":
            targets = _through(context, previous.targets[-1], targets)
            references[-1] = Reference(
                previous.text + "から" + written, (*previous.targets, *targets)
            )
        elif targets:
            references.append(Reference(written, tuple(targets)))
        if targets:
            resolver.last, resolver.last_end = targets[-1], match.end()
            previous = references[-1]
    return [r for r in references if r.targets]


def _through(context: Context, first: Target, last_targets: list[Target]) -> list[Target]:
    """The targets after ``first`` up to the range's end (第一項から第三項まで, 第二条から前条まで)."""
    if not last_targets:
        return []
    last = last_targets[-1]
    if first.article != last.article:
        middle = _article_range(context, first.article, last.article)[1:]
        return [Target(last.document, a) for a in middle[:-1]] + [last]
    if first.paragraph and last.paragraph and not last.item:
        return [
            Target(last.document, last.article, p)
            for p in range(first.paragraph + 1, last.paragraph + 1)
        ]
    first_item, last_item = number_key(first.item)[:1], number_key(last.item)[:1]
    if first_item and last_item:
        return [
            Target(last.document, last.article, last.paragraph, i)
            for i in _items(first_item[0] + 1, last_item[0])
        ]
    return [last]
