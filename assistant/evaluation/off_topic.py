"""Off-topic questions: real questions about other subjects, every one to be declined.

A benchmark folder's questions (govfaq-dev: what people asked some forty government agencies
about pensions, registries, fisheries, elections …) are asked of *your* index, not of the
benchmark's own corpus: over the shipped corpus of economic-security law none of them has an
answer, and each answered one is a wrong answer a firm could act on. The datasets written for
issue #16 hold hand-written unanswerables; these are questions nobody wrote for this product,
in the words people really use, so they measure whether declining generalizes.

The questions are split into two fixed parts by their position in the file (``dev``: the
first, third, fifth …; ``test``: the others): thresholds are chosen on ``dev`` and reported on
``test``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from assistant.errors import ConfigError
from assistant.evaluation.dataset import Case, load_cases

Part = Literal["dev", "test", "all"]
PARTS: tuple[Part, ...] = ("dev", "test", "all")


def off_topic_cases(folder: Path, part: Part = "all") -> list[Case]:
    """The folder's questions (its one ``*.jsonl``) as cases that must be declined.

    Gold passages, answers and histories are dropped: against another corpus there is nothing
    to find, and a case is right only when the assistant declines it.
    """
    if part not in PARTS:
        raise ConfigError(f"unknown part {part!r}: expected one of {', '.join(PARTS)}")
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    if len(files) != 1:
        raise ConfigError(f"{folder}: expected a folder with exactly one *.jsonl file of questions")
    cases = [
        Case(id=case.id, question=case.question, answerable=False)
        for position, case in enumerate(load_cases(files[0]))
        if part == "all" or (position % 2 == 0) == (part == "dev")
    ]
    if not cases:
        raise ConfigError(f"{files[0]}: no questions in part {part!r}")
    return cases
