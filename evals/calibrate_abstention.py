"""Calibrate the abstention thresholds on an evaluation dataset.

    .venv/bin/python evals/calibrate_abstention.py [evals/datasets/domain.jsonl]

Runs every case once with the evidence thresholds at 0 (so only the answerability checks
abstain), records each case's evidence score, then sweeps the Japanese and English thresholds
and prints abstention precision and recall for each. The chosen defaults in assistant/config.py
are the thresholds that maximize precision + recall, ties going to the lower threshold (fewer
answerable questions refused). There is no held-out split: with 14 unanswerable cases, one
case moves recall by 0.07, so treat the figures as a calibration, not a promise.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import load_settings  # noqa: E402
from assistant.evaluation.dataset import load_cases  # noqa: E402
from assistant.japanese import is_english  # noqa: E402
from assistant.service import Assistant  # noqa: E402


def main() -> None:
    dataset = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "evals/datasets/domain.jsonl"
    assistant = Assistant(load_settings(abstain_threshold=0.0, abstain_threshold_en=0.0))
    rows = []
    for case in load_cases(dataset):
        answer = assistant.ask(case.question)
        confidence = answer.evidence.confidence if answer.evidence else 0.0
        rows.append((is_english(case.question), case.answerable, answer.abstained, confidence))
    for english in (False, True):
        label = "English" if english else "Japanese"
        subset = [r for r in rows if r[0] == english]
        print(f"{label}: {len(subset)} cases, {sum(not r[1] for r in subset)} unanswerable")
        print("threshold  precision  recall  answerable refused")
        for step in range(0, 61, 2):
            threshold = step / 100
            abstained = [r for r in subset if r[2] or r[3] < threshold]
            unanswerable = [r for r in subset if not r[1]]
            right = sum(1 for r in abstained if not r[1])
            precision = right / len(abstained) if abstained else 1.0
            recall = right / len(unanswerable) if unanswerable else 1.0
            refused = sum(1 for r in abstained if r[1])
            print(f"{threshold:9.2f}  {precision:9.3f}  {recall:6.3f}  {refused:5d}")


if __name__ == "__main__":
    main()
