"""The JSQuAD open-domain benchmark, run in CI: hybrid retrieval must beat both of its parts.

Reads ../shared/benchmarks/jsquad-v1.3-valid.json (CC BY-SA 4.0, not copied into this
repository) and skips with a message where it is absent. Writes artifacts/jsquad.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation.jsquad import run_jsquad
from assistant.evaluation.report import gate_failures, load_thresholds
from tests.conftest import ROOT, SHARED, make_settings

JSQUAD = SHARED / "benchmarks" / "jsquad-v1.3-valid.json"

pytestmark = pytest.mark.integration


@pytest.mark.skipif(not JSQUAD.exists(), reason=f"JSQuAD not found at {JSQUAD}")
def test_jsquad_hybrid_beats_dense_and_keyword(tmp_path: Path) -> None:
    result = run_jsquad(make_settings(tmp_path), JSQUAD, None, print)
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "jsquad.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    hybrid, dense, keyword = (result["retrievers"][m] for m in ("hybrid", "dense", "keyword"))
    for metric in ("hit_at_1", "mrr_at_10", "answer_span_recall"):
        assert hybrid[metric] > max(dense[metric], keyword[metric]), metric
    thresholds = load_thresholds(ROOT / "evals" / "jsquad-thresholds.yaml")
    failures = gate_failures(hybrid, thresholds)
    assert not failures, "\n".join(failures)
