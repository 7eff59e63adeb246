"""Texts for comparing the compact tokenizer with `tokenizers`, from real and made-up sources.

* every line and sentence of the shipped corpus (statutes, an article, term lists), and the
  corpus files in 2,000-character windows (past the 512-token limit);
* JSQuAD's validation questions and paragraphs and the govfaq passages, where ../shared has
  them (a machine without them compares the rest);
* English sentences, and made-up strings that stress the normalizer and the unknown-token
  rules: control characters, odd spaces, full-width and half-width forms, emoji, unassigned
  and private-use code points, combining marks, the special tokens spelled inside text;
* seeded random strings drawn from all of those.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

from tests.embedding.parity_texts import PARITY_PASSAGES, PARITY_QUERIES

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "benchmarks"
JSQUAD = SHARED / "jsquad-v1.3-valid.json"
GOVFAQ = SHARED / "govfaq-dev" / "corpus"
_SENTENCE_END = re.compile(r"(?<=[。！？!?.])\s*")

EDGE_CASES = [
    "",
    " ",
    "   ",
    "\t",
    "\n",
    "a  b\t\tc\n\nd\r\ne",
    " leading and trailing ",
    "passage: ",
    "query: ",
    "\x00\x01\x02\x1f\x7f\x80\x9f",
    "制御\x01文字\x1bを含む\x7f文",
    "ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟ ｱｲｳｴｵ ｰ ･",
    "ＡＢＣ１２３！？（全角）　と　半角 ABC123!?()",
    "～〜~ ㋿ ꟲꟳꟴ ꭩ 𐞁𐞂 🅬 🯰🯱🯹",
    "😀😀😀 👩‍👩‍👧‍👦 👍🏽 🇯🇵🇺🇸 ❤️",
    "\U000e0001\U000e0002\U000e0003",
    "\U00100000\U0010fffd\ue000\uf8ff",
    "\u0378\u0379\u0380 \U0003134b",
    "e\u0301 a\u0300\u0316 \u0915\u093c ｶ\u3099",
    "<s>",
    "</s>",
    "<s><s></s>",
    "a<s>b</s>c<unk>d<pad>e<mask>f",
    "<s </s <un <unk>> <<s>>",
    "＜s＞ ＜/s＞ ＜unk＞ ＜mask＞",
    "▁ ▁▁ a▁b ▁start",
    "\u200b\u200c\u200d\u2028\u2029\ufeff\ufffd",
    "\u3000全角スペース\u3000\u3000",
    "\u00a0no-break\u00a0space",
    "𠮷野家 𩸽 〆 々 ヶ",
    "①②③ ⅠⅡⅢ ㍻ ㌔ ㈱ ℃ №",
    "Ǆ ǅ ǆ ﬁ ﬂ ß ẞ İ ı",
    "アイウエオ" * 300,
    "日本国憲法 " * 400,
    "x" * 3000,
    "a b " * 700,
    "🙂" * 600,
]

_POOLS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    ".,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`",
    " \t\n\r\u3000\u00a0\u2028\u200b\u2581",
    "".join(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0)])),
    "".join(map(chr, range(0xFF01, 0xFF5F))),
    "".join(map(chr, range(0xFF61, 0xFFA0))) + "\u3099\u309a",
    "".join(map(chr, range(0x3041, 0x3097))) + "".join(map(chr, range(0x30A1, 0x30FB))),
    "経済安全保障推進法特定重要物資供給確保基本指針政令省令外国為替貿易管理",
    "😀😃😄👍👍🏽👩‍👩‍👧🇯🇵❤️🙂\U0001f9ff\U0001fa70",
    "".join(map(chr, range(0x0300, 0x0370))),
    "\u0378\u0380\U0003134b\U000e0001\ue000\U00100000\u32ff\ua7f2\uab69\U00010781\U0001fbf0",
    "ÀÉÎÕÜçñøåæœßǅﬁ①Ⅻ㍻㌔㈱℃№",
]
_SPECIAL_SNIPPETS = ["<s>", "</s>", "<unk>", "<pad>", "<mask>", "<s", "s>", "▁", "  "]


def fuzz_texts(count: int, seed: int = 17) -> list[str]:
    """Seeded random strings mixing the character pools and the special tokens' spellings."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.08:
                parts.append(rng.choice(_SPECIAL_SNIPPETS))
            else:
                pool = rng.choice(_POOLS)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 8))))
        texts.append("".join(parts))
    return texts


def _lines_and_sentences(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if line.strip():
            yield line
            parts = [p for p in _SENTENCE_END.split(line) if p]
            if len(parts) > 1:
                yield from parts


def _windows(text: str, size: int = 2000) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def corpus_texts() -> list[str]:
    """Every line and sentence of the shipped corpus, and its files in long windows."""
    texts: list[str] = []
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.is_file() and path.suffix in {".md", ".txt", ".yaml"}:
            text = path.read_text(encoding="utf-8")
            texts.extend(_lines_and_sentences(text))
            texts.extend(_windows(text))
    return texts


def jsquad_texts() -> list[str]:
    """JSQuAD validation questions and paragraphs, with the e5 prefixes; [] if absent."""
    if not JSQUAD.is_file():
        return []
    data = json.loads(JSQUAD.read_text(encoding="utf-8"))["data"]
    texts = []
    for article in data:
        for paragraph in article["paragraphs"]:
            texts.append("passage: " + paragraph["context"])
            texts.extend("query: " + qa["question"] for qa in paragraph["qas"])
    return texts


def govfaq_texts() -> list[str]:
    """The govfaq passages whole and line by line; [] if absent."""
    if not GOVFAQ.is_dir():
        return []
    texts = []
    for path in sorted(GOVFAQ.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        texts.append("passage: " + text)
        texts.extend(_lines_and_sentences(text))
    return texts


def english_texts() -> list[str]:
    """The project README's lines and sentences, and the English parity questions."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [*_lines_and_sentences(readme), *PARITY_QUERIES]


def all_texts(fuzz: int) -> list[str]:
    """Every source above, with ``fuzz`` random strings."""
    return [
        *EDGE_CASES,
        *PARITY_PASSAGES,
        *corpus_texts(),
        *jsquad_texts(),
        *govfaq_texts(),
        *english_texts(),
        *fuzz_texts(fuzz),
    ]
