"""Evaluation cases in JSON Lines, and the rule that decides whether a chunk is relevant.

Format (one case per line)::

    {"id": "q001", "question": "...", "answerable": true,
     "gold": [{"source": "<substring of the file name>", "quote": "<text the chunk contains>"}],
     "must_include": ["<string the answer must contain>"]}

An optional ``"history"`` holds the earlier user questions of a conversation, oldest first
(a list of non-empty strings); gold and must_include are for the final ``question``.

Matching is done after NFKC normalization on both sides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ConfigError
from assistant.japanese import normalize
from assistant.types import Chunk


@dataclass(frozen=True)
class Gold:
    """One supporting passage: a file-name substring and a quote the chunk contains."""

    source: str
    quote: str

    def matches(self, chunk: Chunk) -> bool:
        """Whether a retrieved chunk is this supporting passage."""
        return normalize(self.source) in normalize(chunk.source) and normalize(
            self.quote
        ) in normalize(chunk.text)


@dataclass(frozen=True)
class Case:
    """One evaluation question."""

    id: str
    question: str
    answerable: bool
    gold: tuple[Gold, ...] = ()
    must_include: tuple[str, ...] = ()
    history: tuple[str, ...] = ()

    def is_relevant(self, chunk: Chunk) -> bool:
        """A chunk is relevant when it matches any gold passage."""
        return any(g.matches(chunk) for g in self.gold)


def _history(raw: dict[str, object], where: str) -> tuple[str, ...]:
    """The optional earlier user questions, oldest first: a list of non-empty strings."""
    history = raw.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(turn, str) and turn.strip() for turn in history
    ):
        raise ConfigError(f"{where}: 'history' must be a list of non-empty strings")
    return tuple(history)


def _case(raw: object, where: str) -> Case:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a JSON object")
    history = _history(raw, where)
    try:
        case = Case(
            id=str(raw["id"]),
            question=str(raw["question"]),
            answerable=bool(raw["answerable"]),
            gold=tuple(Gold(str(g["source"]), str(g["quote"])) for g in raw.get("gold", [])),
            must_include=tuple(str(s) for s in raw.get("must_include", [])),
            history=history,
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{where}: missing or malformed field {exc}") from exc
    if case.answerable and not case.gold:
        raise ConfigError(f"{where}: answerable case {case.id} has no gold passage")
    if not case.answerable and (case.gold or case.must_include):
        raise ConfigError(f"{where}: unanswerable case {case.id} must have empty gold/must_include")
    return case


def load_cases(path: Path) -> list[Case]:
    """Read and validate a JSON Lines dataset, naming the line of any problem."""
    if not path.is_file():
        raise ConfigError(f"{path}: evaluation dataset not found")
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        cases.append(_case(raw, f"{path}:{number}"))
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(f"{path}: duplicate case ids {', '.join(duplicates)}")
    if not cases:
        raise ConfigError(f"{path}: no cases")
    return cases
