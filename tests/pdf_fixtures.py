"""Fixture PDFs that look like ministry publications, generated from the corpus texts.

Real guidance PDFs are A4, typeset in a Japanese font with lines that wrap mid-sentence, carry
a running header and footer, number their pages and mix paragraphs with numbered items, tables
and the odd two-column or vertical page. The tests need such files, and bad ones too, without
shipping binaries, so this module typesets them with reportlab's built-in Japanese CID fonts
(HeiseiMin-W3, HeiseiKakuGo-W5; pypdf maps their UCS2 codes back to Unicode exactly).

Every body line drawn is recorded with its page, so a test can say on which page a sentence
must be cited. Streams are written in awkward orders on purpose: footers before bodies, the two
columns of a page row by row, so that reading order has to come from positions.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import NameObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTICLE = CORPUS / "articles" / "jihyo-2025-08-fukunaga-keizai-anpo.txt"
LAW = CORPUS / "laws" / "504AC0000000043_keizai-anzen-hosho-suishinho.md"

MINCHO, GOTHIC, VERTICAL = "HeiseiMin-W3", "HeiseiKakuGo-W5", "HeiseiMin-W3-V"
WIDTH, HEIGHT = A4
MARGIN, TOP, BOTTOM = 64.0, HEIGHT - 80.0, 78.0
BODY, LEADING = 10.5, 17.0
HEADER = "経済安全保障政策の主要ポイント（参考資料）"
FOOTER = "経済産業省　経済安全保障政策室"
# Japanese typesetting never starts a line with these (kinsoku); they hang at the line end.
_NO_LINE_START = "、。，．・：；）」』】ゝゞーぁぃぅぇぉっゃゅょ！？"


def register_fonts() -> None:
    """Register the CID fonts once (a vertical Mincho under its own name)."""
    if VERTICAL in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
    pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
    vertical = UnicodeCIDFont(MINCHO, isVertical=True)
    vertical.name = vertical.fontName = VERTICAL
    pdfmetrics.registerFont(vertical)


def article_sections() -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) of the corpus article, without its web-page chrome."""
    sections: list[tuple[str, list[str]]] = [("はじめに", [])]
    lines = [ln.strip() for ln in ARTICLE.read_text(encoding="utf-8").splitlines()]
    for line in lines[3:]:
        if not line:
            continue
        if "。" not in line and len(line) <= 40:
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
    return [s for s in sections if s[1]]


def law_articles() -> list[tuple[str, str]]:
    """(第N条, text) of the Economic Security Promotion Act, paragraphs joined by line breaks.

    Read from the shipped e-Gov text (``### 第N条`` headings; paragraph and item labels such as
    ``**２**`` and ``**一**`` joined to the line they number).
    """
    text = LAW.read_text(encoding="utf-8")
    articles: list[tuple[str, str]] = []
    for match in re.finditer(
        r"^### (第[^\n]+条(?:の[^\n]+)?)\n(.*?)(?=^#{2,3} |\Z)", text, re.S | re.M
    ):
        body = re.sub(r"\*\*([^*\n]+)\*\*\n", r"\1　", match.group(2))
        body = "\n".join(
            line.strip() for line in body.replace("*", "").splitlines() if line.strip()
        )
        if body and body != "削除":
            articles.append((match.group(1).strip(), body))
    if not articles:
        raise ValueError(f"{LAW}: no articles found; the fixture needs the law's text")
    return articles


@dataclass
class FixturePdf:
    """A generated PDF and the body lines drawn on each page (for page-number assertions)."""

    path: Path
    pages: int
    lines: list[tuple[int, str]] = field(default_factory=list)

    def page_of(self, fragment: str) -> int:
        """The page on which a drawn line contains ``fragment``."""
        return next(page for page, text in self.lines if fragment in text)

    def text_of_page(self, page: int) -> str:
        """Everything drawn on one page, lines concatenated."""
        return "".join(text for p, text in self.lines if p == page)


def wrap(text: str, width: float, font: str = MINCHO, size: float = BODY) -> list[str]:
    """Break text into lines that fit ``width``, hanging closing punctuation (burasage)."""
    lines: list[str] = []
    current, used = "", 0.0
    for ch in text:
        advance = pdfmetrics.stringWidth(ch, font, size)
        if current and used + advance > width and ch not in _NO_LINE_START:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += advance
    if current:
        lines.append(current)
    return lines


class MinistryDocument:
    """A tiny typesetter for ministry-style A4 documents with running headers and footers."""

    def __init__(self, path: Path, header: str = HEADER, footer: str = FOOTER) -> None:
        register_fonts()
        self.path = path
        self.header, self.footer = header, footer
        self.canvas = Canvas(str(path), pagesize=A4, invariant=True)
        self.canvas.setTitle("Microsoft Word - 資料.docx")
        self.page, self.y = 1, TOP
        self.drawn: list[tuple[int, str]] = []

    def line(self, text: str, x: float, font: str = MINCHO, size: float = BODY) -> None:
        """One line drawn as given (no wrapping), on a new page if this one is full."""
        if self.y < BOTTOM:
            self.new_page()
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, self.y, text)
        self.drawn.append((self.page, text))
        self.y -= LEADING if size <= BODY else size * 1.7

    def _decorate(self) -> None:
        """Footer first, header last: content-stream order must not decide reading order."""
        c = self.canvas
        c.setFont(GOTHIC, 8)
        c.drawString(MARGIN, 40, self.footer)
        c.drawCentredString(WIDTH / 2, 40, f"- {self.page} -")
        c.drawRightString(WIDTH - MARGIN, HEIGHT - 44, self.header)

    def new_page(self) -> None:
        """Finish the page (header, footer, page number) and start the next one."""
        self._decorate()
        self.canvas.showPage()
        self.page, self.y = self.page + 1, TOP

    def title(self, text: str, subtitle: str = "") -> None:
        """A large centred title, as on the first page of a ministry document."""
        self.canvas.setFont(GOTHIC, 18)
        self.canvas.drawCentredString(WIDTH / 2, self.y, text)
        self.y -= 36
        if subtitle:
            self.line(subtitle, WIDTH - MARGIN - pdfmetrics.stringWidth(subtitle, MINCHO, BODY))
        self.y -= LEADING

    def heading(self, text: str) -> None:
        """A section heading in Gothic, with space above it."""
        if self.y < BOTTOM + 3 * LEADING:
            self.new_page()
        self.y -= LEADING / 2
        self.line(text, MARGIN, GOTHIC, 12)

    def paragraph(self, text: str, indent: float = 1.0, hanging: float = 0.0) -> None:
        """Body text wrapped at the margin; the first line indented by ``indent`` em."""
        text = "　" * int(indent) + text
        first = wrap(text, WIDTH - 2 * MARGIN)[0]
        self.line(first, MARGIN)
        rest = text[len(first) :]
        for line in wrap(rest, WIDTH - 2 * MARGIN - hanging * BODY) if rest else []:
            self.line(line, MARGIN + hanging * BODY)

    def item(self, marker: str, text: str) -> None:
        """A numbered item with a hanging indent: （１）, １．, ①."""
        self.paragraph(marker + text, indent=0, hanging=len(marker))

    def table(self, rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A ruled table; each cell is its own text object, as word processors write them."""
        height = LEADING + 4
        if self.y - height * len(rows) < BOTTOM:
            self.new_page()
        top = self.y + height - 5
        for row in rows:
            x = MARGIN
            for cell, width in zip(row, widths, strict=True):
                self.canvas.setFont(GOTHIC if row is rows[0] else MINCHO, 9.5)
                self.canvas.drawString(x + 4, self.y, cell)
                self.canvas.rect(x, self.y - 6, width, height, stroke=1, fill=0)
                x += width
            self.drawn.append((self.page, " ".join(row)))
            self.y -= height
        self.y = min(self.y, top - height * len(rows)) - LEADING

    def two_columns(self, heading: str, paragraphs: Sequence[str]) -> None:
        """A page whose body runs in two columns, written to the stream row by row."""
        if self.y < TOP:
            self.new_page()
        self.line(heading, MARGIN, GOTHIC, 12)
        gutter = 22.0
        width = (WIDTH - 2 * MARGIN - gutter) / 2
        texts = [t for p in paragraphs for t in p.splitlines()]
        lines = [ln for t in texts for ln in wrap("　" + t, width)]
        rows = int((self.y - BOTTOM) // LEADING)
        left, right = lines[:rows], lines[rows : 2 * rows]
        self.canvas.setFont(MINCHO, BODY)
        for i in range(rows):
            for x, column in ((MARGIN, left), (MARGIN + width + gutter, right)):
                if i < len(column):
                    self.canvas.drawString(x, self.y - i * LEADING, column[i])
        self.drawn += [(self.page, ln) for ln in left + right]
        self.y = BOTTOM - 1

    def vertical(self, heading: str, paragraphs: Sequence[str]) -> None:
        """A page in vertical writing (縦書き): columns from the right edge towards the left."""
        if self.y < TOP:
            self.new_page()
        self.line(heading, MARGIN, GOTHIC, 12)
        columns = [ln for p in paragraphs for ln in wrap("　" + p, self.y - BOTTOM, VERTICAL)]
        self.canvas.setFont(VERTICAL, BODY)
        for i, column in enumerate(columns[: int((WIDTH - 2 * MARGIN) // LEADING)]):
            self.canvas.drawString(WIDTH - MARGIN - BODY - i * LEADING, self.y, column)
            self.drawn.append((self.page, column))
        self.y = BOTTOM - 1

    def save(self) -> FixturePdf:
        """Finish the last page and write the file."""
        self._decorate()
        self.canvas.save()
        return FixturePdf(self.path, self.page, self.drawn)


# Text the guidance fixture uses for search and normalization checks.
WIDTH_VARIANTS = (
    "ＡＩ・ＩｏＴ機器のｻﾌﾟﾗｲﾁｪｰﾝ管理では、２０２５年５月の改訂内容を踏まえ、"
    "調達先の多元化と在庫の積み増しを検討することが望ましい。"
)
TABLE = (
    ("区分", "手続", "期限"),
    ("特定重要物資", "供給確保計画の認定申請", "随時"),
    ("基幹インフラ", "導入等計画書の届出", "導入の３０日前"),
    ("特定重要技術", "指定基金への応募", "公募期間内"),
)
ITEMS = (
    "特定重要物資の安定的な供給の確保に関する制度の対象となる物資を、外部依存の状況、供給途絶の"
    "蓋然性及び国民生活への影響の大きさに照らして選定すること。",
    "基幹インフラ役務の安定的な提供の確保に関する制度において、重要設備の導入や維持管理等の委託を"
    "行う前に、事業者が計画書を事前に届け出ること。",
    "特定重要技術の開発支援に関する制度の下で、官民協議会を組織し、機微な情報の共有と管理を"
    "適切に行うこと。",
)


def write_guidance_pdf(path: Path) -> FixturePdf:
    """A guidance-style PDF: title, sections, numbered items, a table and a two-column page."""
    doc = MinistryDocument(path)
    doc.title("経済安全保障政策の主要ポイント", "令和７年８月　経済産業省（試験用資料）")
    sections = article_sections()
    for heading, paragraphs in sections[:3]:
        doc.heading(heading)
        for paragraph in paragraphs:
            doc.paragraph(paragraph)
    doc.heading("制度ごとの主な手続")
    doc.table(TABLE, (120, 220, 127))
    doc.paragraph(WIDTH_VARIANTS)
    doc.heading("留意事項")
    for number, text in enumerate(ITEMS, start=1):
        doc.item(f"（{chr(0xFF10 + number)}）", text)
    # 第一条〜第四条, each by its first paragraph (an excerpt, 抄): the current act has
    # 第三条の二〜四 in between and lists in 第二条, too long for one page's columns.
    articles = [(a, "\n".join(t.splitlines()[:3])) for a, t in law_articles() if "の" not in a][:4]
    doc.two_columns("参考：経済安全保障推進法（抄）", [f"{a}　{t}" for a, t in articles])
    for heading, paragraphs in sections[3:5]:
        doc.heading(heading)
        for paragraph in paragraphs:
            doc.paragraph(paragraph)
    return doc.save()


def write_law_pdf(path: Path, pages: int = 4) -> FixturePdf:
    """A statute-style PDF: 第N条 articles running over ``pages`` pages (or more, whole articles)."""
    doc = MinistryDocument(path, header="経済安全保障推進法（抄）", footer="内閣府")
    doc.title("経済施策を一体的に講ずることによる安全保障の確保の推進に関する法律")
    for article, text in _cycle(law_articles()):
        if doc.page >= pages and doc.y < TOP - 6 * LEADING:
            break
        first, *more = text.splitlines()
        doc.paragraph(f"{article}　{first}", indent=0)
        for paragraph in more:
            doc.paragraph(paragraph)
    return doc.save()


def _cycle(articles: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    while True:
        yield from articles


def write_vertical_pdf(path: Path) -> FixturePdf:
    """One page of vertical writing under a horizontal heading."""
    doc = MinistryDocument(path)
    doc.vertical("縦書きの資料", [t.splitlines()[0] for _, t in law_articles()[:3]])
    return doc.save()


def write_long_pdf(path: Path, pages: int = 300) -> FixturePdf:
    """A long statute-style PDF (the throughput benchmark and the 300-page test)."""
    return write_law_pdf(path, pages)


def write_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages that are only images of text lines: what a scanner without OCR produces."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    rng = random.Random(7)
    for row in range(60, 820, 22):
        draw.rectangle((50, row, 50 + rng.randint(300, 520), row + 9), fill=30)
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    for _ in range(pages):
        canvas.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)
        canvas.showPage()
    canvas.save()
    return path


def write_encrypted_pdf(source: Path, path: Path, user_password: str = "secret") -> Path:
    """A copy of ``source`` encrypted with RC4; an empty user password only restricts editing."""
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    writer.write(path)
    return path


def write_truncated_pdf(source: Path, path: Path) -> Path:
    """The first 60% of a PDF, as left by an interrupted download."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    return path


def write_corrupt_pdf(path: Path) -> Path:
    """A PDF header and an end marker around random bytes."""
    noise = random.Random(3).randbytes(20_000)
    path.write_bytes(b"%PDF-1.7\n" + noise + b"\n%%EOF\n")
    return path


def _ttf_font() -> tuple[str, str]:
    """(font file, sample text): IPA Gothic with Japanese if Debian's font is installed."""
    for candidate in (
        Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
        Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
    ):
        if candidate.exists():
            return str(candidate), "特定重要物資の安定的な供給の確保に関する制度を設ける。"
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    return str(vera), "Supply of critical products shall be secured by the following measures."


def write_garbled_pdf(path: Path, readable_pages: int = 2) -> FixturePdf:
    """Readable pages around one page in an embedded font stripped of its ToUnicode map.

    pypdf then sees only the subset's private glyph codes: the classic mojibake PDF. The last
    page holds one short paragraph only, as last pages do.
    """
    from reportlab.pdfbase.ttfonts import TTFont

    font_file, sample = _ttf_font()
    if "Subset" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Subset", font_file))
    doc = MinistryDocument(path)
    doc.paragraph(ITEMS[0])
    doc.paragraph(ITEMS[2])
    doc.new_page()
    for _ in range(12):
        doc.line(sample, MARGIN, "Subset")
    for _ in range(readable_pages - 1):
        doc.new_page()
        doc.paragraph(ITEMS[1])
    fixture = doc.save()
    writer = PdfWriter(clone_from=path)
    for page in writer.pages:
        fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
        for reference in fonts.values():
            font = reference.get_object()
            if font.get("/Subtype") == "/TrueType":
                font.pop(NameObject("/ToUnicode"), None)
    writer.write(path)
    return fixture


def write_gaiji_pdf(path: Path) -> Path:
    """A page whose text is mostly private-use characters (外字), as some old PDFs have."""
    doc = MinistryDocument(path)
    for i in range(10):
        doc.line("".join(chr(0xE000 + (i * 37 + k) % 1800) for k in range(30)), MARGIN)
    doc.save()
    return path


# An action plan in two editions (test data, not the real plan): the May 2025 revision widens
# the priority fields, shortens the reporting deadline and drops the annual dependency check.
ACTION_PLAN = {
    "2024": [
        (
            "第１　基本的な考え方",
            "本プランは、我が国の産業・技術基盤の強化に向けた政府の取組を整理するものである。",
        ),
        ("第２　重点分野", "本プランの重点分野は、半導体及び蓄電池の二分野とする。"),
        (
            "第３　事業者による報告",
            "事業者は、重要物資の供給途絶のおそれを把握したときは、三十日以内に所管省庁に報告するものとする。",
        ),
        ("第４　依存度の点検", "事業者は、特定の調達先への依存度を年一回点検するものとする。"),
    ],
    "2025": [
        (
            "第１　基本的な考え方",
            "本プランは、我が国が国際社会にとってかけがえのない国となるための産業・技術基盤の強化策を示すものである。",
        ),
        ("第２　重点分野", "本プランの重点分野は、半導体、蓄電池、量子及びＡＩの四分野とする。"),
        (
            "第３　事業者による報告",
            "事業者は、重要物資の供給途絶のおそれを把握したときは、十四日以内に所管省庁に報告するものとする。",
        ),
    ],
}


def write_action_plan_pdf(path: Path, edition: str, revision: int = 0) -> FixturePdf:
    """One edition of the action plan; ``revision`` > 0 marks every sentence with its number,
    so that a test can tell which re-issue of the same file a passage came from."""
    doc = MinistryDocument(path, header="産業・技術基盤強化アクションプラン", footer="経済産業省")
    doc.title("産業・技術基盤強化アクションプラン", f"{edition}年版")
    for heading, text in ACTION_PLAN[edition]:
        doc.heading(heading)
        mark = f"（第{revision}次改訂）" if revision else ""
        for sentence in re.findall(r"[^。]+。", text * 3 if revision else text):
            doc.paragraph(mark + sentence)
    return doc.save()
