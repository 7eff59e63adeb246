"""A restricted test document whose phrases occur nowhere else, and the people who ask about it.

The council note below is what issue #17's restricted-document test asks about directly: its
made-up names (蒼穹計画, 翠嵐鉱) appear in no corpus file, so any hit, citation, nearest passage
or draft line that contains them comes from this document and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

from assistant.access.principal import Principal, Role

NAME = "council-note.md"
PHRASE = "蒼穹計画"
TEXT = (
    "# 官民協議会 共有資料（取扱注意）\n\n"
    "## 蒼穹計画について\n\n"
    "蒼穹計画は、翠嵐鉱の備蓄を三年間で倍増させる計画である。"
    "蒼穹計画の対象事業者には、翠嵐鉱の調達先を四半期ごとに報告させる。\n\n"
    "## 翠嵐鉱の調達\n\n"
    "翠嵐鉱の調達先の見直しは、蒼穹計画の第二段階で行う。\n"
)
QUESTIONS = ("蒼穹計画とは何ですか？", "翠嵐鉱の備蓄はどうなりますか？")

FIRM = Principal("firm1", Role.FIRM)
STAFF = Principal("staff1", Role.STAFF)
MEMBER = Principal("member1", Role.FIRM, frozenset({"council"}))
ADMIN = Principal("admin1", Role.ADMIN)


def write_note(folder: Path) -> Path:
    """The note as a file ready to ingest or upload."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NAME
    path.write_text(TEXT, encoding="utf-8")
    return path


# Phrases of the note that no question repeats: the questions themselves are echoed back.
NOTE_ONLY = ("三年間で倍増", "四半期ごとに", "第二段階で行う", "共有資料", NAME)


def mentions(text: str) -> bool:
    """Whether ``text`` shows anything of the note (its own words or its file name)."""
    return any(phrase in text for phrase in NOTE_ONLY)
