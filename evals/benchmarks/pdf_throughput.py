"""PDF ingestion throughput on the generated 300-page ministry-style fixture.

Two figures, in pages per second:

* extraction and chunking: ``load_document`` (pypdf, layout analysis, header/footer removal,
  line joining, structure) plus ``split_into_chunks``; embedding excluded. Target: >= 20.
* the whole pipeline: ``Assistant.ingest`` of the same file into a fresh temporary index
  (extraction, chunking, embedding, Chroma, keyword index), with the configured embedding
  model (the local multilingual-e5-small by default; ``--fake-embedder`` for the hashing fake).
  The model is loaded before the clock starts.

Prints one JSON object on stdout and a human-readable summary line on stderr.

    .venv/bin/python evals/benchmarks/pdf_throughput.py [--pages 300] [--repeat 3]
        [--fake-embedder] [--skip-pipeline]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script: the package and the fixture generator

import pypdf  # noqa: E402

from assistant.chunking import split_into_chunks  # noqa: E402
from assistant.config import DEFAULT_MODEL_DIR, load_settings  # noqa: E402
from assistant.embedding import Embedder, HashingEmbedder, SentenceTransformerEmbedder  # noqa: E402
from assistant.ingest import load_document  # noqa: E402
from tests.pdf_fixtures import write_long_pdf  # noqa: E402

TARGET_PAGES_PER_SECOND = 20.0


def measure_extraction(path: Path, pages: int, repeat: int) -> dict[str, Any]:
    """Seconds (median of ``repeat`` runs) to extract and chunk the PDF, and pages/s."""
    timings = []
    chunks = 0
    for _ in range(repeat):
        start = time.perf_counter()
        chunks = len(split_into_chunks(load_document(path)))
        timings.append(time.perf_counter() - start)
    seconds = statistics.median(timings)
    return {
        "runs": repeat,
        "seconds_median": round(seconds, 3),
        "seconds_best": round(min(timings), 3),
        "pages_per_second": round(pages / seconds, 1),
        "chunks": chunks,
        "meets_target": pages / seconds >= TARGET_PAGES_PER_SECOND,
    }


def _embedder(fake: bool) -> Embedder:
    if fake:
        return HashingEmbedder()
    settings = load_settings(embedding_model=str(ROOT / DEFAULT_MODEL_DIR))
    embedder = SentenceTransformerEmbedder(
        settings.embedding_model, settings.embedding_batch_size, settings.embedding_dtype
    )
    embedder.embed_query("モデルの読み込み")  # load the model before the clock starts
    return embedder


def measure_pipeline(path: Path, pages: int, fake: bool, work: Path) -> dict[str, Any]:
    """Seconds for one ``Assistant.ingest`` of the PDF into an empty index, and pages/s."""
    from assistant.service import Assistant

    embedder = _embedder(fake)
    corpus = work / "corpus"
    corpus.mkdir()
    settings = load_settings(
        index_dir=work / "index",
        data_dir=work / "data",
        corpus_dir=corpus,
        embedding_model=str(ROOT / DEFAULT_MODEL_DIR),
    )
    assistant = Assistant(settings, embedder)
    start = time.perf_counter()
    report = assistant.ingest([path], prune=False)
    seconds = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"ingest failed: {report.failed}")
    return {
        "embedder": embedder.name,
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 2),
        "chunks_embedded": report.chunks_embedded,
        "chunks_per_second": round(report.chunks_embedded / seconds, 1),
    }


def _summary(result: dict[str, Any]) -> str:
    extraction = result["extraction_and_chunking"]
    line = (
        f"{result['pages']}-page PDF: extraction + chunking {extraction['pages_per_second']} "
        f"pages/s ({extraction['seconds_median']} s, target >= {TARGET_PAGES_PER_SECOND:.0f}: "
        f"{'met' if extraction['meets_target'] else 'NOT met'})"
    )
    pipeline = result.get("pipeline")
    if pipeline:
        line += (
            f"; whole pipeline with {pipeline['embedder']}: {pipeline['pages_per_second']} "
            f"pages/s ({pipeline['seconds']} s, {pipeline['chunks_per_second']} chunks/s)"
        )
    return line


def main() -> None:
    """Generate the fixture, measure, print JSON (stdout) and a summary line (stderr)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fake-embedder", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="pdf-throughput-") as folder:
        work = Path(folder)
        fixture = write_long_pdf(work / "long.pdf", args.pages)
        result: dict[str, Any] = {
            "pages": fixture.pages,
            "file_mb": round(fixture.path.stat().st_size / 1e6, 2),
            "extraction_and_chunking": measure_extraction(fixture.path, fixture.pages, args.repeat),
            "pypdf": pypdf.__version__,
            "cpus": os.cpu_count(),
        }
        if not args.skip_pipeline:
            result["pipeline"] = measure_pipeline(
                fixture.path, fixture.pages, args.fake_embedder, work
            )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(_summary(result), file=sys.stderr)


if __name__ == "__main__":
    main()
