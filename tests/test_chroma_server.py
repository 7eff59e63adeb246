"""Ingest and ask against a real Chroma server (`chroma run` on 127.0.0.1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service import Assistant
from tests.conftest import CORPUS, free_port, make_settings

pytestmark = pytest.mark.integration


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
