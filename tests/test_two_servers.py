"""Two `serve` processes over one Chroma server: what one process writes, the others answer
from within seconds (issue #18), with their own keyword index, law links and sentence vectors.

Each server has its own index folder, as on two machines: nothing but the Chroma server is
shared (the user accounts live in one data folder, as a deployment's database would). The new
document is written by `assistant ingest`, a third process, while both servers run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, ROOT, free_port

pytestmark = pytest.mark.integration

ASSISTANT = str(Path(sys.executable).parent / "assistant")
PASSWORD = "two-servers-password"
NEW_DOCUMENT = (
    "# 架空手続の案内\n\n"
    "## 申請窓口\n\n"
    "青嵐（せいらん）技術交流制度の申請は、毎月第三水曜日に北門分室の窓口で受け付ける。\n"
)
QUESTION = "青嵐技術交流制度の申請はどこで受け付けていますか？"


def _env(tmp: Path, name: str, port: int) -> dict[str, str]:
    return dict(
        os.environ,
        ASSISTANT_CHROMA_MODE="http",
        ASSISTANT_CHROMA_PORT=str(port),
        ASSISTANT_INDEX_DIR=str(tmp / name / "index"),
        ASSISTANT_DATA_DIR=str(tmp / "data"),
        ASSISTANT_INDEX_FOLLOW_S="1",
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> None:
    subprocess.run(
        [ASSISTANT, *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited with {process.returncode}"
        try:
            if httpx.get(f"{base}/signin", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"{base} did not answer within 900 s")


def _ask(base: str) -> dict[str, object]:
    with httpx.Client(base_url=base, timeout=120) as client:
        signed = client.post("/signin", data={"name": "staff1", "password": PASSWORD})
        assert signed.status_code == 303
        posted = client.post("/gradio_api/call/ask", json={"data": [QUESTION, "hybrid"]})
        assert posted.status_code == 200
        stream = client.get(f"/gradio_api/call/ask/{posted.json()['event_id']}").text
    lines = [line for line in stream.splitlines() if line.startswith(("event:", "data:"))]
    assert lines[-2] == "event: complete", stream[-500:]
    return dict(json.loads(lines[-1].removeprefix("data:"))[0])


@pytest.fixture()
def servers(chroma_server: int, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    laws = tmp_path / "laws"
    laws.mkdir()
    name = "504CO0000000394_suishinho-sekorei.md"
    (laws / name).write_text((CORPUS / "laws" / name).read_text("utf-8"), "utf-8")
    seed = _env(tmp_path, "seed", chroma_server)
    _run(["ingest", str(laws)], seed)
    _run(["users", "add", "staff1", "--role", "staff", "--password-stdin"], seed, PASSWORD)
    processes: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for server in ("a", "b"):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [ASSISTANT, "serve", "--port", str(port)],
                    env=_env(tmp_path, server, chroma_server),
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            _wait(base, process)
        yield tmp_path, bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def test_a_document_written_by_one_process_is_answered_by_both_servers(
    servers: tuple[Path, list[str]], chroma_server: int
) -> None:
    tmp_path, bases = servers
    for base in bases:
        before = _ask(base)
        assert not any("架空手続" in str(c) for c in before["citations"])  # type: ignore[attr-defined]
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "seiran.md").write_text(NEW_DOCUMENT, "utf-8")
    _run(["ingest", "--no-prune", str(folder)], _env(tmp_path, "writer", chroma_server))
    written = time.monotonic()
    for base in bases:
        deadline = written + 30
        while True:
            answer = _ask(base)
            sources = {c["source"] for c in answer["citations"]}  # type: ignore[attr-defined]
            if "seiran.md" in sources:
                assert "北門分室" in str(answer["answer"])
                break
            assert time.monotonic() < deadline, f"{base} still answers without it: {answer}"
            time.sleep(1)
    assert time.monotonic() - written < 60
