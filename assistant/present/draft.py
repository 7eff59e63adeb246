"""Formal reply drafts for ministry staff, built from a grounded answer, as Markdown and .docx.

Staff answer firms' written questions in a fixed shape (salutation, the question restated, the
answer, its basis, a caveat). The draft is built only from the Answer: every statement in it is
a quoted sentence with its citation marker, so editing it starts from checked text instead of a
blank page. The draft is Markdown because staff edit it in a text box; ``markdown_to_docx``
turns the edited text (not the original) into a Word file, so edits are never lost on export.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.present.answer import citation_label
from assistant.types import Answer, Hit

DRAFT_TITLE = "ご照会に対する回答（案）"
SALUTATION = (
    "平素より経済安全保障施策の推進にご理解とご協力を賜り、厚く御礼申し上げます。\n"
    "標記のご照会につきまして、下記のとおり回答いたします。"
)
CAVEAT = (
    "本回答は、ご照会の内容及び現時点で登録されている法令・資料の記載に基づき、一般的な考え方を"
    "お示ししたものです。個別の事案への該当性や具体的な手続については、所管の担当課にご確認ください。"
)
ABSTAINED_BODY = (
    "登録されている法令・資料の範囲では、ご照会の事項に直接該当する記載を確認できませんでした。"
    "所管の担当課において確認のうえ、改めて回答いたします。"
)
DOCX_FONT = "MS Mincho"
_NUMBERED = re.compile(r"^(\d+)[.．]\s+(.*)$")


def _era_date(day: date) -> str:
    """Dates in official Japanese documents are written in the Reiwa era (令和元年 = 2019)."""
    year = day.year - 2018
    return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"


def _answer_lines(answer: Answer) -> list[str]:
    lines = ["ご照会の件については、関係法令等において次のとおり定められています。", ""]
    lines.extend(f"- 「{s.text}」[{s.marker}]" for s in answer.sentences)
    lines.extend(["", *answer.notes] if answer.notes else [])
    return lines


def _source_lines(answer: Answer) -> list[str]:
    return [f"{c.marker}. {citation_label(c.chunk)}（{c.chunk.source}）" for c in answer.citations]


def _nearest_lines(nearest: Sequence[Hit]) -> list[str]:
    if not nearest:
        return []
    lines = ["", "（参考）関連する可能性のある箇所："]
    lines.extend(f"- {citation_label(h.chunk)}（{h.chunk.source}）" for h in nearest[:3])
    return lines


def compose_reply(answer: Answer, today: date | None = None) -> str:
    """The reply draft as Markdown: title, date, salutation, question, answer, sources, caveat."""
    day = today or date.today()
    title = DRAFT_TITLE if not answer.abstained else f"{DRAFT_TITLE}【要確認】"
    lines = [f"# {title}", "", _era_date(day), "", "ご照会者 様", "", SALUTATION, "", "記", ""]
    lines += ["## 1. ご照会の内容", "", answer.question, ""]
    lines += ["## 2. 回答", ""]
    if answer.abstained:
        lines += [ABSTAINED_BODY, *_nearest_lines(answer.nearest), ""]
    else:
        lines += [*_answer_lines(answer), ""]
        lines += ["## 3. 根拠となる法令等", "", *_source_lines(answer), ""]
    heading = "## 3. 留意事項" if answer.abstained else "## 4. 留意事項"
    lines += [heading, "", CAVEAT, "", "以上"]
    return "\n".join(lines) + "\n"


def _set_japanese_font(document: object) -> None:
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = DOCX_FONT
    style.font.size = Pt(10.5)
    # Word picks the East Asian font from this attribute, not from font.name.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)


# XML 1.0 forbids these characters, and python-docx refuses text containing them; a question
# pasted from another program can carry them (a form feed, a stray escape).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def docx_safe(text: str) -> str:
    """``text`` without the control characters a Word document cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def markdown_to_docx(text: str, path: Path) -> Path:
    """Write the (possibly edited) Markdown draft as a Word document and return its path.

    Only the Markdown the draft uses is understood: # and ## headings, "- " bullets, "1. "
    numbered lines and paragraphs; 記 and 以上 are centred and right-aligned as in official
    letters.
    """
    document = Document()
    _set_japanese_font(document)
    for raw in docx_safe(text).splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("# "):
            document.add_heading(line[2:].strip(), level=1)
        elif line.startswith("## "):
            document.add_heading(line[3:].strip(), level=2)
        elif line.startswith("- "):
            document.add_paragraph(line[2:].strip(), style="List Bullet")
        elif match := _NUMBERED.match(line):
            document.add_paragraph(f"[{match.group(1)}] {match.group(2)}")
        else:
            paragraph = document.add_paragraph(line)
            if line == "記":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif line == "以上" or re.fullmatch(r"令和.+年.+月.+日", line):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_draft_files(text: str, folder: Path, stem: str = "回答案") -> tuple[Path, Path]:
    """Save the draft as ``<stem>.docx`` and ``<stem>.md`` in folder; return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{stem}.md"
    markdown.write_text(text, encoding="utf-8")
    return markdown_to_docx(text, folder / f"{stem}.docx"), markdown
