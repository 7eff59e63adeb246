"""Ingest and ask against a real Chroma server (`chroma run` on 127.0.0.1)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.service import Assistant
from tests.conftest import CORPUS, free_port, make_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
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


def test_ingest_and_ask_through_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, chroma_mode="http", chroma_port=chroma_server)
    assistant = Assistant(settings)
    laws = tmp_path / "corpus"
    laws.mkdir()
    for name in (
        "504CO0000000394_suishinho-sekorei.md",
        "504AC0000000043_keizai-anzen-hosho-suishinho.md",
    ):
        shutil.copy(CORPUS / "laws" / name, laws / name)
    report = assistant.ingest([laws])
    assert report.ok and len(report.added) == 2

    answer = assistant.ask("施設委託管理者は事業年度終了後いつまでに何を提出しますか？")
    assert not answer.abstained
    assert any(c.chunk.article == "第四十五条" for c in answer.citations)
    assert "三月以内" in answer.text

    # A second client sees the same committed index on the server.
    again = Assistant(settings).ingest([laws])
    assert len(again.unchanged) == 2 and again.chunks_embedded == 0


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.errors import IndexStoreError

    settings = make_settings(tmp_path, chroma_mode="http", chroma_port=free_port())
    with pytest.raises(IndexStoreError, match=r"Chroma server at 127\.0\.0\.1"):
        Assistant(settings)
