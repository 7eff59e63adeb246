"""Human-readable evaluation reports and the CI gate.

The Markdown report lists every failing case with its question, what was retrieved and what
was answered, because a metric alone does not tell anyone what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError


def markdown_report(result: dict[str, Any], title: str = "Domain evaluation") -> str:
    """Metrics table plus one section per failing case."""
    lines = [f"# {title}", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v:.3f} |" for k, v in result["metrics"].items()]
    failing = [c for c in result["cases"] if not c["passed"]]
    lines += ["", f"## Failing cases ({len(failing)} of {len(result['cases'])})", ""]
    for case in failing:
        kind = "answerable" if case["answerable"] else "unanswerable"
        lines += [
            f"### {case['id']} ({kind}): {case['question']}",
            "",
            f"- abstained: {case['abstained']} (confidence {case['confidence']:.3f})",
            f"- relevant ranks: {case['relevant_ranks'] or 'none in top 10'}",
            f"- must_include missing: {case['must_include_missing'] or 'none'}",
            f"- supported sentences: {case['supported']}/{case['sentences']}",
            "- retrieved:",
        ]
        for hit in case["retrieved"]:
            mark = "✔" if hit["relevant"] else " "
            lines.append(
                f"  {hit['rank']}. {mark} {hit['source']} {hit['location']} "
                f"({hit['score']}): {hit['text'][:100]}"
            )
        answer = case["answer"].replace("\n", "\n  > ")
        lines += ["- answered:", f"  > {answer}", ""]
    return "\n".join(lines)


def load_thresholds(path: Path) -> dict[str, float]:
    """Minimum values per metric, from a YAML mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read thresholds ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of metric: minimum")
    return {str(k): float(v) for k, v in data.items()}


def gate_failures(metrics: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """Metrics below their minimum, or above their maximum for a ``max_`` key (a rate that
    should stay low, such as ``max_wrong_answer_rate``), or missing, as messages."""
    failures = []
    for key, bound in thresholds.items():
        name = key.removeprefix("max_")
        if name not in metrics:
            failures.append(f"{name}: not measured")
        elif key.startswith("max_") and metrics[name] > bound:
            failures.append(f"{name} = {metrics[name]:.3f} is above the maximum {bound:.3f}")
        elif not key.startswith("max_") and metrics[name] < bound:
            failures.append(f"{name} = {metrics[name]:.3f} is below the minimum {bound:.3f}")
    return failures
