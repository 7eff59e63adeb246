"""Scale benchmark: the product on corpora of 1k, 10k and 100k distinct distractor chunks.

Run from the repository root after set-up (it takes long: about the ingest time per size,
which embeds every chunk and stores its sentences' vectors; the 100k size takes hours on two
cores):

    .venv/bin/python evals/benchmarks/scale.py --sizes 1000 10000 [--json OUT.json]
    .venv/bin/python evals/benchmarks/scale.py --sizes 300 --skip-serve   # a quick smoke run
    .venv/bin/python evals/benchmarks/scale.py --kept FOLDER   # a --keep folder, today's code

For each size N it writes, in a temporary folder, the shipped corpus (so the domain dataset's
gold documents are there) plus N distractor chunks of real Japanese text: sentences of the
shipped laws and article, of the JSQuAD validation paragraphs and of the govfaq answers,
recombined at random into passages of 250 to 440 characters, no two alike. Each passage is
its own Markdown section, so it becomes exactly one chunk. Then it drives the product only
through its command line, in child processes with ASSISTANT_INDEX_DIR, ASSISTANT_DATA_DIR and
ASSISTANT_CORPUS_DIR pointing there (any other ASSISTANT_* setting, such as
ASSISTANT_EMBEDDING_BACKEND, is passed on):

* ``assistant ingest``: wall time, chunks per second, peak RSS; then the index size on disk;
* ``assistant eval --dataset evals/datasets/domain.jsonl``: hit@5 and must_include recall with
  the distractors present, ask latency p50/p95 over its 127 questions (one process, after
  its warm-up: the first start after the ingest, which finds every sentence stored), its
  warm-up time and peak RSS;
* ``assistant ask`` once more in a new process: time to the first answer after a restart;
* ``assistant serve``: seconds until the page answers, and its peak RSS SERVE_SETTLE_S seconds
  later (its background warm-up done).

Peak RSS is each child's own (``os.wait4``), including the children it waited for.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from japanese_texts import (
    CORPUS,
    ROOT,
    govfaq_sentences,
    jsquad_sentences,
    law_sentences,
)
from serving import serve_start

# The command line of the checkout this script lives in (``-m`` from its root), whichever
# package the interpreter's console script would import.
ASSISTANT = [sys.executable, "-m", "assistant.cli"]
DATASET = ROOT / "evals" / "datasets" / "domain.jsonl"
RESTART_QUESTION = "特定重要設備の導入計画書はいつまでに届け出る必要がありますか？"
MIN_CHARS, MAX_CHARS = 250, 440
PER_DOCUMENT = 100
# Seconds `serve` runs on after its page answers before its peak memory is read: the
# sentences' words are warmed in the background once the page is up (8 s at 10k chunks).
SERVE_SETTLE_S = 30


def sentence_pool() -> list[str]:
    """Every distinct sentence of the four sources, 8 to 200 characters long."""
    sentences = law_sentences() + jsquad_sentences() + govfaq_sentences()
    return [s for s in dict.fromkeys(sentences) if 8 <= len(s) <= 200]


def distractor_chunks(count: int, seed: int = 18, pool: Sequence[str] | None = None) -> list[str]:
    """``count`` distinct passages of MIN_CHARS to MAX_CHARS, random sentences of the pool."""
    pool = list(pool if pool is not None else sentence_pool())
    rng = random.Random(seed)
    seen: set[str] = set()
    chunks: list[str] = []
    while len(chunks) < count:
        text = ""
        while len(text) < MIN_CHARS:
            sentence = pool[rng.randrange(len(pool))]
            if len(text) + len(sentence) <= MAX_CHARS:
                text += sentence
        if text not in seen:
            seen.add(text)
            chunks.append(text)
    return chunks


def write_corpus(folder: Path, count: int, seed: int = 18) -> int:
    """Copy the shipped corpus into ``folder`` and add ``count`` distractor chunks as Markdown.

    Returns the number of distractor files. Each file holds PER_DOCUMENT sections; a section's
    passage is shorter than the chunk size, so the chunker makes it exactly one chunk.
    """
    shutil.copytree(CORPUS, folder)
    target = folder / "distractors"
    target.mkdir()
    chunks = distractor_chunks(count, seed)
    files = 0
    for first in range(0, len(chunks), PER_DOCUMENT):
        sections = [
            f"## 参考資料 {first + i + 1:06d}\n\n{text}\n"
            for i, text in enumerate(chunks[first : first + PER_DOCUMENT])
        ]
        document = f"# 参考資料集 第{files + 1}集\n\n" + "\n".join(sections)
        (target / f"reference-{files + 1:05d}.md").write_text(document, encoding="utf-8")
        files += 1
    return files


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    seconds: float
    peak_mb: float
    stdout: str


def run(command: list[str], env: dict[str, str]) -> Run:
    """Run a command of the product; its wall time, its own peak RSS and its output."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        assert process.stderr is not None
        errors = process.stderr.read().decode(errors="replace")
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read()
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[3:5])} failed ({process.returncode}): {errors[-2000:]}"
        )
    return Run(seconds, usage.ru_maxrss / 1024, stdout)


def product_env(workdir: Path) -> dict[str, str]:
    """The caller's environment with the index, data and corpus in ``workdir``."""
    env = dict(os.environ)
    env.update(
        ASSISTANT_INDEX_DIR=str(workdir / "index"),
        ASSISTANT_DATA_DIR=str(workdir / "data"),
        ASSISTANT_CORPUS_DIR=str(workdir / "corpus"),
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    return env


def folder_mb(folder: Path) -> float:
    """Bytes of every file under ``folder``, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(size: int, workdir: Path, serve: bool) -> dict[str, float]:
    """Every figure for one corpus size (see the module docstring)."""
    files = write_corpus(workdir / "corpus", size)
    env = product_env(workdir)
    ingest = run([*ASSISTANT, "ingest", str(workdir / "corpus")], env)
    chunks = int(ingest.stdout.split(" chunks embedded")[0].split()[-1])
    figures = {
        "distractor_chunks": size,
        "distractor_files": files,
        "chunks_indexed": chunks,
        "ingest_s": ingest.seconds,
        "ingest_chunks_per_s": chunks / ingest.seconds,
        "ingest_peak_rss_mb": ingest.peak_mb,
        "index_mb": folder_mb(workdir / "index"),
    }
    # Written at once: the ingest is the hour-long part, and a later step that fails (the
    # 100k run of session 24 stopped in its evaluation) must not take its figures with it.
    (workdir / "ingest.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"ingest figures: {json.dumps(figures)}", file=sys.stderr, flush=True)
    return figures | measure_index(workdir, serve)


def measure_index(workdir: Path, serve: bool) -> dict[str, float]:
    """The figures of an indexed folder: evaluation, a restart, ``serve`` (for a folder just
    ingested, or one kept by ``--keep`` and measured again with today's code: ``--kept``)."""
    env = product_env(workdir)
    eval_json = workdir / "eval.json"
    evaluation = run([*ASSISTANT, "eval", "--dataset", str(DATASET), "--json", str(eval_json)], env)
    result = json.loads(eval_json.read_text(encoding="utf-8"))
    metrics = result["metrics"]
    restart = run([*ASSISTANT, "ask", "--json", RESTART_QUESTION], env)
    figures = {
        "first_warm_up_s": result.get("warm_up_s", float("nan")),
        "eval_peak_rss_mb": evaluation.peak_mb,
        "ask_p50_ms": metrics["latency_p50_ms"],
        "ask_p95_ms": metrics["latency_p95_ms"],
        "asked": metrics["cases"],
        "hit_at_5": metrics["hit_at_5"],
        "must_include_recall": metrics["must_include_recall"],
        "restart_to_first_answer_s": restart.seconds,
        "restart_ask_peak_rss_mb": restart.peak_mb,
    }
    if serve:
        figures["serve_ready_s"], figures["serve_peak_rss_mb"] = serve_start(
            ASSISTANT, env, ROOT, 3600, settle_s=SERVE_SETTLE_S
        )
    return figures


def _report(
    title: str, figures: dict[str, float], results: dict[str, Any], out: Path | None
) -> None:
    """Print one run's figures, and write every result so far to ``out`` (if given)."""
    print(f"== {title}", flush=True)
    for name, value in figures.items():
        print(f"  {name:28s} {value:12.3f}", flush=True)
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--json", type=Path, help="Write the figures here as JSON.")
    parser.add_argument("--skip-serve", action="store_true", help="Do not start the server.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folders.")
    parser.add_argument(
        "--kept",
        type=Path,
        nargs="+",
        default=[],
        help="Folders an earlier run kept: measure them again (no ingest) instead of --sizes.",
    )
    args = parser.parse_args()
    # The settings the product ran with (ASSISTANT_SENTENCE_VECTORS, ..._EMBEDDING_BACKEND...),
    # written with the figures so a run says what it measured.
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith("ASSISTANT_")}
    results: dict[str, dict[str, float] | dict[str, str]] = {"settings": settings}
    for workdir in args.kept:
        results[str(workdir)] = figures = measure_index(workdir, serve=not args.skip_serve)
        _report(f"{workdir} (kept) {settings or ''}", figures, results, args.json)
    if args.kept:
        return
    for size in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"assistant-scale-{size}-"))
        try:
            results[str(size)] = figures = measure(size, workdir, serve=not args.skip_serve)
        finally:
            if args.keep:
                print(f"kept {workdir}", file=sys.stderr)
            else:
                shutil.rmtree(workdir, ignore_errors=True)
        _report(f"{size} distractor chunks {settings or ''}", figures, results, args.json)


if __name__ == "__main__":
    main()
