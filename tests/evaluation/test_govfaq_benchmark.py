"""govfaq-dev, run in CI: real questions in people's own words, where dense retrieval beats
keyword search. The hybrid must stay above its regression floor (evals/govfaq-thresholds.yaml);
that it is at least as good as each part (issue #16) is checked too, and expected to fail
until the fusion closes the one-question gap measured today.

Reads ../shared/benchmarks/govfaq-dev/ (JaGovFaqs-22k, CC BY 4.0, not copied into this
repository) and skips with a message where it is absent. The benchmark runs once per module
(about 9 CPU-minutes, nearly all of it the ingest) and writes artifacts/govfaq-dev.json; the
figures are printed past pytest's capture so they appear in CI output.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.evaluation.benchmark import (
    benchmark_gate_failures,
    hybrid_holds,
    load_benchmark,
    run_benchmark,
)
from assistant.evaluation.report import gate_failures, load_thresholds
from tests.conftest import ROOT, SHARED, make_settings

GOVFAQ = SHARED / "benchmarks" / "govfaq-dev"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not GOVFAQ.is_dir(), reason=f"govfaq-dev not found at {GOVFAQ}"),
]


@pytest.fixture(scope="module")
def govfaq(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The benchmark's result, run once for the module's tests."""
    tmp = tmp_path_factory.mktemp("govfaq")
    lines: list[str] = []
    result = run_benchmark(
        make_settings(tmp), GOVFAQ / "corpus", load_benchmark(GOVFAQ), lines.append
    )
    result["log"] = lines
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "govfaq-dev.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def test_govfaq_hybrid_stays_above_its_regression_floor(
    govfaq: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled():
        print("\ngovfaq-dev (" + str(govfaq["questions"]) + " questions):")
        for line in govfaq["log"]:
            print("  " + line)
    thresholds = load_thresholds(ROOT / "evals" / "govfaq-thresholds.yaml")
    failures = gate_failures(govfaq["retrievers"]["hybrid"], thresholds)
    assert not failures, "\n".join(failures)


@pytest.mark.xfail(
    strict=False,
    reason="issue #16 item 3 open: on govfaq-dev the hybrid is below dense (MRR@10 0.968 or "
    "0.962 against 0.973, hit@1 0.940 against 0.950 on some ingests; unseen-067 lost, unseen-034 "
    "third on some index builds); remove this mark when the fusion holds",
)
def test_govfaq_hybrid_is_at_least_as_good_as_each_part(govfaq: dict[str, Any]) -> None:
    retrievers = govfaq["retrievers"]
    assert all(all(held.values()) for held in hybrid_holds(retrievers).values()), "\n".join(
        benchmark_gate_failures(retrievers, {})
    )
