"""The documents page's library over the fake assistant: good, bad and clashing uploads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.ui.documents import DocumentLibrary
from tests.ui.conftest import remove_uploads

RULES = "社内輸出管理規程\n\n第五条（記録の保存）\n該非判定の記録は、判定の日から七年間保存しなければならない。\n"


@pytest.fixture()
def library(shared_fake_assistant: Any, tmp_path: Path) -> Iterator[DocumentLibrary]:
    yield DocumentLibrary(shared_fake_assistant, tmp_path / "uploads")
    remove_uploads(shared_fake_assistant)


def _file(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_upload_is_copied_indexed_and_searchable(library: DocumentLibrary, tmp_path: Path) -> None:
    outcome = library.add(_file(tmp_path / "browser", "rules.txt", RULES))
    assert outcome.ok and "登録しました" in outcome.message
    assert (library.upload_dir / "rules.txt").exists()
    hits = library._assistant.search("該非判定の記録の保存期間", k=3)
    assert hits[0].chunk.source == "rules.txt"
    assert "rules.txt" in library.table_html() and "アップロード" in library.table_html()
    assert ("社内輸出管理規程", "rules.txt") in library.choices()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("broken.pdf", "not a pdf", "not a PDF"),
        ("empty.md", "", "empty"),
        ("binary.txt", b"\x00\x01\x02" * 10, "binary"),
        ("slides.pptx", "x", "対応していない形式"),
    ],
)
def test_bad_file_is_refused_and_changes_nothing(
    library: DocumentLibrary, tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    before = library._assistant.documents()
    outcome = library.add(_file(tmp_path / "browser", name, content))
    assert not outcome.ok and problem in outcome.message and name in outcome.message
    assert library._assistant.documents() == before
    assert not (library.upload_dir / name).exists()


def test_a_name_already_indexed_from_the_corpus_is_refused(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    name = "504AC0000000043_keizai-anzen-hosho-suishinho.md"
    before = library._assistant.documents()
    outcome = library.add(_file(tmp_path / "browser", name, "# 偽物\n本文"))
    assert not outcome.ok and "同じ名前" in outcome.message
    assert library._assistant.documents() == before


def test_a_bad_new_version_keeps_the_old_one(library: DocumentLibrary, tmp_path: Path) -> None:
    assert library.add(_file(tmp_path / "v1", "rules.txt", RULES)).ok
    assert not library.add(_file(tmp_path / "v2", "rules.txt", b"\x00" * 20)).ok
    assert (library.upload_dir / "rules.txt").read_text(encoding="utf-8") == RULES
    assert any(d.source == "rules.txt" for d in library._assistant.documents())


def test_delete_removes_the_document_and_its_uploaded_file(
    library: DocumentLibrary, tmp_path: Path
) -> None:
    library.add(_file(tmp_path / "browser", "rules.txt", RULES))
    outcome = library.remove("rules.txt")
    assert outcome.ok and "削除しました" in outcome.message
    assert not (library.upload_dir / "rules.txt").exists()
    assert all(d.source != "rules.txt" for d in library._assistant.documents())
    assert not library.remove("rules.txt").ok
