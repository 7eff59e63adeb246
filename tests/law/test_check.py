"""``assistant corpus check``: the shipped corpus passes; broken law files fail by name."""

from pathlib import Path

from click.testing import CliRunner

from assistant.catalog import load_catalog
from assistant.cli import main
from assistant.ingest.law import parse_law
from assistant.law.check import check_corpus, check_law
from tests.conftest import CORPUS

LAW = """---
law_id: "999AC0000000001"
---

# 試験法

## 第一章 総則

### 第一条

この法律は、試験の目的を定める。

### 第二条

次に掲げる者は、届け出なければならない。

**一**
事業者

**２**
前項の届出は、書面でする。

### 第三条から第五条まで

削除

### 第六条

第二条の規定に違反した者は、十万円以下の罰金に処する。
"""

CATALOG = """documents:
  - file: laws/test.md
    title: 試験法
    kind: law
"""


def _messages(text: str) -> list[str]:
    return [str(p) for p in check_law("test.md", parse_law(text))]


def _corpus(tmp_path: Path, law: str = LAW) -> Path:
    (tmp_path / "laws").mkdir()
    (tmp_path / "laws" / "test.md").write_text(law, encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    return tmp_path


def test_the_shipped_corpus_passes() -> None:
    assert check_corpus(CORPUS, load_catalog(CORPUS)) == []


def test_a_sound_law_with_a_deleted_range_passes() -> None:
    assert _messages(LAW) == []


def test_empty_article_is_named() -> None:
    broken = LAW.replace("この法律は、試験の目的を定める。", "")
    assert _messages(broken) == ["test.md: 第一条: empty article (no text)"]


def test_duplicated_article_is_named() -> None:
    broken = LAW.replace("### 第六条", "### 第五条")
    assert _messages(broken) == ["test.md: 第五条: duplicate article number"]


def test_unparseable_item_is_named() -> None:
    broken = LAW.replace("**一**", "**一号**")
    assert _messages(broken) == ["test.md: 第二条: line 17: unreadable label '一号'"]


def test_gap_without_deletion_is_named() -> None:
    broken = LAW.replace("### 第三条から第五条まで\n\n削除\n\n", "")
    assert _messages(broken) == ["test.md: 第六条: articles missing before it (no 削除 says so)"]


def test_duplicated_paragraph_is_named() -> None:
    broken = LAW.replace("**２**", "**１**\n理由。\n\n**１**")
    assert "test.md: 第二条: duplicate paragraph １" in _messages(broken)


def test_catalog_and_files_must_match(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (corpus / "notes.txt").write_text("メモ", encoding="utf-8")
    (corpus / "catalog.yaml").write_text(
        CATALOG + "  - file: laws/gone.md\n    title: 消えた法\n    kind: law\n", encoding="utf-8"
    )
    messages = [str(p) for p in check_corpus(corpus, load_catalog(corpus))]
    assert messages == [
        "laws/gone.md: listed in the catalog but the file does not exist",
        "notes.txt: not listed in catalog.yaml",
    ]


def test_command_exits_1_and_names_the_problem(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, LAW.replace("### 第六条", "### 第五条"))
    result = CliRunner().invoke(main, ["corpus", "check", str(corpus)])
    assert result.exit_code == 1
    assert "error: test.md: 第五条: duplicate article number" in result.output


def test_command_passes_on_a_sound_corpus(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["corpus", "check", str(_corpus(tmp_path))])
    assert result.exit_code == 0, result.output


def test_a_subject_index_provision_that_is_not_in_the_corpus_is_named(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    (corpus / "subjects.yaml").write_text(
        "subjects:\n"
        "  - subject: 試験の届出\n"
        "    asked_as: [[試験, 届]]\n"
        "    provisions:\n"
        "      - {file: laws/test.md, article: 第二条}\n"
        "      - {file: laws/test.md, article: 第九条}\n"
        "      - {file: laws/gone.md, article: 第一条}\n",
        encoding="utf-8",
    )
    messages = [str(p) for p in check_corpus(corpus, load_catalog(corpus))]
    assert messages == [
        "subjects.yaml: subject '試験の届出': test.md 第九条: no such article",
        "subjects.yaml: subject '試験の届出': gone.md 第一条: no such law file",
    ]
