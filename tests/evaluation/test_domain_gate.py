"""The CI gates: each evaluation dataset on the shipped corpus must not fall below its thresholds.

Runs every case through the same Assistant the CLI and UI use (real model, real Chroma),
writes the JSON and Markdown reports to artifacts/, and fails with the list of metrics under
their minimum. The development parts (domain.jsonl, users-dev.jsonl, users-fresh.jsonl to
users-fresh4.jsonl) are what weights and thresholds were chosen on; the test part
(users-test.jsonl) was only ever measured, and its gate holds what was measured, so a change
that loses ground on unseen questions fails CI.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from assistant.evaluation.dataset import load_cases
from assistant.evaluation.domain import evaluate
from assistant.evaluation.report import gate_failures, load_thresholds, markdown_report
from tests.conftest import ROOT

pytestmark = pytest.mark.integration
GATES = [
    ("domain", "thresholds.yaml"),
    ("users-dev", "thresholds-users-dev.yaml"),
    ("users-test", "thresholds-users-test.yaml"),
    ("users-fresh", "thresholds-users-fresh.yaml"),
    ("users-fresh2", "thresholds-users-fresh2.yaml"),
    ("users-fresh3", "thresholds-users-fresh3.yaml"),
    ("users-fresh4", "thresholds-users-fresh4.yaml"),
]


@pytest.mark.parametrize(("dataset", "thresholds"), GATES)
def test_evaluation_meets_thresholds(real_assistant: Any, dataset: str, thresholds: str) -> None:
    cases = load_cases(ROOT / "evals" / "datasets" / f"{dataset}.jsonl")
    started = time.perf_counter()
    result = evaluate(real_assistant, cases)
    elapsed = time.perf_counter() - started
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"{dataset}-eval.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (artifacts / f"{dataset}-eval.md").write_text(
        markdown_report(result, f"Evaluation of {dataset}"), encoding="utf-8"
    )
    failures = gate_failures(result["metrics"], load_thresholds(ROOT / "evals" / thresholds))
    assert not failures, "\n".join(failures)
    assert elapsed < 240, f"the {dataset} evaluation took {elapsed:.0f} s (limit 240 s)"
