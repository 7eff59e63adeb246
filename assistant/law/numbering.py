"""How provisions are numbered and cited: 第三項, 第二号イ, 第一号から第七号まで.

One module writes these labels (the loader, chunking) and reads them back (the reference graph),
so the format a chunk stores and the format a reference resolves against cannot drift apart.
Numbers compare as tuples: 第三号の二 is (3, 2), after 第三号 (3,) and before 第四号 (4,).
"""

from __future__ import annotations

import re
import unicodedata

from assistant.japanese import int_to_kanji, kanji_to_int

KANJI_NUMBER = r"[〇一二三四五六七八九十百千]+"
_NUMBER = re.compile(r"[〇一二三四五六七八九十百千0-9]+")
_TOP_ITEM = re.compile(rf"^第{KANJI_NUMBER}号(?:の{KANJI_NUMBER})*")
_SPAN = re.compile(r"^(?P<first>第.+?)から(?P<last>第.+?)まで$")


def number_key(label: str) -> tuple[int, ...]:
    """(3, 2) for 三の二 / 第三号の二 / ３: the numbers of a label, comparable as a tuple."""
    numbers = (kanji_to_int(n) for n in _NUMBER.findall(unicodedata.normalize("NFKC", label)))
    return tuple(n for n in numbers if n is not None)


def paragraph_label(number: int) -> str:
    """第三項 for 3: paragraphs are printed as ２, ３ but cited in kanji."""
    return f"第{int_to_kanji(number)}項"


def item_label(path: tuple[str, ...]) -> str:
    """第二号イ（１） for ("二", "イ", "（１）"); 第三号の二 for ("三の二",).

    The first label of the path is the 号 (a kanji numeral, possibly with の); sub-item labels
    (イ, （１）) are cited as printed, right after it.
    """
    if not path:
        return ""
    head, *rest = path
    if not re.match(KANJI_NUMBER, head):  # イ or （１） directly under a paragraph
        return "".join(path)
    if "から" in head:  # 「一から三まで　略」 in an amending act's 附則
        first, last = head.removesuffix("まで").split("から")
        return span_label(f"第{first}号", f"第{last}号")
    first, _, branch = head.partition("の")
    top = f"第{first}号" + (f"の{branch}" if branch else "")
    return top + "".join(rest)


def top_item(label: str) -> str:
    """第二号 for 第二号イ（１）: the 号 a sub-item belongs to ("" if the label has none)."""
    match = _TOP_ITEM.match(label)
    return match.group(0) if match else ""


def span_label(first: str, last: str) -> str:
    """第一号から第七号まで; just the label when first and last are the same."""
    return first if first == last else f"{first}から{last}まで"


def span_keys(label: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The number keys of a span's ends: ((1,), (7,)) for 第一号から第七号まで, None for ""."""
    if not label:
        return None
    match = _SPAN.match(label)
    first, last = (match.group("first"), match.group("last")) if match else (label, label)
    return number_key(first), number_key(last)


def summarize(labels: list[str]) -> str:
    """One label for a chunk's paragraphs or items: the only one, or first-to-last as a span.

    Sub-items of one 号 are cited as that 号 (第二号 for 第二号イ and 第二号ロ).
    """
    distinct = list(dict.fromkeys(label for label in labels if label))
    if not distinct:
        return ""
    if len(distinct) == 1:
        return distinct[0]
    tops = list(dict.fromkeys(top_item(label) or label for label in distinct))
    return span_label(tops[0], tops[-1])
