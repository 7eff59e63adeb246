"""Which items of a list a document's provisions are limited to, as the document itself says.

Two ministries' ordinances carry out the same article of 推進法 in the same words: 「法第九条第一項
の規定により供給確保計画…の認定を受けようとする者は、…申請書を経済産業大臣に提出しなければ
ならない」 and 「…厚生労働大臣及び経済産業大臣に提出しなければならない」. Which of them applies
depends on the product: the METI ordinance says so at its first use of the term,
「供給確保計画（令第一条第三号から第十号まで、第十二号及び第十四号から第十六号までに掲げる
特定重要物資に係るものに限る。以下同じ。）」, and 令第一条 lists the products (三 永久磁石, 六
半導体素子及び集積回路, …). A question naming one of them (「永久磁石の供給確保計画」「弊社は半導体
メーカーです」) is therefore about the ordinance whose stated scope holds it, and not about the
one whose scope leaves it out (「抗菌薬」, 第一号 抗菌性物質製剤).

These pure functions read such a limit (a parenthesis citing items of a list, 「…に限る。以下同じ。」,
which makes it the whole document's) and the list's items, and tell which items a question
names: by the words that only one item of the list uses (半導体 for 第六号, ロボット for 第四号;
航空機, shared by 第五号 and 第十四号, names neither).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.law.lines import located_lines
from assistant.law.references import Context, Location, parse_references
from assistant.types import Chunk

# 「（令第一条第三号から第十号まで…に掲げる特定重要物資に係るものに限る。以下同じ。）」
_LIMIT = re.compile(r"[（(]([^（）()]*?に掲げる[^（）()]*?に限る。以下同じ。)[）)]")
_ITEM_LABEL = re.compile(r"^\S+\s+")
_WORD = re.compile(r"[\u3400-\u9fff\u30a0-\u30ff]{2,}")


@dataclass(frozen=True)
class StatedScope:
    """A document's provisions are limited to ``items`` of the list at ``listing``."""

    document: str
    listing: tuple[str, str]  # (document, article) of the list
    items: frozenset[str]  # 第三号, 第四号, …


def stated_scopes(
    chunks: Iterable[Chunk], context_of: Callable[[str], Context]
) -> list[StatedScope]:
    """Each document's first stated limit to items of a list (none for most documents)."""
    found: dict[str, StatedScope] = {}
    for chunk in chunks:
        if not chunk.article or chunk.source in found or "に限る。以下同じ" not in chunk.text:
            continue  # (a substring test first: a library of 100,000 chunks is read once)
        for match in _LIMIT.finditer(chunk.text):
            references = parse_references(
                match.group(1), Location(chunk.article), context_of(chunk.source)
            )
            listed: dict[tuple[str, str], set[str]] = {}
            for target in (t for r in references for t in r.targets if t.item):
                listed.setdefault((target.document, target.article), set()).add(target.item)
            if listed:
                listing, items = max(listed.items(), key=lambda pair: len(pair[1]))
                found[chunk.source] = StatedScope(chunk.source, listing, frozenset(items))
                break
    return list(found.values())


def listed_items(chunks: Sequence[Chunk]) -> dict[str, str]:
    """The top-level items of a list article's chunks: 第三号 -> 永久磁石."""
    items: dict[str, str] = {}
    for chunk in chunks:
        for where, line in located_lines(chunk):
            # a top-level item (第三号), not a branch of one (第三号の二) or its first line only
            if where.item and "の" not in where.item and where.item not in items:
                items[where.item] = _ITEM_LABEL.sub("", line, count=1)
    return items


def item_words(
    items: dict[str, str], words: Callable[[str], Sequence[str]]
) -> dict[str, frozenset[str]]:
    """For each item, the words (kanji or katakana, two characters or more) no other item of
    the list uses: what names that item and no other."""
    own = {
        label: frozenset(w for w in words(text) if _WORD.fullmatch(w))
        for label, text in items.items()
    }
    counts = Counter(w for ws in own.values() for w in ws)
    return {label: frozenset(w for w in ws if counts[w] == 1) for label, ws in own.items()}


def named_items(vocabulary: dict[str, frozenset[str]], question_words: Iterable[str]) -> set[str]:
    """The items a question names by one of their own words."""
    asked = set(question_words)
    return {label for label, ws in vocabulary.items() if ws & asked}
