from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import load_document
from assistant.ingest.html import parse_html
from assistant.ingest.text import parse_text
from tests.conftest import CORPUS


def test_article_boilerplate_is_dropped() -> None:
    path = CORPUS / "articles" / "jihyo-2025-08-fukunaga-keizai-anpo.txt"
    document = load_document(path)
    text = "\n".join(b.text for b in document.blocks)
    assert "お問い合わせはこちら" not in text
    assert "GOCO" in text


def test_plain_text_law_gets_articles_and_headings() -> None:
    _, blocks = parse_text("見出しの例\n第三条　事業者は、報告しなければならない。\n第四条 削除")
    assert [b.article for b in blocks] == ["第三条", "第四条"]
    assert blocks[0].text == "事業者は、報告しなければならない。"


def test_html_headings_and_paragraphs() -> None:
    html = """<html><head><title>ガイド</title><script>x()</script></head><body>
    <nav>メニュー</nav><h1>事前報告</h1><p>技術を移転する前に報告する。</p>
    <ul><li>項目一</li></ul><footer>お問い合わせはこちら</footer></body></html>"""
    title, blocks = parse_html(html)
    assert title == "ガイド"
    assert blocks[0].heading == "事前報告"
    assert "技術を移転する前に報告する。" in blocks[0].text
    assert all("メニュー" not in b.text and "x()" not in b.text for b in blocks)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"   \n\n", "empty"),
        ("binary.md", b"\x00\x01\x02binary", "binary"),
        ("fake.pdf", b"this is not a pdf", "not a PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_get_a_message_naming_file_and_problem(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as error:
        load_document(path)
    assert name in str(error.value)
    assert message in str(error.value)


def test_shift_jis_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes("第一条 輸出の前に届け出る。".encode("cp932"))
    assert load_document(path).blocks[0].text == "輸出の前に届け出る。"


def test_article_headings_and_title_line() -> None:
    # Paragraphs of the article are indented; its section titles are not, and a section may
    # open with a paragraph shorter than its title.
    path = CORPUS / "articles" / "jihyo-2025-08-fukunaga-keizai-anpo.txt"
    document = load_document(path)
    by_heading = {b.heading: b.text for b in document.blocks}
    section = by_heading["物資・技術アプローチと産業バリューチェーンアプローチ"]
    assert section.startswith("個別の政策アプローチをご紹介します。")
    assert "外国為替および外国貿易法" in section
    # The first line is the title, not a passage of its own.
    assert "" not in by_heading
    assert not any(b.text.startswith("経済安全保障政策の主要ポイント") for b in document.blocks)


def test_a_note_starting_with_a_sentence_keeps_it() -> None:
    title, blocks = parse_text("事前報告は取引の前に行う。\n様式は省令で定める。")
    assert title == "事前報告は取引の前に行う。"
    assert "事前報告は取引の前に行う。" in blocks[0].text
    title, blocks = parse_text("メモ")
    assert title == "メモ" and blocks[0].text == "メモ"
