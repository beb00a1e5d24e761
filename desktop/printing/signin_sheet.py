"""Sign-in sheets (签到表) on A4: the paper fallback when a desk PC dies."""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.documents import SignInSheet
from desktop.printing.layout import GREY, Align, Box, cn_date, draw_placed, place, render

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
TOP = PAGE_H - 15 * mm
HEADER_H = 24 * mm  # title, subtitle and date
ROW_H = 11 * mm
FOOTER = 16 * mm  # the table stops this far above the bottom edge; page number below
COLUMNS = (("序号", 14 * mm), ("姓名", 48 * mm), ("会员号", 42 * mm), ("签名", 0.0))
TABLE_W = PAGE_W - 2 * MARGIN_X


def rows_per_page() -> int:
    table_top = TOP - HEADER_H
    return int((table_top - FOOTER) // ROW_H) - 1  # one row is the column header


def column_boxes() -> list[tuple[str, float, float]]:
    """(heading, x, width) of each column; the signature column takes what is left."""
    fixed = sum(width for _, width in COLUMNS)
    x = MARGIN_X
    out = []
    for heading, width in COLUMNS:
        width = width or TABLE_W - fixed
        out.append((heading, x, width))
        x += width
    return out


def page_count(sheet: SignInSheet) -> int:
    per = rows_per_page()
    return max(1, -(-len(sheet.people) // per))


def _row(canvas: Canvas, y: float, cells: list[str], header: bool) -> None:
    if header:
        canvas.setFillColor(HexColor("#EFEFEF"))
        canvas.rect(MARGIN_X, y, TABLE_W, ROW_H, stroke=0, fill=1)
    canvas.setStrokeColor(HexColor("#555555"))
    canvas.setLineWidth(0.6)
    canvas.rect(MARGIN_X, y, TABLE_W, ROW_H)
    for (_, x, width), text in zip(column_boxes(), cells, strict=True):
        canvas.line(x, y, x, y + ROW_H)
        if text:
            box = Box(x + 1.5 * mm, y + 1 * mm, width - 3 * mm, ROW_H - 2 * mm)
            align: Align = "centre" if header or x == MARGIN_X else "left"
            draw_placed(
                canvas,
                place(
                    text,
                    box,
                    12 if header else 11.5,
                    7,
                    max_lines=2,
                    align=align,
                    bold=header,
                    middle=True,
                ),
            )


def signin_sheet_pdf(sheet: SignInSheet) -> bytes:
    per = rows_per_page()
    pages = page_count(sheet)
    headings = [heading for heading, _ in COLUMNS]

    def draw(canvas: Canvas) -> None:
        for page in range(pages):
            width = PAGE_W - 2 * MARGIN_X
            draw_placed(
                canvas,
                place(
                    sheet.title,
                    Box(MARGIN_X, TOP - 10 * mm, width, 10 * mm),
                    20,
                    10,
                    align="centre",
                    bold=True,
                ),
            )
            info = "  ·  ".join(
                part for part in (sheet.subtitle, cn_date(sheet.date) if sheet.date else "") if part
            )
            if info:
                draw_placed(
                    canvas,
                    place(
                        info,
                        Box(MARGIN_X, TOP - 18 * mm, width, 6.5 * mm),
                        11,
                        7,
                        align="centre",
                        colour=GREY,
                    ),
                )
            y = TOP - HEADER_H - ROW_H
            _row(canvas, y, headings, header=True)
            first = page * per
            for i, (name, number) in enumerate(sheet.people[first : first + per], start=first + 1):
                y -= ROW_H
                _row(canvas, y, [str(i), name, number, ""], header=False)
            footer = place(
                f"第 {page + 1} 页 / 共 {pages} 页",
                Box(MARGIN_X, 8 * mm, width, 5 * mm),
                9,
                align="centre",
                colour=GREY,
            )
            draw_placed(canvas, footer)
            canvas.showPage()

    return render(A4, sheet.title, draw)
