"""Benchmark of the core figures: ingest, re-ingest, warm-up, ask latency, serve start and memory.

Run from the repository root after set-up:

    .venv/bin/python evals/benchmarks/core.py [--json OUT.json]

Everything runs on this machine with the real model and a real Chroma index in a temporary
folder, so the shipped index/ is not touched. Ingest and serve run as child processes, so
their wall time includes Python start-up and model loading, as a user would see them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import serve_start  # noqa: E402

ASSISTANT = str(Path(sys.executable).parent / "assistant")
DATASET = ROOT / "evals" / "datasets" / "domain.jsonl"


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _ask_latencies(index_dir: Path) -> tuple[list[float], float]:
    os.environ["ASSISTANT_INDEX_DIR"] = str(index_dir)
    sys.path.insert(0, str(ROOT))
    from assistant.config import load_settings
    from assistant.service import Assistant

    assistant = Assistant(load_settings())
    questions = [
        json.loads(line)["question"] for line in DATASET.read_text("utf-8").splitlines() if line
    ]
    started = time.perf_counter()
    assistant.warm_up()  # what `serve` does before it listens: model loaded, sentences checked
    warm_up_s = time.perf_counter() - started
    latencies = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies, warm_up_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        env = dict(os.environ, ASSISTANT_INDEX_DIR=str(Path(tmp) / "index"), HF_HUB_OFFLINE="1")
        ingest_s = _timed([ASSISTANT, "ingest", "corpus"], env)
        ingest_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        reingest_s = _timed([ASSISTANT, "ingest", "corpus"], env)
        latencies, warm_up_s = _ask_latencies(Path(tmp) / "index")
        latencies.sort()
        # Ingest stored every sentence's vector: the first start after it embeds nothing more
        # than a restart does.
        first_start_s, serve_mb = serve_start([ASSISTANT], env, ROOT, 180, settle_s=2)
        restart_s, _ = serve_start([ASSISTANT], env, ROOT, 180, settle_s=2)
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    figures = {
        "ingest_s": round(ingest_s, 1),
        "ingest_peak_rss_mb": round(ingest_rss),
        "reingest_unchanged_s": round(reingest_s, 2),
        "warm_up_s": round(warm_up_s, 1),
        "serve_first_start_s": round(first_start_s, 1),
        "serve_restart_s": round(restart_s, 1),
        "ask_questions": len(latencies),
        "ask_p50_ms": round(pick(0.50), 1),
        "ask_p95_ms": round(pick(0.95), 1),
        "serve_peak_rss_mb": round(serve_mb),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
