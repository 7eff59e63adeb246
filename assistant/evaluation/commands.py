"""The ``assistant eval`` command's work, kept out of the CLI module."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evaluation.dataset import Case, load_cases
from assistant.evaluation.domain import evaluate
from assistant.evaluation.off_topic import Part, off_topic_cases
from assistant.evaluation.report import gate_failures, load_thresholds, markdown_report
from assistant.service import Assistant

Echo = Callable[[str], None]


def _write(result: dict[str, Any], json_out: Path | None, report: Path | None, title: str) -> None:
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(markdown_report(result, title), encoding="utf-8")


def run_domain_eval(
    assistant: Assistant,
    dataset: Path,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    echo: Echo,
) -> bool:
    """Evaluate a dataset; False when a gate threshold is missed."""
    cases = load_cases(dataset)
    return _run_cases(
        assistant, cases, f"Evaluation of {dataset.name}", json_out, report, gate, echo
    )


def run_off_topic_eval(
    assistant: Assistant,
    folder: Path,
    part: Part,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    echo: Echo,
) -> bool:
    """Ask a folder's questions on other subjects of the index, each to be declined
    (``off_topic``); its abstention_recall is the share declined. False below the gate."""
    cases = off_topic_cases(folder, part)
    title = f"Off-topic questions of {folder.name} ({part})"
    return _run_cases(assistant, cases, title, json_out, report, gate, echo)


def _run_cases(
    assistant: Assistant,
    cases: list[Case],
    title: str,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    echo: Echo,
) -> bool:
    started = time.perf_counter()
    assistant.warm_up()  # the sentence vectors a served instance uses (stored after the first run)
    warm_up_s = time.perf_counter() - started
    started = time.perf_counter()
    result = evaluate(assistant, cases)
    elapsed = time.perf_counter() - started
    result["elapsed_s"] = elapsed
    result["warm_up_s"] = warm_up_s
    _write(result, json_out, report, title)
    for name, value in result["metrics"].items():
        echo(f"{name:28s} {value:10.3f}")
    failing = sum(1 for c in result["cases"] if not c["passed"])
    echo(
        f"{len(cases)} cases in {elapsed:.1f} s (after {warm_up_s:.1f} s of warm-up); "
        f"{failing} failing (see --report)"
    )
    if gate:
        failures = gate_failures(result["metrics"], load_thresholds(gate))
        for failure in failures:
            echo(f"GATE FAILED: {failure}")
        return not failures
    return True


def run_jsquad_eval(
    settings: Settings,
    path: Path,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    limit: int | None,
    echo: Echo,
) -> bool:
    """Run the JSQuAD open-domain benchmark for hybrid, dense and keyword retrieval; False
    when the hybrid misses a gate threshold or falls below one of its parts."""
    from assistant.evaluation.jsquad import run_jsquad

    result = run_jsquad(settings, path, limit, echo)
    _write_benchmark(result, json_out, report, "JSQuAD benchmark")
    return _passes_gate(result, gate, echo)


def run_benchmark_eval(
    settings: Settings,
    folder: Path,
    json_out: Path | None,
    report: Path | None,
    gate: Path | None,
    echo: Echo,
) -> bool:
    """Run a folder benchmark (``corpus/`` plus one ``*.jsonl``) for every retriever; False
    when the hybrid misses a gate threshold or falls below one of its parts."""
    from assistant.evaluation.benchmark import load_benchmark, run_benchmark

    result = run_benchmark(settings, folder / "corpus", load_benchmark(folder), echo)
    _write_benchmark(result, json_out, report, f"Benchmark {folder.name}")
    return _passes_gate(result, gate, echo)


def _passes_gate(result: dict[str, Any], gate: Path | None, echo: Echo) -> bool:
    """Whether a benchmark's hybrid reaches the gate file's minimums and its parts' hit@1 and
    MRR@10 (no gate file: nothing to check)."""
    from assistant.evaluation.benchmark import benchmark_gate_failures

    if not gate:
        return True
    failures = benchmark_gate_failures(result["retrievers"], load_thresholds(gate))
    for failure in failures:
        echo(f"GATE FAILED: {failure}")
    return not failures


def _write_benchmark(
    result: dict[str, Any], json_out: Path | None, report: Path | None, title: str
) -> None:
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"# {title}",
            "",
            "| retriever | hit@1 | hit@5 | MRR@10 | gold cited | answer-span recall |",
            "|---|---|---|---|---|---|",
        ]
        for name, m in result["retrievers"].items():
            span = f"{m['answer_span_recall']:.3f}" if "answer_span_recall" in m else "-"
            lines.append(
                f"| {name} | {m['hit_at_1']:.3f} | {m['hit_at_5']:.3f} | {m['mrr_at_10']:.3f} | "
                f"{m['gold_cited_rate']:.3f} | {span} |"
            )
        report.write_text("\n".join(lines) + "\n", encoding="utf-8")
