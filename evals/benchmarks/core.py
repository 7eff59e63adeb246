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
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSISTANT = str(Path(sys.executable).parent / "assistant")
DATASET = ROOT / "evals" / "datasets" / "domain.jsonl"


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(env: dict[str, str]) -> tuple[float, float]:
    """Start `assistant serve`, wait for the page; (seconds until it answered, VmHWM in MB)."""
    port = _free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [ASSISTANT, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            raise RuntimeError("serve did not come up within 180 s")
        ready_s = time.monotonic() - started
        time.sleep(2)
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak_kb = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
        )
        return ready_s, peak_kb / 1024
    finally:
        process.terminate()
        process.wait(timeout=30)


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
    assistant.warm_up()  # what `serve` does before it listens: model loaded, sentences embedded
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
        from assistant.pipeline import SENTENCE_VECTORS_FILE

        # First start after an ingest embeds every sentence (the peak memory); a restart reads
        # the vectors that start stored.
        (Path(tmp) / "index" / SENTENCE_VECTORS_FILE).unlink()
        first_start_s, serve_mb = _serve(env)
        restart_s, _ = _serve(env)
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
