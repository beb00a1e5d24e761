"""A report as titled tables on A4 landscape (a course's roster, attendance grid, hours,
completion, certificates). Pure: a ``TableReport`` in, PDF bytes out."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.layout import GREY, Box, draw_placed, place, render

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 12 * mm
ROW_H = 7 * mm
TABLE_W = PAGE_W - 2 * MARGIN


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative; equal when empty


@dataclass(frozen=True)
class TableReport:
    title: str
    subtitle: str
    tables: tuple[Table, ...]


def _columns(table: Table) -> list[tuple[float, float]]:
    weights = table.widths or tuple(1.0 for _ in table.headers)
    total = sum(weights)
    x = MARGIN
    out = []
    for weight in weights:
        width = TABLE_W * weight / total
        out.append((x, width))
        x += width
    return out


def _row(canvas: Canvas, table: Table, y: float, cells: tuple[str, ...], header: bool) -> None:
    if header:
        canvas.setFillColor(HexColor("#EFEFEF"))
        canvas.rect(MARGIN, y, TABLE_W, ROW_H, stroke=0, fill=1)
    canvas.setStrokeColor(HexColor("#777777"))
    canvas.setLineWidth(0.4)
    canvas.rect(MARGIN, y, TABLE_W, ROW_H)
    for (x, width), text in zip(_columns(table), cells, strict=False):
        canvas.line(x, y, x, y + ROW_H)
        if text:
            box = Box(x + 1 * mm, y + 0.5 * mm, width - 2 * mm, ROW_H - 1 * mm)
            draw_placed(canvas, place(text, box, 9, 5, bold=header, middle=True))


def table_report_pdf(report: TableReport) -> bytes:
    def heading(canvas: Canvas, page: int) -> float:
        draw_placed(
            canvas,
            place(report.title, Box(MARGIN, PAGE_H - 20 * mm, TABLE_W, 9 * mm), 16, 9, bold=True),
        )
        draw_placed(
            canvas,
            place(
                report.subtitle, Box(MARGIN, PAGE_H - 26 * mm, TABLE_W, 5 * mm), 9, 6, colour=GREY
            ),
        )
        draw_placed(
            canvas,
            place(
                f"– {page} –", Box(MARGIN, 4 * mm, TABLE_W, 4 * mm), 8, align="centre", colour=GREY
            ),
        )
        return PAGE_H - 30 * mm

    def draw(canvas: Canvas) -> None:
        page = 1
        y = heading(canvas, page)
        for table in report.tables:
            if y - 3 * ROW_H < MARGIN:
                canvas.showPage()
                page += 1
                y = heading(canvas, page)
            y -= 8 * mm
            draw_placed(
                canvas, place(table.title, Box(MARGIN, y, TABLE_W, 6 * mm), 12, 8, bold=True)
            )
            y -= ROW_H
            _row(canvas, table, y, table.headers, header=True)
            for cells in table.rows:
                if y - ROW_H < MARGIN:
                    canvas.showPage()
                    page += 1
                    y = heading(canvas, page) - ROW_H
                    _row(canvas, table, y, table.headers, header=True)
                y -= ROW_H
                _row(canvas, table, y, cells, header=False)
        canvas.showPage()

    return render((PAGE_W, PAGE_H), report.title, draw)
