#!/usr/bin/env python3
"""Validate the domain evaluation dataset against the corpus.

Usage::

    python evals/check_dataset.py evals/datasets/domain.jsonl corpus

Several corpus folders may be given (their files are read together), e.g.::

    python evals/check_dataset.py evals/datasets/users-dev.jsonl \
        ../shared/corpus-candidates/laws-current corpus/articles --min-history 16

Each line of the dataset is one JSON object with exactly these keys::

    {"id": "q001", "question": "...", "answerable": true,
     "gold": [{"source": "<file-name substring>", "quote": "<short text>"}],
     "must_include": ["<string>"]}

and optionally ``"history"``: the earlier user questions of a conversation, oldest first
(a list of non-empty strings); gold and must_include are for the final question.

Checks (all comparisons after Unicode NFKC normalisation on both sides):

* every line is valid JSON with exactly the expected keys (plus the optional
  ``history``) and value types;
* ids are unique and look like ``q001`` or ``u001`` (one lower-case letter, 3+ digits);
* unanswerable cases have ``gold == []`` and ``must_include == []``;
* answerable cases have at least one gold passage and 1-2 ``must_include``
  strings of 2-12 characters;
* each gold ``source`` is a substring of exactly one corpus file name;
* each gold ``quote`` is 10-30 characters, contains no Markdown markup,
  line break or inner sentence end (``。``), and occurs inside a single line
  of that file;
* each ``must_include`` string occurs in a gold file, on a line that
  contains one of the gold quotes or on the non-empty line right before or
  after it (i.e. in the same or a neighbouring sentence; label-only lines such as
  ``**一**`` are skipped);
* minimum counts of cases, English questions, unanswerable and history cases.

Warnings (printed, not fatal) flag quotes that occur more than once in their
file, since then more than one chunk can count as relevant.

Exits 0 when all checks pass, 1 with a list of problems otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPECTED_KEYS: frozenset[str] = frozenset({"id", "question", "answerable", "gold", "must_include"})
OPTIONAL_KEYS: frozenset[str] = frozenset({"history"})
ID_PATTERN: re.Pattern[str] = re.compile(r"^[a-z]\d{3,}$")
CJK_PATTERN: re.Pattern[str] = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
MARKUP_TOKENS: tuple[str, ...] = ("**", "<a", "</a>", "](", "[", "]", "#", "\n", "\r")
CORPUS_SUFFIXES: frozenset[str] = frozenset({".md", ".txt"})

QUOTE_MIN, QUOTE_MAX = 10, 30
MUST_MIN, MUST_MAX = 2, 12
MUST_COUNT_MIN, MUST_COUNT_MAX = 1, 2


def nfkc(text: str) -> str:
    """Return the NFKC normalisation of ``text``."""
    return unicodedata.normalize("NFKC", text)


@dataclass
class CorpusFile:
    """One corpus document, normalised and split into lines."""

    name: str
    text: str
    lines: list[str]


@dataclass
class Report:
    """Collected errors, warnings and counts."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total: int = 0
    english: int = 0
    unanswerable: int = 0
    with_history: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    def error(self, case_id: str, message: str) -> None:
        """Record a fatal problem for ``case_id``."""
        self.errors.append(f"{case_id}: {message}")

    def warn(self, case_id: str, message: str) -> None:
        """Record a non-fatal remark for ``case_id``."""
        self.warnings.append(f"{case_id}: {message}")


def load_corpus(corpus_dir: Path) -> list[CorpusFile]:
    """Read every ``.md``/``.txt`` file below ``corpus_dir`` (NFKC-normalised)."""
    files: list[CorpusFile] = []
    for path in sorted(corpus_dir.rglob("*")):
        if path.is_file() and path.suffix in CORPUS_SUFFIXES:
            text = nfkc(path.read_text(encoding="utf-8"))
            files.append(CorpusFile(nfkc(path.name), text, text.splitlines()))
    return files


def is_english(question: str) -> bool:
    """A question counts as English when it has no Japanese characters."""
    return CJK_PATTERN.search(question) is None and re.search(r"[A-Za-z]", question) is not None


LABEL_LINE: re.Pattern[str] = re.compile(r"^\*\*[^*]+\*\*$")


def neighbourhood(lines: list[str], index: int) -> str:
    """Return line ``index`` joined with the nearest non-empty lines around it.

    A paragraph or item label alone on its line (``**一**``, ``**２**``) is markup, not a
    sentence: the neighbour of a list's lead sentence is its first item's text.
    """
    parts: list[str] = [lines[index]]
    for step in (-1, 1):
        j = index + step
        while 0 <= j < len(lines) and (not lines[j].strip() or LABEL_LINE.match(lines[j].strip())):
            j += step
        if 0 <= j < len(lines):
            parts.append(lines[j])
    return "\n".join(parts)


def check_gold(
    case_id: str, gold: Any, corpus: list[CorpusFile], report: Report
) -> list[tuple[CorpusFile, str]]:
    """Validate gold passages; return (file, normalised quote) pairs that resolved."""
    resolved: list[tuple[CorpusFile, str]] = []
    if not isinstance(gold, list):
        report.error(case_id, "'gold' must be a list")
        return resolved
    for n, item in enumerate(gold, 1):
        where = f"gold[{n}]"
        if not isinstance(item, dict) or set(item) != {"source", "quote"}:
            report.error(case_id, f"{where} must be an object with keys 'source' and 'quote'")
            continue
        source, quote = item["source"], item["quote"]
        if not isinstance(source, str) or not isinstance(quote, str):
            report.error(case_id, f"{where} 'source' and 'quote' must be strings")
            continue
        matches = [f for f in corpus if nfkc(source) in f.name]
        if len(matches) != 1:
            names = ", ".join(f.name for f in matches) or "none"
            report.error(
                case_id,
                f"{where} source {source!r} must match exactly one file, matched {len(matches)} ({names})",
            )
            continue
        doc = matches[0]
        q = nfkc(quote)
        if not QUOTE_MIN <= len(q) <= QUOTE_MAX:
            report.error(
                case_id,
                f"{where} quote {quote!r} has {len(q)} chars, expected {QUOTE_MIN}-{QUOTE_MAX}",
            )
        bad = [tok for tok in MARKUP_TOKENS if tok in q]
        if bad:
            report.error(case_id, f"{where} quote {quote!r} contains markup/line break {bad}")
        if "。" in q[:-1]:
            report.error(case_id, f"{where} quote {quote!r} crosses a sentence boundary (。)")
        if q not in doc.text:
            report.error(case_id, f"{where} quote {quote!r} not found in {doc.name}")
            continue
        hits = [i for i, line in enumerate(doc.lines) if q in line]
        if not hits:
            report.error(case_id, f"{where} quote {quote!r} spans a line break in {doc.name}")
            continue
        occurrences = doc.text.count(q)
        if occurrences > 1:
            report.warn(case_id, f"{where} quote {quote!r} occurs {occurrences}x in {doc.name}")
        report.by_source[doc.name] = report.by_source.get(doc.name, 0) + 1
        resolved.append((doc, q))
    return resolved


def check_must_include(
    case_id: str, must: Any, resolved: list[tuple[CorpusFile, str]], report: Report
) -> None:
    """Each must_include string must sit next to one of the gold quotes."""
    if not isinstance(must, list) or not all(isinstance(m, str) for m in must):
        report.error(case_id, "'must_include' must be a list of strings")
        return
    if not MUST_COUNT_MIN <= len(must) <= MUST_COUNT_MAX:
        report.error(
            case_id,
            f"'must_include' has {len(must)} items, expected {MUST_COUNT_MIN}-{MUST_COUNT_MAX}",
        )
    if not resolved:
        return  # gold errors already reported; nothing to locate must_include against
    for m in must:
        mn = nfkc(m)
        if not MUST_MIN <= len(mn) <= MUST_MAX:
            report.error(
                case_id, f"must_include {m!r} has {len(mn)} chars, expected {MUST_MIN}-{MUST_MAX}"
            )
        if not any(mn in doc.text for doc, _ in resolved):
            report.error(case_id, f"must_include {m!r} not found in any gold file")
            continue
        near = any(
            mn in neighbourhood(doc.lines, i)
            for doc, q in resolved
            for i, line in enumerate(doc.lines)
            if q in line
        )
        if not near:
            report.error(
                case_id, f"must_include {m!r} is not in (or next to) the sentence of any gold quote"
            )


def check_case(
    raw: str, line_no: int, seen: set[str], corpus: list[CorpusFile], report: Report
) -> None:
    """Validate one JSONL line and update ``report``."""
    try:
        case = json.loads(raw)
    except json.JSONDecodeError as exc:
        report.error(f"line {line_no}", f"invalid JSON: {exc}")
        return
    if not isinstance(case, dict):
        report.error(f"line {line_no}", "not a JSON object")
        return
    case_id = str(case.get("id", f"line {line_no}"))
    if not EXPECTED_KEYS <= set(case) <= EXPECTED_KEYS | OPTIONAL_KEYS:
        report.error(
            case_id,
            f"keys {sorted(case)} != {sorted(EXPECTED_KEYS)} (+ optional {sorted(OPTIONAL_KEYS)})",
        )
        return
    if not isinstance(case["id"], str) or not ID_PATTERN.match(case["id"]):
        report.error(case_id, "id must look like 'q001' or 'u001'")
    if "history" in case:
        history = case["history"]
        if not isinstance(history, list) or not all(
            isinstance(turn, str) and turn.strip() for turn in history
        ):
            report.error(case_id, "'history' must be a list of non-empty strings")
        elif history:
            report.with_history += 1
    if case_id in seen:
        report.error(case_id, "duplicate id")
    seen.add(case_id)
    question, answerable = case["question"], case["answerable"]
    if not isinstance(question, str) or not question.strip():
        report.error(case_id, "question must be a non-empty string")
        question = ""
    if not isinstance(answerable, bool):
        report.error(case_id, "answerable must be a boolean")
        return
    report.total += 1
    if is_english(question):
        report.english += 1
    if not answerable:
        report.unanswerable += 1
        if case["gold"] != [] or case["must_include"] != []:
            report.error(case_id, "unanswerable case must have empty 'gold' and 'must_include'")
        return
    if not case["gold"]:
        report.error(case_id, "answerable case needs at least one gold passage")
    resolved = check_gold(case_id, case["gold"], corpus, report)
    check_must_include(case_id, case["must_include"], resolved, report)


def main(argv: list[str] | None = None) -> int:
    """Run all checks; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dataset", type=Path, help="JSONL dataset, e.g. evals/datasets/domain.jsonl"
    )
    parser.add_argument(
        "corpus", type=Path, nargs="+", help="corpus directory (one or more), e.g. corpus"
    )
    parser.add_argument("--min-total", type=int, default=80)
    parser.add_argument("--min-english", type=int, default=10)
    parser.add_argument("--min-unanswerable", type=int, default=12)
    parser.add_argument("--min-history", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="do not print warnings")
    args = parser.parse_args(argv)

    if not args.dataset.is_file():
        print(f"ERROR: dataset not found: {args.dataset}", file=sys.stderr)
        return 1
    corpus: list[CorpusFile] = []
    for folder in args.corpus:
        if not folder.is_dir():
            print(f"ERROR: corpus directory not found: {folder}", file=sys.stderr)
            return 1
        corpus.extend(load_corpus(folder))
    if not corpus:
        print(f"ERROR: no .md/.txt files under {', '.join(map(str, args.corpus))}", file=sys.stderr)
        return 1

    report = Report()
    seen: set[str] = set()
    for line_no, raw in enumerate(args.dataset.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            check_case(raw, line_no, seen, corpus, report)

    if report.total < args.min_total:
        report.error("dataset", f"{report.total} cases, need at least {args.min_total}")
    if report.english < args.min_english:
        report.error(
            "dataset", f"{report.english} English questions, need at least {args.min_english}"
        )
    if report.unanswerable < args.min_unanswerable:
        report.error(
            "dataset",
            f"{report.unanswerable} unanswerable cases, need at least {args.min_unanswerable}",
        )

    if report.with_history < args.min_history:
        report.error(
            "dataset",
            f"{report.with_history} cases with history, need at least {args.min_history}",
        )

    if not args.quiet:
        for w in report.warnings:
            print(f"WARNING: {w}")
    print(
        f"cases={report.total} answerable={report.total - report.unanswerable} "
        f"unanswerable={report.unanswerable} english={report.english} "
        f"history={report.with_history}"
    )
    for name, count in sorted(report.by_source.items()):
        print(f"  gold passages in {name}: {count}")
    if report.errors:
        for e in report.errors:
            print(f"ERROR: {e}", file=sys.stderr)
        print(f"FAILED: {len(report.errors)} problem(s)", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
