"""The PDF loader on generated ministry-style PDFs and on the bad files users really send."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.chunking import split_into_chunks
from assistant.embedding import HashingEmbedder
from assistant.errors import IngestError
from assistant.ingest import load_document
from assistant.ingest.pdf import parse_pdf
from assistant.ingest.pdf_cleanup import (
    PageLines,
    join_wrapped_lines,
    repeated_edge_lines,
    strip_edges,
)
from assistant.ingest.pdf_layout import Line, lay_out_page
from assistant.ingest.pdf_runs import TextRun, lacks_unicode_map
from assistant.service import Assistant
from assistant.types import Block
from tests import pdf_fixtures as fx
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, fx.FixturePdf]:
    """The readable fixtures, generated once for the module."""
    folder = tmp_path_factory.mktemp("pdfs")
    return {
        "guidance": fx.write_guidance_pdf(folder / "guidance.pdf"),
        "law": fx.write_law_pdf(folder / "law.pdf"),
        "vertical": fx.write_vertical_pdf(folder / "vertical.pdf"),
    }


def _all_text(blocks: tuple[Block, ...]) -> str:
    return "\n".join(b.text for b in blocks)


def _block_with(blocks: tuple[Block, ...], fragment: str) -> Block:
    return next(b for b in blocks if fragment in b.text)


# Line cleaning, on hand-made lines.


def test_only_a_full_line_that_ends_mid_sentence_is_joined() -> None:
    lines = [
        Line("第１　総論"),  # a heading: short, not full
        Line("本指針は、特定重要物資の安定的な供給の確保に関する", full=True),
        Line("基本的な考え方を示すものである。", full=False),
        Line("（１）事業者は、供給途絶のおそれを把握した場合には、", full=True),
        Line("（２）速やかに所管省庁に報告すること。"),  # a new item, never a continuation
        Line("Supply chain resilience is part of the", full=True),
        Line("action plan."),
    ]
    assert [ln.text for ln in join_wrapped_lines(lines)] == [
        "第１　総論",
        "本指針は、特定重要物資の安定的な供給の確保に関する基本的な考え方を示すものである。",
        "（１）事業者は、供給途絶のおそれを把握した場合には、",
        "（２）速やかに所管省庁に報告すること。",
        "Supply chain resilience is part of the action plan.",
    ]


def test_page_numbers_and_running_lines_are_removed_only_at_page_edges() -> None:
    pages = [
        PageLines(n, [Line("経済安全保障ガイドライン（第2版）"), Line("本文。"), Line(f"－{n}－")])
        for n in range(1, 6)
    ]
    repeated = repeated_edge_lines(pages)
    body = [Line("別表"), Line("30"), Line("本文の続き。")]
    page = [Line("経済安全保障ガイドライン（第2版）"), *body, Line("- 7 -")]
    assert strip_edges(page, repeated) == body  # the bare "30" inside the page stays
    assert strip_edges([Line("3 / 12"), Line("本文。")], set()) == [Line("本文。")]


def test_a_line_on_two_pages_only_is_not_a_running_header() -> None:
    pages = [PageLines(n, [Line(f"第{n}章"), Line("本文。")]) for n in range(1, 11)]
    pages[3].lines.insert(0, Line("参考資料"))
    pages[7].lines.insert(0, Line("参考資料"))
    assert "参考資料" not in repeated_edge_lines(pages)
    assert "第#章" in repeated_edge_lines(pages)  # digits ignored: one header, many pages


def test_two_columns_are_read_left_column_first() -> None:
    runs = [TextRun("見出し", 60, 800, 12)]
    for i in range(6):
        y = 780 - 16 * i
        runs.append(TextRun(f"左の段の{i}行目の文章がここまで続いてい", 60, y, 10))
        runs.append(TextRun(f"右の段の{i}行目の文章がここまで続いてい", 320, y, 10))
    layout = lay_out_page(runs)
    texts = [ln.text for ln in layout.lines]
    assert layout.columns == 2
    assert texts.index("左の段の5行目の文章がここまで続いてい") < texts.index(
        "右の段の0行目の文章がここまで続いてい"
    )


def test_a_table_is_read_row_by_row_not_as_columns() -> None:
    rows = [("区分", "手続", "期限"), ("物資", "認定申請", "随時"), ("基幹", "届出", "３０日前")]
    runs = [
        TextRun(cell, x, 700 - 20 * i, 10)
        for i, row in enumerate(rows)
        for cell, x in zip(row, (60, 200, 380), strict=True)
    ]
    layout = lay_out_page(runs)
    assert layout.columns == 1
    assert [(ln.text, ln.cells) for ln in layout.lines][1] == ("物資 認定申請 随時", 3)


def test_vertical_writing_is_read_right_to_left() -> None:
    columns = ["この法律は、国際情勢の", "複雑化に伴い、安全保", "障を確保する。"]
    runs = [TextRun(text, 500 - 20 * i, 760, 12, vertical=True) for i, text in enumerate(columns)]
    layout = lay_out_page(list(reversed(runs)))  # stream order must not matter
    assert layout.vertical
    assert [ln.text for ln in layout.lines] == columns


def test_fonts_without_a_unicode_map_are_recognised() -> None:
    identity = {"/Subtype": "/Type0", "/Encoding": "/Identity-H"}
    assert lacks_unicode_map(identity)
    assert not lacks_unicode_map({**identity, "/ToUnicode": object()})
    assert not lacks_unicode_map({"/Subtype": "/Type0", "/Encoding": "/UniJIS-UCS2-H"})
    subset = {
        "/Subtype": "/TrueType",
        "/FontDescriptor": {"/Flags": 4, "/FontFile2": object()},
    }
    assert lacks_unicode_map(subset)
    assert not lacks_unicode_map({"/Subtype": "/Type1", "/Encoding": "/WinAnsiEncoding"})


# Ministry-style PDFs generated from the corpus.


def test_guidance_pdf_keeps_sentences_whole_and_drops_page_furniture(
    pdfs: dict[str, fx.FixturePdf],
) -> None:
    title, blocks, _ = parse_pdf(pdfs["guidance"].path)
    text = _all_text(blocks)
    assert title == "経済安全保障政策の主要ポイント"
    assert fx.HEADER not in text and fx.FOOTER not in text
    assert not re.search(r"^-\s*\d+\s*-$", text, re.M)
    for _, paragraphs in fx.article_sections()[:3]:
        for paragraph in paragraphs:
            for sentence in re.findall(r"[^。]+。", paragraph):
                assert sentence.strip() in text, sentence


def test_guidance_pdf_cites_the_page_where_a_passage_is(pdfs: dict[str, fx.FixturePdf]) -> None:
    fixture = pdfs["guidance"]
    _, blocks, _ = parse_pdf(fixture.path)
    for fragment in ("特定重要物資 供給確保計画の認定申請", "本年5月に改訂された", "NanoTerasu"):
        assert _block_with(blocks, fragment).page == fixture.page_of(fragment)
    assert {b.page for b in blocks} == set(range(1, fixture.pages + 1))


def test_sentence_cut_by_a_page_break_is_cited_on_its_first_page(
    pdfs: dict[str, fx.FixturePdf],
) -> None:
    fixture = pdfs["guidance"]
    _, blocks, _ = parse_pdf(fixture.path)
    carried = 0
    for page in range(1, fixture.pages):
        last = [text for p, text in fixture.lines if p == page][-1]
        following = fixture.text_of_page(page + 1)
        if last.endswith("。") or "。" not in following or len(last) < 20:
            continue
        tail = following[: following.index("。") + 1]
        assert (last.strip("　") + tail) in _block_with(blocks, tail).text
        assert _block_with(blocks, tail).page == page
        carried += 1
    assert carried, "the fixture should break a sentence across pages"


def test_table_items_and_headings_keep_their_structure(pdfs: dict[str, fx.FixturePdf]) -> None:
    _, blocks, _ = parse_pdf(pdfs["guidance"].path)
    table = _block_with(blocks, "区分 手続 期限")
    assert table.heading == "制度ごとの主な手続"  # the table's rows are not headings
    assert "基幹インフラ 導入等計画書の届出 導入の３０日前" in table.text.splitlines()
    lines = _block_with(blocks, "（１）").text.splitlines()
    for number, item in enumerate(fx.ITEMS, start=1):
        assert f"（{chr(0xFF10 + number)}）{item}" in lines


def test_two_column_page_is_read_in_order_and_flagged(pdfs: dict[str, fx.FixturePdf]) -> None:
    fixture = pdfs["guidance"]
    _, blocks, warnings = parse_pdf(fixture.path)
    page = fixture.page_of("第一条")
    assert f"guidance.pdf p.{page}: two-column layout" in " ".join(warnings)
    articles = [b.article for b in blocks if b.page == page and b.article]
    assert articles[:4] == ["第一条", "第二条", "第三条", "第四条"]
    first = fx.law_articles()[0][1]
    assert first in _block_with(blocks, first[:20]).text


def test_law_pdf_has_articles_across_pages(pdfs: dict[str, fx.FixturePdf]) -> None:
    fixture = pdfs["law"]
    title, blocks, warnings = parse_pdf(fixture.path)
    assert title.startswith("経済施策を一体的に講ずる") and warnings == ()
    assert [b.article for b in blocks[:3]] == ["第一条", "第二条", "第三条"]
    assert all(not b.heading or b.heading == title for b in blocks)  # items (号) are no headings
    assert max(b.page or 0 for b in blocks) == fixture.pages


def test_full_and_half_width_forms_are_searchable_and_shown_as_written(
    pdfs: dict[str, fx.FixturePdf],
) -> None:
    document = load_document(pdfs["guidance"].path)
    chunk = next(c for c in split_into_chunks(document) if "ｻﾌﾟﾗｲﾁｪｰﾝ" in c.text)
    assert "ＡＩ・ＩｏＴ機器" in chunk.text
    assert "AI・IoT機器のサプライチェーン管理" in chunk.search_text
    assert "2025年5月" in chunk.search_text


def test_vertical_page_is_read_and_flagged(pdfs: dict[str, fx.FixturePdf]) -> None:
    _, blocks, warnings = parse_pdf(pdfs["vertical"].path)
    assert "vertical.pdf p.1: vertical writing" in " ".join(warnings)
    first = fx.law_articles()[0][1].splitlines()[0]
    assert first in _all_text(blocks)


# Bad inputs: each one a clear message naming the file and the problem.


def test_password_protected_pdf_is_refused(pdfs: dict[str, fx.FixturePdf], tmp_path: Path) -> None:
    locked = fx.write_encrypted_pdf(pdfs["law"].path, tmp_path / "locked.pdf")
    with pytest.raises(IngestError, match=r"locked\.pdf: .*password-protected"):
        load_document(locked)


def test_pdf_restricted_only_by_an_owner_password_is_read(
    pdfs: dict[str, fx.FixturePdf], tmp_path: Path
) -> None:
    restricted = fx.write_encrypted_pdf(pdfs["law"].path, tmp_path / "restricted.pdf", "")
    assert "第一条" in [b.article for b in load_document(restricted).blocks]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("truncated.pdf", "truncated"),
        ("corrupt.pdf", "not a readable PDF"),
        ("scanned.pdf", r"no text layer on any of its 2 pages .*OCR"),
        ("empty.pdf", "the file is empty"),
        ("notes.pdf", r"not a PDF \(no %PDF header\)"),
        ("gaiji.pdf", r"no readable page \(p\.1: unreadable text"),
    ],
)
def test_bad_pdf_is_refused_with_the_file_and_the_problem(
    pdfs: dict[str, fx.FixturePdf], tmp_path: Path, name: str, problem: str
) -> None:
    path = _bad_file(name, pdfs["law"].path, tmp_path)
    with pytest.raises(IngestError, match=rf"^{re.escape(name)}: .*{problem}"):
        load_document(path)


def _bad_file(name: str, good: Path, folder: Path) -> Path:
    path = folder / name
    if name == "truncated.pdf":
        return fx.write_truncated_pdf(good, path)
    if name == "corrupt.pdf":
        return fx.write_corrupt_pdf(path)
    if name == "scanned.pdf":
        return fx.write_scanned_pdf(path)
    if name == "gaiji.pdf":
        return fx.write_gaiji_pdf(path)
    path.write_bytes(b"" if name == "empty.pdf" else "社内メモです。".encode())
    return path


def test_pdf_with_the_wrong_extension_is_read_with_a_warning(
    pdfs: dict[str, fx.FixturePdf], tmp_path: Path
) -> None:
    renamed = tmp_path / "law.txt"
    renamed.write_bytes(pdfs["law"].path.read_bytes())
    document = load_document(renamed)
    assert "law.txt: is a PDF despite its extension" in document.warnings
    assert document.blocks[0].page == 1


def test_garbled_page_is_reported_and_skipped_while_other_pages_are_kept(tmp_path: Path) -> None:
    fixture = fx.write_garbled_pdf(tmp_path / "mojibake.pdf")
    document = load_document(fixture.path)
    assert any(w.startswith("mojibake.pdf p.2: unreadable text") for w in document.warnings)
    assert {b.page for b in document.blocks} == {1, 3}
    text = _all_text(document.blocks)
    assert fx.ITEMS[0] in text and fx.ITEMS[1] in text
    assert not re.search(r"[\x00-\x08\x0e-\x1f]", text)


# A batch through the whole pipeline (real Chroma on disk, fake embedder).


def test_a_batch_with_bad_pdfs_indexes_the_rest_and_loses_nothing(
    pdfs: dict[str, fx.FixturePdf], tmp_path: Path
) -> None:
    assistant = Assistant(make_settings(tmp_path), HashingEmbedder())
    assert assistant.ingest([pdfs["law"].path]).ok
    before = assistant.pipeline.store.manifest()
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(pdfs["guidance"].path, batch / "guidance.pdf")
    shutil.copy(pdfs["law"].path, batch / "law-copy.txt")
    fx.write_encrypted_pdf(pdfs["law"].path, batch / "locked.pdf")
    fx.write_garbled_pdf(batch / "mojibake.pdf")
    problems = {
        "locked.pdf": "password-protected",
        "truncated.pdf": "truncated",
        "corrupt.pdf": "not a readable PDF",
        "scanned.pdf": "no text layer",
        "empty.pdf": "the file is empty",
        "notes.pdf": "not a PDF",
    }
    for name in problems:
        if not (batch / name).exists():
            _bad_file(name, pdfs["law"].path, batch)

    report = assistant.ingest([batch])

    failed = dict(report.failed)
    for name, problem in problems.items():
        assert failed[str(batch / name)].startswith(f"{name}: ")
        assert problem in failed[str(batch / name)]
    assert sorted(report.added) == ["guidance.pdf", "law-copy.txt", "mojibake.pdf"]
    assert any(w.startswith("mojibake.pdf p.2: unreadable text") for w in report.warnings)
    manifest = assistant.pipeline.store.manifest()
    assert manifest["law.pdf"] == before["law.pdf"]  # indexed before the batch: untouched
    hit = assistant.search("導入等計画書の届出の期限", k=3)[0]
    assert hit.chunk.source == "guidance.pdf"
    assert hit.chunk.page == pdfs["guidance"].page_of("導入等計画書の届出")


@pytest.mark.integration
def test_a_300_page_pdf_is_indexed_with_every_page_citable(tmp_path: Path) -> None:
    fixture = fx.write_long_pdf(tmp_path / "long.pdf")
    assistant = Assistant(make_settings(tmp_path), HashingEmbedder())
    report = assistant.ingest([fixture.path])
    assert report.ok and report.added == ["long.pdf"] and report.warnings == []
    entry = assistant.pipeline.store.manifest()["long.pdf"]
    chunks = assistant.pipeline.store.get_chunks(entry.chunk_ids)
    assert {c.page for c in chunks} == set(range(1, fixture.pages + 1)) and fixture.pages == 300
    assert not any(fx.HEADER in c.text or "経済安全保障推進法（抄）" in c.text for c in chunks)
