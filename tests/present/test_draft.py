"""Reply drafts: the Markdown shape, and a real .docx read back with python-docx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document

from assistant.present.draft import CAVEAT, compose_reply, markdown_to_docx, write_draft_files
from tests.test_feedback import ABSTAINED, ANSWER, SENTENCE


def test_draft_has_salutation_question_answer_sources_and_caveat() -> None:
    draft = compose_reply(ANSWER, today=date(2026, 11, 27))
    assert draft.startswith("# ご照会に対する回答（案）")
    assert "令和8年11月27日" in draft
    assert "厚く御礼申し上げます" in draft
    order = [
        draft.index("## 1. ご照会の内容"),
        draft.index(ANSWER.question),
        draft.index("## 2. 回答"),
        draft.index(f"「{SENTENCE}」[1]"),
        draft.index("## 3. 根拠となる法令等"),
        draft.index("1. 防衛生産基盤強化法 第二十九条"),
        draft.index("## 4. 留意事項"),
        draft.index(CAVEAT),
    ]
    assert order == sorted(order)
    assert draft.rstrip().endswith("以上")


def test_abstained_draft_says_so_and_lists_reference_passages() -> None:
    draft = compose_reply(ABSTAINED, today=date(2026, 11, 27))
    assert "【要確認】" in draft
    assert "直接該当する記載を確認できませんでした" in draft
    assert "（参考）" in draft and "防衛生産基盤強化法 第二十九条" in draft
    assert "所管の担当課にご確認ください" in draft


def test_docx_reflects_the_edited_text(tmp_path: Path) -> None:
    edited = compose_reply(ANSWER).replace("ご照会者 様", "株式会社テスト 御中")
    path = markdown_to_docx(edited, tmp_path / "draft.docx")
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "ご照会に対する回答（案）" in texts
    assert "株式会社テスト 御中" in texts
    assert f"「{SENTENCE}」[1]" in texts
    assert any(p.style is not None and p.style.name == "List Bullet" for p in document.paragraphs)
    assert document.styles["Normal"].font.name == "MS Mincho"  # type: ignore[union-attr]


def test_write_draft_files_writes_both_formats(tmp_path: Path) -> None:
    docx, markdown = write_draft_files(compose_reply(ANSWER), tmp_path, "回答案")
    assert docx.name == "回答案.docx" and docx.stat().st_size > 0
    assert markdown.read_text(encoding="utf-8") == compose_reply(ANSWER)


def test_control_characters_in_a_question_do_not_break_the_docx(tmp_path: Path) -> None:
    text = compose_reply(ANSWER).replace("ご照会の内容", "ご照会の内容\x0c\x1b[0m\x00")
    path = markdown_to_docx(text, tmp_path / "draft.docx")
    paragraphs = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "ご照会の内容[0m" in paragraphs and "\x1b" not in paragraphs
