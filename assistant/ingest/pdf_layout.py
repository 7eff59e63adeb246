"""Page layout from positioned text runs: reading order, columns and vertical writing.

pypdf's ``extract_text`` returns text in content-stream order. That is the reading order of a
simple page, but not of a two-column page drawn row by row, of a table whose cells are separate
text objects (pypdf puts each cell on its own line), of a page whose footer is drawn before its
body, or of vertical writing (縦書き). From the runs' positions (``pdf_runs``) lines are rebuilt
in reading order: rows top to bottom, side-by-side columns left column first, vertical columns
right to left. Each line also says whether it fills its column, which is what tells a line that
wraps mid-sentence from a heading, a table row or the end of a paragraph.
"""

from __future__ import annotations

import bisect
import itertools
import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.ingest.pdf_runs import TextRun

_SEGMENT_GAP_EM = 0.8  # a wider horizontal gap separates table cells or columns
_FULL_SLACK_EM = 1.5  # a line ending this close to its column's edge may wrap


@dataclass(frozen=True)
class Line:
    """One line in reading order; ``full`` when it reaches its column's edge (it may wrap)."""

    text: str
    full: bool = False
    size: float = 0.0
    cells: int = 1  # more than one for a table row (text separated by wide gaps)
    font: str = ""


@dataclass(frozen=True)
class PageLayout:
    """The lines of a page in reading order and what the layout analysis found."""

    lines: tuple[Line, ...]
    columns: int = 1
    vertical: bool = False
    unmapped_chars: int = 0
    total_chars: int = 0
    edge: float = math.inf  # where full lines of a single-column page end (inf: unknown)


def text_units(text: str) -> float:
    """Approximate width of text in em: full-width (and ambiguous) characters 1, others 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _end(run: TextRun) -> float:
    return run.x + text_units(run.text) * run.size


def _count(runs: Sequence[TextRun]) -> int:
    return sum(len(r.text) - sum(c.isspace() for c in r.text) for r in runs)


def lay_out_page(runs: Sequence[TextRun], edge_hint: float = math.inf) -> PageLayout:
    """Lines of a page in reading order, with the column count and vertical-writing flag.

    ``edge_hint`` is where full lines ended on earlier pages: a page of one short paragraph
    does not show its column width by itself.
    """
    readable = [r for r in runs if not r.unmapped]
    weights: Counter[int] = Counter()
    for run in readable:
        weights[run.angle] += len(run.text)
    angle = weights.most_common(1)[0][0] if weights else 0
    main = [_upright(r, angle) for r in readable if r.angle == angle]
    aside = [Line(r.text.strip(), False, r.size) for r in readable if r.angle != angle]
    vertical_share = _count([r for r in main if r.vertical]) / max(1, _count(main))
    if vertical_share > 0.5 or _stacked(main):
        # Upright runs on a vertical page (a title, the page number) keep horizontal reading.
        by_font = vertical_share > 0.5
        upright = [r for r in main if by_font and not r.vertical]
        columns = [r for r in main if not by_font or r.vertical]
        found = replace(_horizontal_lines(upright), columns=1, vertical=True)
        found = replace(found, lines=found.lines + tuple(_vertical_lines(columns)))
    else:
        found = _horizontal_lines(main, edge_hint)
    total = _count(runs)
    return replace(
        found,
        lines=found.lines + tuple(aside),
        unmapped_chars=total - _count(readable),
        total_chars=total,
    )


def _upright(run: TextRun, angle: int) -> TextRun:
    """The run in coordinates turned so that text at ``angle`` reads left to right."""
    if angle == 0:
        return run
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return replace(run, x=run.x * cos + run.y * sin, y=-run.x * sin + run.y * cos)


def _stacked(runs: Sequence[TextRun]) -> bool:
    """Glyphs placed one by one down columns: vertical writing drawn in a horizontal font."""
    if len(runs) < 10:
        return False
    steps = sum(
        1
        for a, b in itertools.pairwise(runs)
        if len(a.text.strip()) == 1 and abs(a.x - b.x) < 0.3 * a.size and 0 < a.y - b.y < 2 * a.size
    )
    return steps >= 0.5 * len(runs)


def _vertical_lines(runs: Sequence[TextRun]) -> list[Line]:
    """Vertical columns right to left, each read top to bottom."""
    columns: list[list[TextRun]] = []
    for run in sorted(runs, key=lambda r: (-r.x, -r.y)):
        if columns and abs(columns[-1][0].x - run.x) <= 0.5 * run.size:
            columns[-1].append(run)
        else:
            columns.append([run])
    texts = ["".join(r.text.strip() for r in sorted(c, key=lambda r: -r.y)) for c in columns]
    longest = _right_edge([text_units(t) for t in texts], 1.0)
    return [
        Line(t, text_units(t) >= longest - _FULL_SLACK_EM, max(r.size for r in c), 1, c[0].font)
        for t, c in zip(texts, columns, strict=True)
    ]


# Horizontal layout: rows, an optional gutter between two columns, and full-line marks.


@dataclass(frozen=True)
class _Row:
    runs: tuple[TextRun, ...]
    column: int = 0

    @property
    def start(self) -> float:
        return self.runs[0].x

    @property
    def end(self) -> float:
        return max(_end(r) for r in self.runs)

    @property
    def size(self) -> float:
        return max(r.size for r in self.runs)

    @property
    def font(self) -> str:
        return max(self.runs, key=lambda r: len(r.text)).font

    def parts(self) -> list[_Row]:
        """The stretches of runs without a wide gap between them (table cells, columns)."""
        parts: list[list[TextRun]] = []
        for run in self.runs:
            if parts and run.x - max(_end(r) for r in parts[-1]) <= _SEGMENT_GAP_EM * run.size:
                parts[-1].append(run)
            else:
                parts.append([run])
        return [_Row(tuple(p), self.column) for p in parts]

    def segments(self) -> list[tuple[float, float]]:
        """(start, end) of each part."""
        return [(part.start, part.end) for part in self.parts()]

    def text(self) -> str:
        """The runs' text, a space where a visible gap separates two of them (table cells)."""
        out = self.runs[0].text
        for prev, run in itertools.pairwise(self.runs):
            gap = run.x - _end(prev) > 0.5 * run.size
            out += (" " if gap and not out.endswith(" ") else "") + run.text
        return " ".join(out.split(" ")).strip()


def _rows(runs: Sequence[TextRun]) -> list[_Row]:
    """Runs grouped by shared baseline, top to bottom, each row left to right."""
    rows: list[list[TextRun]] = []
    for run in sorted(runs, key=lambda r: (-r.y, r.x)):
        if rows and abs(rows[-1][0].y - run.y) <= 0.4 * max(run.size, rows[-1][0].size):
            rows[-1].append(run)
        else:
            rows.append([run])
    return [_Row(tuple(sorted(row, key=lambda r: r.x))) for row in rows]


def _horizontal_lines(runs: Sequence[TextRun], edge_hint: float = math.inf) -> PageLayout:
    top, body, bottom = _split_margins(_rows(runs))
    gutter = _find_gutter(body)
    if gutter is not None:
        body = _column_order(body, gutter)
    edges = _column_edges(body)
    if 0 in edges and edges[0][1] == math.inf:
        edges[0] = (edges[0][0], edge_hint)
    # Each stretch of a margin row is its own line: "経済産業省" and "- 3 -" side by side in a
    # footer are a repeated footer and a page number, both recognisable only when apart.
    head = [_plain(part) for row in top for part in row.parts()]
    foot = [_plain(part) for row in bottom for part in row.parts()]
    lines = head + _mark_full(body, edges) + foot
    edge = edges[0][1] if 0 in edges and gutter is None else math.inf
    return PageLayout(tuple(lines), 1 if gutter is None else 2, edge=edge)


def _plain(row: _Row) -> Line:
    return Line(row.text(), False, row.size, 1, row.font)


def _split_margins(rows: list[_Row]) -> tuple[list[_Row], list[_Row], list[_Row]]:
    """(top, body, bottom): up to two rows set apart by a wide gap at each end of the page.

    Running headers, footers and page numbers sit in the margins, further from the body than
    its lines are from each other. Kept out of the body, they can neither be mistaken for a
    column nor land in the middle of a paragraph when the columns are reordered.
    """
    if len(rows) < 4:
        return [], rows, []
    gaps = [a.runs[0].y - b.runs[0].y for a, b in itertools.pairwise(rows)]
    usual = sorted(gaps)[len(gaps) // 4]  # the line spacing, even on a page of few lines
    top = 0
    while top < 2 and gaps[top] > 1.8 * usual:
        top += 1
    bottom = 0
    while bottom < 2 and len(rows) - bottom > top + 2 and gaps[-1 - bottom] > 1.8 * usual:
        bottom += 1
    return rows[:top], rows[top : len(rows) - bottom], rows[len(rows) - bottom :]


def _find_gutter(rows: Sequence[_Row]) -> float | None:
    """The x where a page splits into two side-by-side text columns, if it does.

    Two columns show as two aligned left edges, a left column that fills most of its width
    (unlike a table's first column) and rows where both columns have text. Lines that cross
    the gutter (titles, headers, a single-column section) may sit above, between or below.
    """
    segments = [s for row in rows for s in row.segments()]
    if len(segments) < 6:
        return None
    left = min(s[0] for s in segments)
    right = max(s[1] for s in segments)
    em = max(1.0, sorted(r.size for r in rows)[len(rows) // 2])
    starts = Counter(
        round(s[0] / em) for s in segments if 0.3 < (s[0] - left) / (right - left) < 0.7
    )
    if not starts:
        return None
    gutter = (
        min(s[0] for s in segments if round(s[0] / em) == starts.most_common(1)[0][0]) - 0.3 * em
    )
    lefts = [s for s in segments if s[1] <= gutter]
    rights = [s for s in segments if s[0] >= gutter]
    if min(len(lefts), len(rights)) < 3:
        return None
    side_by_side = sum(1 for r in rows if len({s[0] >= gutter for s in r.segments()}) == 2)
    left_edge = max(s[1] for s in lefts)
    filled = sum(1 for s in lefts if s[1] >= left_edge - 3 * em) / len(lefts)
    aligned = sum(1 for s in lefts if s[0] - left < 3 * em) / len(lefts)
    aligned_right = sum(1 for s in rights if s[0] - gutter < 3 * em) / len(rights)
    wide = (left_edge - left) >= 0.6 * (gutter - left)
    if side_by_side >= 2 and wide and filled >= 0.5 and min(aligned, aligned_right) >= 0.7:
        return gutter
    return None


def _column_order(rows: Sequence[_Row], gutter: float) -> list[_Row]:
    """Rows in reading order: a band of two columns is read left column first; rows that cross
    the gutter (titles, running headers, a full-width paragraph) separate the bands."""
    ordered: list[_Row] = []
    band: tuple[list[_Row], list[_Row]] = ([], [])
    for row in rows:
        if any(r.x < gutter < _end(r) for r in row.runs):
            ordered += band[0] + band[1]
            band = ([], [])
            ordered.append(row)
            continue
        left = tuple(r for r in row.runs if r.x < gutter)
        right = tuple(r for r in row.runs if r.x >= gutter)
        if left:
            band[0].append(_Row(left, 1))
        if right:
            band[1].append(_Row(right, 2))
    return ordered + band[0] + band[1]


def _column_edges(rows: Sequence[_Row]) -> dict[int, tuple[float, float]]:
    """(left, right) edge of each column: its usual start and the end its full lines reach."""
    edges: dict[int, tuple[float, float]] = {}
    for column in {r.column for r in rows}:
        mine = [r for r in rows if r.column == column]
        starts = Counter(round(r.start / r.size) * r.size for r in mine)
        em = sorted(r.size for r in mine)[len(mine) // 2]
        edges[column] = (starts.most_common(1)[0][0], _right_edge([r.end for r in mine], em))
    return edges


def _mark_full(rows: Sequence[_Row], edges: dict[int, tuple[float, float]]) -> list[Line]:
    """Lines with ``full`` set where a row of prose spans its column from edge to edge."""
    lines = []
    for row in rows:
        left, right = edges[row.column]
        cells = len(row.segments())  # a table row never wraps like prose
        full = (
            cells == 1
            and row.start <= left + 4 * row.size
            and row.end >= right - _FULL_SLACK_EM * row.size
        )
        lines.append(Line(row.text(), full, row.size, cells, row.font))
    return lines


def _right_edge(ends: Sequence[float], tolerance: float) -> float:
    """Where the lines of a column usually end: the end most others reach to within tolerance.

    Unless at least two lines share an end nothing is known about the column's width, and no
    line counts as full: joining a heading to a header would be worse than a missed join.
    """
    ordered = sorted(ends)
    best, edge = 1, math.inf
    for i, end in enumerate(ordered):
        reached = i + 1 - bisect.bisect_left(ordered, end - tolerance)
        if reached >= best and reached >= 2:
            best, edge = reached, end
    return edge
