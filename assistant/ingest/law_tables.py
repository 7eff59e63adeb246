"""Rows of a flattened law table: ``> 業種 資本金の額 … 一 ゴム製品製造業 三億円 九百人 二 …``.

The e-Gov Markdown joins every cell of a table into one line. Rows of the tables that list
things (施行令 第五条's 業種, 外国為替令's 別表) start with a running number cell 一, 二, 三 …,
so a new row starts where the next number in sequence stands alone as a cell. Kept one row per
line, a chunk boundary then falls between rows, never inside one. Tables without numbered rows
(読替え tables) stay one line: nothing in their text says where a row ends.
"""

from __future__ import annotations

from assistant.japanese import int_to_kanji


def split_table_rows(line: str) -> list[str]:
    """Split a flattened table line before each numbered row (一, 二, 三 … as cells)."""
    cells = line.split()
    rows: list[list[str]] = [[]]
    expected = 1
    for cell in cells:
        if cell == int_to_kanji(expected):
            rows.append([])
            expected += 1
        rows[-1].append(cell)
    return [" ".join(row) for row in rows if row]
