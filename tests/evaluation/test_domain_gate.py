"""The CI gate: the domain evaluation on the shipped corpus must not fall below its thresholds.

Runs every case of evals/datasets/domain.jsonl through the same Assistant the CLI and UI use
(real model, real Chroma), writes the JSON and Markdown reports to artifacts/, and fails with
the list of metrics under their minimum (evals/thresholds.yaml).
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


def test_domain_evaluation_meets_thresholds(real_assistant: Any) -> None:
    cases = load_cases(ROOT / "evals" / "datasets" / "domain.jsonl")
    started = time.perf_counter()
    result = evaluate(real_assistant, cases)
    elapsed = time.perf_counter() - started
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "domain-eval.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (artifacts / "domain-eval.md").write_text(markdown_report(result), encoding="utf-8")
    failures = gate_failures(result["metrics"], load_thresholds(ROOT / "evals" / "thresholds.yaml"))
    assert not failures, "\n".join(failures)
    assert elapsed < 120, f"the domain evaluation took {elapsed:.0f} s (limit 120 s)"
