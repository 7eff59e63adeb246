"""Calibrate the abstention's evidence bands and thresholds on development data only.

    .venv/bin/python evals/calibrate_abstention.py [--off-topic FOLDER] [DATASET ...]
    (default datasets: evals/datasets/domain.jsonl evals/datasets/users-dev.jsonl;
     --off-topic ../shared/benchmarks/govfaq-dev adds that folder's development part: real
     questions on other subjects, every one to be declined; see assistant/evaluation/off_topic.py)

Runs every case once (with its conversation history) with the evidence thresholds at 0, so
only the scope and answerability checks abstain, and records each case's evidence (the best
passage's e5 cosine and the share of the question's words the passages hold). The evidence
confidence is half the cosine scaled between the band's floor and ceiling and half the word
share (``assistant/answer/confidence.py``), so every band and threshold can be replayed from
one run. For Japanese questions it sweeps floor, ceiling and threshold and prints the best
setting of each ceiling by the rule, then the rule's choice:

    the lowest wrong-answer rate (answered without a gold citation, or answered when
    unanswerable) among the settings that refuse no answerable question the evidence check
    let through *and* answered with a gold citation; ties to the lower threshold, then the
    lower ceiling (fewer questions refused).

A right answer is never traded for declining wrong ones. English questions (no word share)
keep their own sweep of the threshold alone, as before. The test parts
(evals/datasets/users-test.jsonl, the off-topic folder's test part) are never read here: they
report, they do not choose.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.confidence import combined_confidence, scaled_dense  # noqa: E402
from assistant.config import load_settings  # noqa: E402
from assistant.evaluation.dataset import Case, load_cases  # noqa: E402
from assistant.evaluation.off_topic import off_topic_cases  # noqa: E402
from assistant.japanese import is_english  # noqa: E402
from assistant.service import Assistant  # noqa: E402

DEVELOPMENT = ("evals/datasets/domain.jsonl", "evals/datasets/users-dev.jsonl")
FLOORS = (0.76, 0.78, 0.80)
CEILINGS = (0.88, 0.90, 0.92, 0.94, 0.96, 0.98)
THRESHOLDS = tuple(step / 100 for step in range(20, 61))


@dataclass(frozen=True)
class Row:
    """One case's outcome with the evidence check off."""

    english: bool
    answerable: bool
    abstained: bool  # by the scope and answerability checks
    dense: float
    coverage: float
    right: bool  # answered with a gold citation


@dataclass(frozen=True)
class Outcome:
    precision: float
    recall: float
    wrong: float
    refused: int
    right_refused: int


def confidence(row: Row, floor: float, ceiling: float) -> float:
    """The evidence confidence of ``measure_evidence`` for these bands (Japanese)."""
    return combined_confidence(scaled_dense(row.dense, floor, ceiling), row.coverage)


def outcome(rows: list[Row], declined: list[bool]) -> Outcome:
    """Abstention precision and recall, wrong-answer rate, answerable questions refused by the
    evidence check, and of those the ones that were answered right."""
    by_evidence = [d and not r.abstained for r, d in zip(rows, declined, strict=True)]
    abstained = [r.abstained or d for r, d in zip(rows, by_evidence, strict=True)]
    right_declines = sum(1 for r, a in zip(rows, abstained, strict=True) if a and not r.answerable)
    total_declines = sum(abstained)
    unanswerable = sum(1 for r in rows if not r.answerable)
    wrong = sum(
        1
        for r, a in zip(rows, abstained, strict=True)
        if not a and (not r.answerable or not r.right)
    )
    return Outcome(
        precision=right_declines / total_declines if total_declines else 1.0,
        recall=right_declines / unanswerable if unanswerable else 1.0,
        wrong=wrong / len(rows),
        refused=sum(1 for r, d in zip(rows, by_evidence, strict=True) if d and r.answerable),
        right_refused=sum(
            1 for r, d in zip(rows, by_evidence, strict=True) if d and r.answerable and r.right
        ),
    )


def collect(cases: list[Case], assistant: Assistant) -> list[Row]:
    rows = []
    for case in cases:
        answer = assistant.ask(case.question, history=case.history)
        evidence = answer.evidence
        rows.append(
            Row(
                english=is_english(case.question),
                answerable=case.answerable,
                abstained=answer.abstained,
                dense=evidence.dense if evidence else 0.0,
                coverage=(evidence.coverage or 0.0) if evidence else 0.0,
                right=any(case.is_relevant(c.chunk) for c in answer.citations),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", nargs="*", type=Path)
    parser.add_argument("--off-topic", type=Path, help="a folder of off-topic questions")
    args = parser.parse_args()
    paths = args.datasets or [ROOT / p for p in DEVELOPMENT]
    if any("test" in p.name for p in paths):
        sys.exit("refusing to calibrate on a test part; pass development datasets only")
    cases = [case for path in paths for case in load_cases(path)]
    if args.off_topic:
        cases += off_topic_cases(args.off_topic, "dev")
    assistant = Assistant(load_settings(abstain_threshold=0.0, abstain_threshold_en=0.0))
    assistant.warm_up()
    rows = collect(cases, assistant)

    japanese = [r for r in rows if not r.english]
    print(
        f"Japanese: {len(japanese)} cases, {sum(not r.answerable for r in japanese)} unanswerable"
    )
    print("floor  ceiling  threshold  precision  recall  wrong-rate  refused (right)")
    chosen: tuple[tuple[float, float, float], tuple[float, float, float], Outcome] | None = None
    for ceiling in CEILINGS:
        best: tuple[tuple[float, float, float], tuple[float, float, float], Outcome] | None = None
        for floor in FLOORS:
            for threshold in THRESHOLDS:
                result = outcome(
                    japanese, [confidence(r, floor, ceiling) < threshold for r in japanese]
                )
                if result.right_refused:
                    continue
                key = (result.wrong, threshold, ceiling)
                if best is None or key < best[0]:
                    best = (key, (floor, ceiling, threshold), result)
        if best is None:
            continue
        (floor, _, threshold), result = best[1], best[2]
        print(
            f"{floor:5.2f}  {ceiling:7.2f}  {threshold:9.2f}  {result.precision:9.3f}  "
            f"{result.recall:6.3f}  {result.wrong:10.3f}  {result.refused:3d} ({result.right_refused})"
        )
        if chosen is None or best[0] < chosen[0]:
            chosen = best
    if chosen is not None:
        floor, ceiling, threshold = chosen[1]
        print(f"rule's choice: floor {floor:.2f}, ceiling {ceiling:.2f}, threshold {threshold:.2f}")

    english = [r for r in rows if r.english]
    print(f"\nEnglish: {len(english)} cases, {sum(not r.answerable for r in english)} unanswerable")
    print("threshold  precision  recall  wrong-rate  refused (right)")
    settings = load_settings()
    for step in range(0, 61, 2):
        threshold = step / 100
        floor, ceiling = settings.evidence_dense_floor_en, settings.evidence_dense_ceiling_en
        declined = [scaled_dense(r.dense, floor, ceiling) < threshold for r in english]
        result = outcome(english, declined)
        print(
            f"{threshold:9.2f}  {result.precision:9.3f}  {result.recall:6.3f}  "
            f"{result.wrong:10.3f}  {result.refused:3d} ({result.right_refused})"
        )


if __name__ == "__main__":
    main()
