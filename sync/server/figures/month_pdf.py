"""The district's month report (汇总月报) as an A4 landscape PDF (ReportLab), in the app's
shipped font (WenQuanYi Micro Hei, embedded as a subset): a row per station, the totals
last, the header row repeated on every page, "page n / m" at the foot.

The server imports no desk code (``desktop/printing`` draws the desk's PDFs), so this is its
own small table drawer; the font file is the one the desk ships (``resources/fonts``)."""

from __future__ import annotations

import threading
from io import BytesIO
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

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


def _clipped(text: str, width: float) -> str:
    if pdfmetrics.stringWidth(text, FONT, SIZE) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, SIZE) > width:
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
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
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
        _row(canvas, y, station, [headers[c] for c in MONTH_COLUMNS], first, other, True)
        for name, values, bold in lines[page * per_page : (page + 1) * per_page]:
            y -= ROW
            cells = [f"{values[c]:,}" for c in MONTH_COLUMNS]
            _row(canvas, y, name, cells, first, other, bold)
        canvas.setFont(FONT, 8)
        canvas.drawRightString(
            width - MARGIN, MARGIN - 4 * mm, page_label.format(page=page + 1, pages=pages)
        )
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _row(
    canvas: Canvas,
    y: float,
    name: str,
    cells: list[str],
    first: float,
    other: float,
    strong: bool,
) -> None:
    width = PAGE[0]
    if strong:
        canvas.setFillGray(0.9)
        canvas.rect(MARGIN, y - 1.8 * mm, width - 2 * MARGIN, ROW, stroke=0, fill=1)
        canvas.setFillGray(0)
    canvas.setFont(FONT, SIZE)
    canvas.drawString(MARGIN + 1.5 * mm, y, _clipped(name, first - 3 * mm))
    x = MARGIN + first
    for cell in cells:
        x += other
        canvas.drawRightString(x - 1.5 * mm, y, _clipped(cell, other - 3 * mm))
    canvas.setStrokeGray(0.75)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, y - 1.8 * mm, width - MARGIN, y - 1.8 * mm)
