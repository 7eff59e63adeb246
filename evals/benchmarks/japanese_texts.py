"""Real Japanese text for the benchmarks: the shipped laws and article, JSQuAD, govfaq.

Read straight from the files (Markdown markup and anchors stripped), not through the
assistant's loaders, so the benchmarks keep working while the pipeline's modules move.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SHARED_BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
JSQUAD = SHARED_BENCHMARKS / "jsquad-v1.3-valid.json"
GOVFAQ_CORPUS = SHARED_BENCHMARKS / "govfaq-dev" / "corpus"

_MARKUP = re.compile(r"<a id=[^>]*></a>|[*#|]+|\[[^\]]*\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[。！？])")


def _lines(path: Path) -> Iterator[str]:
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = _MARKUP.sub("", raw).strip(" 　-")
        if len(line) >= 8:
            yield line


def split_sentences(text: str) -> list[str]:
    """Split at 。！？ and line ends; keep sentences of at least 8 characters."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s.strip() for s in _SENTENCE_END.split(line) if len(s.strip()) >= 8)
    return out


def law_sentences() -> list[str]:
    """Every sentence of the shipped laws and article, in file order."""
    paths = sorted((CORPUS / "laws").glob("*.md")) + sorted((CORPUS / "articles").glob("*.txt"))
    return [s for path in paths for line in _lines(path) for s in split_sentences(line)]


def jsquad_sentences() -> list[str]:
    """The sentences of the JSQuAD validation paragraphs (the "title [SEP]" part dropped)."""
    if not JSQUAD.is_file():
        return []
    data = json.loads(JSQUAD.read_text(encoding="utf-8"))["data"]
    contexts = [p["context"].split("[SEP]")[-1] for a in data for p in a["paragraphs"]]
    return [s for c in dict.fromkeys(contexts) for s in split_sentences(c)]


def govfaq_sentences() -> list[str]:
    """The sentences of the government FAQ answers."""
    if not GOVFAQ_CORPUS.is_dir():
        return []
    paths = sorted(GOVFAQ_CORPUS.glob("*.txt"))
    return [s for p in paths for s in split_sentences(p.read_text(encoding="utf-8"))]


def pack_passages(sentences: list[str], size: int = 450) -> list[str]:
    """Consecutive sentences packed into passages of at most ``size`` characters (about 450)."""
    passages: list[str] = []
    current = ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > size:
            passages.append(current)
            current = ""
        current += sentence[:size]
    if current:
        passages.append(current)
    return passages
