"""Embedding throughput: torch float32, torch bfloat16, ONNX int8 and OpenVINO side by side.

Run from the repository root after set-up (``assistant prepare-model --onnx --openvino``):

    .venv/bin/python evals/benchmarks/embedding_speed.py [--chunks 200] [--sentences 300]
    .venv/bin/python evals/benchmarks/embedding_speed.py --late-chunking [--chunks 100]

Each backend runs in a child process of its own, so its peak resident memory (VmHWM) is its
own: model load plus embedding ``--chunks`` passages of about 450 characters packed from the
shipped laws, then ``--sentences`` single sentences (torch in batches of ``--batch-size``, ONNX one text per
run as the product does; after one warm-up batch).
CPU time per text is reported beside wall time: on a machine shared with other work, wall
time says more about the neighbours than about the backend (use ``--threads 1`` there, as
idle threads spinning for work count as CPU time too). ``--late-chunking`` compares, on one backend, embedding chunks alone, chunks with their
sentence vectors pooled from the same pass, and the chunks' sentences embedded one by one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from japanese_texts import law_sentences, pack_passages, split_sentences  # noqa: E402

from assistant.config import DEFAULT_MODEL_DIR  # noqa: E402
from assistant.embedding import (  # noqa: E402
    SentenceTransformerEmbedder,
    TokenEmbedder,
    embed_with_sentences,
    locate_sentences,
)

MODEL = str(ROOT / DEFAULT_MODEL_DIR)
BACKENDS = ("torch-float32", "torch-bfloat16", "onnx-int8", "openvino")


def make_embedder(backend: str, batch_size: int, threads: int = 0) -> TokenEmbedder:
    """One embedder per backend name; ``threads`` 0 leaves each library its default."""
    if backend == "openvino":
        from assistant.embedding.openvino_runtime import OpenVinoEmbedder

        # batches of 4 as build_embedder, two at a time (one stream per core)
        return OpenVinoEmbedder(MODEL, threads=threads)
    if backend == "onnx-int8":
        from assistant.embedding.onnx_runtime import OnnxEmbedder

        return OnnxEmbedder(MODEL, threads=threads)  # one text per run, as build_embedder
    if threads:
        import torch

        torch.set_num_threads(threads)
    return SentenceTransformerEmbedder(MODEL, batch_size, backend.removeprefix("torch-"))


def texts(chunks: int, sentences: int) -> tuple[list[str], list[str]]:
    """Passages of about 450 characters and short sentences (15 to 80), from the laws."""
    all_sentences = law_sentences()
    passages = [p for p in pack_passages(all_sentences) if len(p) >= 300]
    short = [s for s in all_sentences if 15 <= len(s) <= 80]
    step_p, step_s = max(len(passages) // chunks, 1), max(len(short) // sentences, 1)
    return passages[::step_p][:chunks], short[::step_s][:sentences]


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM) in MB."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_speed(
    backend: str, chunks: int, sentences: int, batch_size: int, threads: int
) -> dict[str, float]:
    """Passages and sentences per second (wall) and CPU seconds per text, on one backend."""
    passages, short = texts(chunks, sentences)
    embedder = make_embedder(backend, batch_size, threads)
    # loads the model and warms the kernels
    load_s, _ = _timed(lambda: embedder.embed_passages(passages[:batch_size]))
    passage_s, passage_cpu = _timed(lambda: embedder.embed_passages(passages))
    sentence_s, sentence_cpu = _timed(lambda: embedder.embed_passages(short))
    return {
        "chunks": len(passages),
        "mean_chunk_chars": sum(map(len, passages)) / len(passages),
        "chunks_per_s": len(passages) / passage_s,
        "cpu_ms_per_chunk": 1000 * passage_cpu / len(passages),
        "sentences": len(short),
        "sentences_per_s": len(short) / sentence_s,
        "cpu_ms_per_sentence": 1000 * sentence_cpu / len(short),
        "load_and_first_batch_s": load_s,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_late_chunking(
    backend: str, chunks: int, batch_size: int, threads: int
) -> dict[str, float]:
    """Chunks alone, chunks + pooled sentence vectors, and every sentence embedded alone."""
    passages, _ = texts(chunks, 1)
    sentences = [split_sentences(p) for p in passages]
    spans = [locate_sentences(p, s) for p, s in zip(passages, sentences, strict=True)]
    flat = [s for group in sentences for s in group]
    embedder = make_embedder(backend, batch_size, threads)
    embedder.embed_passages(passages[:batch_size])
    timings: dict[str, float] = {}
    started = time.perf_counter()
    chunk_only = np.asarray(embedder.embed_passages(passages))
    timings["chunks_only_s"] = time.perf_counter() - started
    started = time.perf_counter()
    chunk_vectors, pooled = embed_with_sentences(embedder, passages, spans)
    timings["chunks_with_late_sentences_s"] = time.perf_counter() - started
    started = time.perf_counter()
    alone = np.asarray(embedder.embed_passages(flat))
    timings["sentences_alone_s"] = time.perf_counter() - started
    late = np.concatenate(pooled)
    return timings | {
        "chunks": len(passages),
        "sentences": len(flat),
        "chunk_vector_cosine_min": float((chunk_only * chunk_vectors).sum(axis=1).min()),
        "late_vs_alone_cosine_mean": float((late * alone).sum(axis=1).mean()),
        "late_vs_alone_cosine_min": float((late * alone).sum(axis=1).min()),
        "peak_rss_mb": peak_rss_mb(),
    }


def _child(args: argparse.Namespace, backend: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", backend, "--chunks", str(args.chunks)]
    command += ["--sentences", str(args.sentences), "--batch-size", str(args.batch_size)]
    command += ["--threads", str(args.threads)]
    if args.late_chunking:
        command.append("--late-chunking")
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--threads", type=int, default=0, help="0: each library's default.")
    parser.add_argument("--late-chunking", action="store_true")
    parser.add_argument("--child", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args()
    if args.child:
        if args.late_chunking:
            result = measure_late_chunking(args.child, args.chunks, args.batch_size, args.threads)
        else:
            result = measure_speed(
                args.child, args.chunks, args.sentences, args.batch_size, args.threads
            )
        print(json.dumps(result))
        return
    results = {backend: _child(args, backend) for backend in args.backends}
    for backend, result in results.items():
        print(backend.ljust(16), "  ".join(f"{k} {v:.4g}" for k, v in result.items()), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
