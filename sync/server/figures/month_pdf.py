"""The district's month report (汇总月报) as an A4 landscape PDF (ReportLab), in the app's
shipped font (WenQuanYi Micro Hei, embedded as a subset): a row per station, the totals
last, the header row repeated on every page, "page n / m" at the foot.

The server imports no desk code (``desktop/printing`` draws the desk's PDFs), so this is its
own small table drawer; the font file is the one the desk ships (``resources/fonts``)."""

from __future__ import annotations

import threading
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from sync.server.figures.queries import MONTH_COLUMNS, MonthReport

FONT = "WQYMicroHei"
FONT_FILE = Path(__file__).resolve().parents[3] / "resources" / "fonts" / "wqy-microhei.ttc"
_lock = threading.Lock()

PAGE = landscape(A4)
MARGIN = 14 * mm
ROW = 6.2 * mm
SIZE = 9.0


def _font() -> str:
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> float:
    return pdfmetrics.stringWidth(ch, FONT, SIZE)


def _width(text: str) -> float:
    return sum(_char_width(ch) for ch in text)


def _clipped(text: str, width: float) -> str:
    if _width(text) <= width:
        return text
    while text and _width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def month_pdf(
    report: MonthReport,
    title: str,
    headers: dict[str, str],
    station: str,
    total: str,
    page_label: str,
) -> bytes:
    """``page_label``: e.g. "第 {page} / {pages} 页" (``str.format`` with page and pages)."""
    _font()
    out = BytesIO()
    # Starts in the shipped font: the PDF names no font it does not embed (no Helvetica).
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1, initialFontName=FONT)  # type: ignore[arg-type]
    canvas.setTitle(title)
    width, height = PAGE
    first = (width - 2 * MARGIN) * 0.28
    other = (width - 2 * MARGIN - first) / len(MONTH_COLUMNS)
    body_top = height - MARGIN - 16 * mm
    per_page = int((body_top - MARGIN - 8 * mm) // ROW) - 1
    lines = [(row.name, row.values, False) for row in report.rows]
    lines.append((total, report.totals, True))
    pages = max(1, -(-len(lines) // per_page))
    for page in range(pages):
        canvas.setFont(FONT, 15)
        canvas.drawString(MARGIN, height - MARGIN - 6 * mm, title)
        y = body_top
        shaded = [y] + [
            body_top - ROW * (n + 1)
            for n, line in enumerate(lines[page * per_page : (page + 1) * per_page])
            if line[2]
        ]
        canvas.setFillGray(0.9)
        for top in shaded:  # the header's and the totals' grey bands
            canvas.rect(MARGIN, top - 1.8 * mm, width - 2 * MARGIN, ROW, stroke=0, fill=1)
        canvas.setFillGray(0)
        text = canvas.beginText()
        text.setFont(FONT, SIZE)
        _row(text, y, station, [headers[c] for c in MONTH_COLUMNS], first, other)
        rules = [y]
        for name, values, _strong in lines[page * per_page : (page + 1) * per_page]:
            y -= ROW
            rules.append(y)
            _row(text, y, name, [f"{values[c]:,}" for c in MONTH_COLUMNS], first, other)
        canvas.drawText(text)
        canvas.setStrokeGray(0.75)
        canvas.setLineWidth(0.4)
        canvas.lines([(MARGIN, r - 1.8 * mm, width - MARGIN, r - 1.8 * mm) for r in rules])
        canvas.setFont(FONT, 8)
        canvas.drawRightString(
            width - MARGIN, MARGIN - 4 * mm, page_label.format(page=page + 1, pages=pages)
        )
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _row(
    text: PDFTextObject, y: float, name: str, cells: list[str], first: float, other: float
) -> None:
    """One line of the table: the name from the left, each count right-aligned in its column."""
    text.setTextOrigin(MARGIN + 1.5 * mm, y)
    text.textOut(_clipped(name, first - 3 * mm))
    x = MARGIN + first
    for cell in cells:
        x += other
        shown = _clipped(cell, other - 3 * mm)
        text.setTextOrigin(x - 1.5 * mm - _width(shown), y)
        text.textOut(shown)
