"""Japanese text handling shared by chunking, retrieval and answering.

Search sees NFKC-normalized text (full-width ＡＢＣ and half-width ｶﾅ fold into one form), users
see the original. Sentences end at 。！？ only outside brackets: law text is full of
"（以下「基本方針」という。）", and cutting there would split a sentence in the middle.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_OPEN = "（(「『【〔［["
_CLOSE = "）)」』】〕］]"
_TERMINATORS = "。！？!?"
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def normalize(text: str) -> str:
    """Return the NFKC form used for indexing and matching (never shown to users)."""
    return unicodedata.normalize("NFKC", text)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at 。！？ outside brackets and at line breaks.

    Line breaks count as boundaries because the sources put one paragraph (項) or item (号) per
    line, and items carry no 。 of their own. Returned sentences keep their original characters
    (stripped of surrounding whitespace) so that they can be quoted verbatim.
    """
    return list(_sentences_of(text))


@functools.lru_cache(maxsize=16_384)
def _sentences_of(text: str) -> tuple[str, ...]:
    # Cached: ranking and answering split the same passages question after question.
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(line))
    return tuple(sentences)


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(line):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _TERMINATORS and depth == 0:
            # A closing bracket right after the terminator belongs to this sentence.
            end = i + 1
            while end < len(line) and line[end] in "」』）)":
                end += 1
            piece = line[start:end].strip()
            if piece:
                out.append(piece)
            start = end
    rest = line[start:].strip()
    if rest:
        out.append(rest)
    return out


def is_english(text: str) -> bool:
    """Guess whether a question is written in English (to answer an abstention in English)."""
    japanese = len(_JAPANESE.findall(text))
    latin_words = len(_LATIN_WORD.findall(text))
    return (japanese == 0 and latin_words >= 1) or (latin_words >= 3 and japanese < latin_words)


_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


def kanji_to_int(text: str) -> int | None:
    """Convert a kanji numeral such as 四十五 to 45 (None if it is not one).

    Article numbers are written in kanji in the sources; users type 第45条 as often as 第四十五条.
    """
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        elif ch in _KANJI_UNITS:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
        else:
            return None
    return total + current if text else None


def int_to_kanji(number: int) -> str:
    """45 -> 四十五, 12345 -> 一万二千三百四十五: the numeral style of Japanese statutes.

    Any text's Arabic numerals pass through here (``kanji_article_numbers``), so a number of
    any size must convert: 「第3条の100000」 in a user's question or a PDF crashed every
    answer quoting it while only numbers below 10,000 were handled.
    """
    if number < 0:
        raise ValueError(f"no kanji numeral for a negative number: {number}")
    for value, unit in ((10**12, "兆"), (10**8, "億"), (10**4, "万")):
        if number >= value:
            high, low = divmod(number, value)
            return int_to_kanji(high) + unit + (int_to_kanji(low) if low else "")
    if number == 0:
        return "〇"
    digits = "〇一二三四五六七八九"
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, value)
        if count:
            out += ("" if count == 1 else digits[count]) + unit
    return out + (digits[number] if number else "")


_ARABIC_ARTICLE = re.compile(r"第?([0-9]+)条(?:の([0-9]+))?(?:第([0-9]+)項)?")


def kanji_article_numbers(text: str) -> str:
    """Rewrite 55条の8 / 第45条 as 第五十五条の八 / 第四十五条, as the statutes write them.

    Users type Arabic numerals; the law texts use kanji, so without this a question about
    "外為法55条の8" would match the article text only by luck.
    """

    def replace(match: re.Match[str]) -> str:
        article = f"第{int_to_kanji(int(match.group(1)))}条"
        if match.group(2):
            article += f"の{int_to_kanji(int(match.group(2)))}"
        if match.group(3):
            article += f"第{int_to_kanji(int(match.group(3)))}項"
        return article

    return _ARABIC_ARTICLE.sub(replace, normalize(text))
