"""Crash safety: an ingest killed with SIGKILL leaves an index that answers, and a re-run
completes it with no duplicate or orphaned chunks.

Two kinds of kill. A worker process with the fast fake embedder kills itself right before a
chosen store operation, so that each dangerous moment is hit exactly (chunks written but not
committed; new chunks committed but replaced ones not yet deleted). And the real command,
``python -m assistant.cli ingest``, with the real model, is killed from outside mid-batch.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.chunking import split_into_chunks
from assistant.embedding import HashingEmbedder
from assistant.index.writer import EMBED_GROUP
from assistant.ingest import load_document
from assistant.service import Assistant
from tests import pdf_fixtures as fx
from tests.conftest import ROOT, make_settings

QUESTION = "この法律の目的は何ですか"
# Kills its own process (SIGKILL: no cleanup, no flush) right before the N-th call of one
# ChromaStore method, then runs an ordinary ingest of a folder.
WORKER = """
import os, signal, sys
from pathlib import Path
from assistant.config import load_settings
from assistant.embedding import HashingEmbedder
from assistant.index.chroma import ChromaStore
from assistant.service import Assistant

method, nth, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
original = getattr(ChromaStore, method)
calls = 0

def dying(self, *args, **kwargs):
    global calls
    calls += 1
    if calls == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(self, *args, **kwargs)

setattr(ChromaStore, method, dying)
Assistant(load_settings(), HashingEmbedder()).ingest([folder])
"""


def _environment(tmp_path: Path, corpus: Path) -> dict[str, str]:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    return {
        **os.environ,
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_DATA_DIR": str(settings.data_dir),
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_EMBEDDING_MODEL": settings.embedding_model,
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _documents(folder: Path, count: int, pages: int = 1) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [fx.write_law_pdf(folder / f"law-{i:02d}.pdf", pages=pages).path for i in range(count)]


def _assert_complete(assistant: Assistant, files: list[Path]) -> None:
    """Every file indexed once, and Chroma holds exactly the chunks the manifest names."""
    manifest = assistant.pipeline.store.manifest()
    assert sorted(manifest) == sorted(f.name for f in files)
    live = [cid for entry in manifest.values() for cid in entry.chunk_ids]
    assert len(live) == len(set(live))  # no chunk listed twice
    assert assistant.pipeline.store.stored_chunk_ids() == set(live)  # no orphans, nothing missing


def _run_worker(tmp_path: Path, folder: Path, method: str = "commit", nth: int = 0) -> None:
    """Ingest ``folder`` in a worker process that dies before the nth call (0: never)."""
    worker = subprocess.run(
        [sys.executable, "-c", WORKER, method, str(nth), str(folder)],
        env=_environment(tmp_path, folder),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == (-signal.SIGKILL if nth else 0), worker.stderr[-2000:]


def test_kill_between_writing_chunks_and_committing_them(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    files = _documents(folder, 5)
    # Files 1-2 committed; file 3's chunks written (with the rest of its embedding group).
    _run_worker(tmp_path, folder, "commit", 3)

    assistant = Assistant(make_settings(tmp_path, corpus_dir=folder), HashingEmbedder())
    committed = assistant.pipeline.store.manifest()
    assert sorted(committed) == [files[0].name, files[1].name]
    live = {cid for entry in committed.values() for cid in entry.chunk_ids}
    uncommitted = assistant.pipeline.store.stored_chunk_ids() - live
    assert uncommitted  # the third file's chunks are in Chroma...
    hits = assistant.search(QUESTION, k=10)
    assert hits and {h.chunk.source for h in hits} <= set(committed)  # ...but never shown
    assert not assistant.ask(QUESTION).abstained

    report = assistant.ingest([folder])
    assert sorted(report.added) == [f.name for f in files[2:]] and report.ok
    manifest = assistant.pipeline.store.manifest()
    assert set(manifest[files[2].name].chunk_ids) <= uncommitted
    # Everything the killed run wrote is reused; only chunks it never wrote are embedded.
    now_live = {cid for entry in manifest.values() for cid in entry.chunk_ids}
    assert report.chunks_embedded == len(now_live - uncommitted - live)
    _assert_complete(assistant, files)


def test_kill_after_a_reingest_committed_but_before_old_chunks_were_deleted(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "docs"
    files = _documents(folder, 3)
    # Chroma on disk is single-process: this process opens the index only once writers are gone.
    _run_worker(tmp_path, folder)
    fx.write_action_plan_pdf(files[1], "2025")  # the same file name, re-issued with new text
    _run_worker(tmp_path, folder, "delete_chunks", 1)

    assistant = Assistant(make_settings(tmp_path, corpus_dir=folder), HashingEmbedder())
    manifest = assistant.pipeline.store.manifest()
    changed = manifest[files[1].name]
    live = {cid for entry in manifest.values() for cid in entry.chunk_ids}
    assert assistant.pipeline.store.stored_chunk_ids() > live  # the replaced chunks are still there
    hits = assistant.search("重点分野は何ですか", k=5)
    assert hits[0].chunk.source == files[1].name and "四分野" in hits[0].chunk.text
    assert all(
        h.chunk.chunk_id in changed.chunk_ids for h in hits if h.chunk.source == changed.source
    )

    report = assistant.ingest([folder])
    assert sorted(report.unchanged) == sorted(f.name for f in files) and report.ok
    _assert_complete(assistant, files)


def _read_until_indexed(process: subprocess.Popen[str], count: int, limit_s: float) -> list[str]:
    """stderr lines of the CLI until ``count`` files are reported indexed."""
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + limit_s
    while sum(line.startswith("indexed ") for line in lines) < count:
        line = process.stderr.readline()
        assert line and time.monotonic() < deadline, "".join(lines[-20:])
        lines.append(line)
    return lines


@pytest.mark.integration
def test_cli_ingest_killed_midway_recovers_on_rerun(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    # Enough text for several embedding groups, so the kill lands between two commits.
    files = _documents(folder, 6, pages=6)
    assert sum(len(split_into_chunks(load_document(f))) for f in files) > 2 * EMBED_GROUP
    cli = [sys.executable, "-m", "assistant.cli", "-v", "ingest", str(folder)]
    env = _environment(tmp_path, folder)
    process = subprocess.Popen(cli, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        _read_until_indexed(process, 1, limit_s=120)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assistant = Assistant(make_settings(tmp_path, corpus_dir=folder))  # the real model
    indexed = assistant.pipeline.store.manifest()
    assert 1 <= len(indexed) < len(files)
    answer = assistant.ask(QUESTION)
    assert not answer.abstained and {c.chunk.source for c in answer.citations} <= set(indexed)

    report = assistant.ingest([folder])
    assert report.ok and len(report.added) + len(report.unchanged) == len(files)
    assert sorted(report.unchanged) == sorted(indexed)
    _assert_complete(assistant, files)
