"""Calibrate the abstention thresholds on the development datasets only.

    .venv/bin/python evals/calibrate_abstention.py [DATASET ...]
    (default: evals/datasets/domain.jsonl evals/datasets/users-dev.jsonl)

Runs every case once (with its conversation history) with the evidence thresholds at 0, so
only the scope and answerability checks abstain, records each case's evidence score, then
sweeps the Japanese and English thresholds and prints, for each, abstention precision and
recall and the wrong-answer rate (answered without a supporting citation, or answered when
unanswerable). The default in assistant/config.py is the threshold with the lowest
wrong-answer rate among those keeping abstention precision at 0.9 or more, ties going to the
lower threshold (fewer answerable questions refused). The test part
(evals/datasets/users-test.jsonl) is never read here: it reports, it does not choose.
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

DEVELOPMENT = ("evals/datasets/domain.jsonl", "evals/datasets/users-dev.jsonl")


def main() -> None:
    paths = [Path(a) for a in sys.argv[1:]] or [ROOT / p for p in DEVELOPMENT]
    if any("test" in p.name for p in paths):
        sys.exit("refusing to calibrate on a test part; pass development datasets only")
    assistant = Assistant(load_settings(abstain_threshold=0.0, abstain_threshold_en=0.0))
    assistant.warm_up()
    rows = []
    for path in paths:
        for case in load_cases(path):
            answer = assistant.ask(case.question, history=case.history)
            confidence = answer.evidence.confidence if answer.evidence else 0.0
            cites_gold = any(case.is_relevant(c.chunk) for c in answer.citations)
            rows.append(
                (
                    is_english(case.question),
                    case.answerable,
                    answer.abstained,
                    confidence,
                    cites_gold,
                )
            )
    for english in (False, True):
        label = "English" if english else "Japanese"
        subset = [r for r in rows if r[0] == english]
        print(f"{label}: {len(subset)} cases, {sum(not r[1] for r in subset)} unanswerable")
        print("threshold  precision  recall  wrong-rate  answerable refused")
        for step in range(0, 61, 2):
            threshold = step / 100
            abstained = [r for r in subset if r[2] or r[3] < threshold]
            answered = [r for r in subset if not (r[2] or r[3] < threshold)]
            unanswerable = [r for r in subset if not r[1]]
            right = sum(1 for r in abstained if not r[1])
            precision = right / len(abstained) if abstained else 1.0
            recall = right / len(unanswerable) if unanswerable else 1.0
            wrong = sum(1 for r in answered if not r[1] or not r[4]) / len(subset)
            refused = sum(1 for r in abstained if r[1])
            print(f"{threshold:9.2f}  {precision:9.3f}  {recall:6.3f}  {wrong:10.3f}  {refused:5d}")


if __name__ == "__main__":
    main()
