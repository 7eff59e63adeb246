"""Shared fixtures.

Every test runs with no ASSISTANT_* variables from the outside world and HF_HUB_OFFLINE=1, so no
test can reach a model hub by accident. Integration tests share one real Assistant over the
shipped corpus (real model, real Chroma on disk), built once per session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.config import DEFAULT_MODEL_DIR, Settings, load_settings
from assistant.embedding import HashingEmbedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings whose index and data live in a temporary folder."""
    values: dict[str, object] = {
        "index_dir": tmp / "index",
        "data_dir": tmp / "data",
        "corpus_dir": CORPUS,
        "embedding_model": str(ROOT / DEFAULT_MODEL_DIR),
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture()
def fake_assistant(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An Assistant with the hashing fake embedder over the shipped corpus (fast)."""
    from assistant.service import Assistant

    assistant = Assistant(make_settings(tmp_path), HashingEmbedder())
    assistant.ingest([CORPUS])
    return assistant


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The real thing: converted e5 model, Chroma on disk, the whole shipped corpus."""
    from assistant.service import Assistant

    os.environ["HF_HUB_OFFLINE"] = "1"
    tmp = tmp_path_factory.mktemp("real")
    seed = os.environ.get("TEST_SEED_INDEX")  # a built index to start from (local reruns only)
    if seed:
        shutil.copytree(seed, tmp / "index")
    assistant = Assistant(make_settings(tmp))
    report = assistant.ingest([CORPUS])
    assert report.ok, report.failed
    assistant.warm_up()  # as when serving and evaluating (the ingest stored every sentence)
    yield assistant


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real `chroma run` server on a free loopback port, for the module's tests."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("chroma run did not answer its heartbeat within 60 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
