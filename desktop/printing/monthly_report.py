"""The monthly report on A4: headline figures, charts drawn with ReportLab graphics, tables.

A ``MonthlyReport`` in, PDF bytes out; the CJK font is embedded (subset) like every PDF here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from desktop.domain.report import MonthlyReport, Tally, percent
from desktop.i18n import tr
from desktop.printing.fonts import register_fonts

PAGE_W, PAGE_H = A4
MARGIN = 16 * mm
WIDTH = PAGE_W - 2 * MARGIN
BAR = HexColor("#2E6FBA")
SECOND = HexColor("#E08A2E")
GRID = HexColor("#999999")
HEAD = HexColor("#EDEDED")
MAX_TABLE_ROWS = 40  # a breakdown longer than this lists its largest lines and "others"


def summary_lines(report: MonthlyReport) -> list[tuple[str, str]]:
    """The headline figures, as (label, value) pairs: on screen, on paper, in the workbook."""
    return [
        (tr("report.visits"), str(report.visits)),
        (tr("report.people"), str(report.people)),
        (tr("report.members_visiting"), str(report.members_visiting)),
        (tr("report.anonymous"), str(report.anonymous)),
        (
            tr("report.returning"),
            tr("report.returning_value", n=report.returning, share=percent(report.returning_share)),
        ),
        (tr("report.new_members"), str(report.new_members)),
        (tr("report.cards_printed"), str(report.cards_printed)),
        (tr("report.voided"), str(report.voided)),
    ]


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1),
        "sub": ParagraphStyle(
            "sub", fontName=font, fontSize=10.5, leading=15, alignment=1, textColor=GRID
        ),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=8),
        "note": ParagraphStyle("note", fontName=font, fontSize=8.5, leading=12, textColor=GRID),
    }


def _table(
    font: str, rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool = True
) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0)
    style: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), HEAD), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    else:  # label, value, label, value
        style += [("ALIGN", (2, 0), (2, -1), "LEFT"), ("BACKGROUND", (0, 0), (0, -1), HEAD)]
        style += [("BACKGROUND", (2, 0), (2, -1), HEAD)]
    table.setStyle(TableStyle(style))
    return table


def _axis_fonts(chart: VerticalBarChart | HorizontalBarChart, font: str, size: float) -> None:
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName = font
        labels.fontSize = size
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = HexColor("#DDDDDD")
    chart.valueAxis.gridStrokeWidth = 0.4


def _nice_max(values: Sequence[int]) -> int:
    top = int(max(values, default=0))
    if top <= 5:
        return 5
    step: int = 10 ** (len(str(top)) - 1)
    return (top // step + 1) * step


def _columns_chart(
    font: str, values: Sequence[int], labels: Sequence[str], height: float
) -> Drawing:
    drawing = Drawing(WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 18
    chart.width, chart.height = int(WIDTH - 36), int(height - 28)
    chart.data = [tuple(values)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 2
    _axis_fonts(chart, font, 7)
    chart.valueAxis.valueMax = _nice_max(values)
    drawing.add(chart)
    return drawing


def _rows_chart(font: str, tallies: Sequence[Tally]) -> Drawing:
    shown = list(tallies[:12])[::-1]  # largest at the top
    height = 22 + 15 * max(1, len(shown))
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 90, 14
    chart.width, chart.height = int(WIDTH - 110), int(height - 20)
    chart.data = [tuple(t.visits for t in shown) or (0,)]
    chart.categoryAxis.categoryNames = [t.label for t in shown] or [""]
    chart.bars[0].fillColor = SECOND
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    _axis_fonts(chart, font, 8)
    chart.valueAxis.valueMax = _nice_max([t.visits for t in shown])
    drawing.add(chart)
    return drawing


def _day_labels(days: Sequence[str]) -> list[str]:
    every = max(1, -(-len(days) // 31))
    return [str(int(d[8:])) if i % every == 0 else "" for i, d in enumerate(days)]


def _tally_rows(tallies: Sequence[Tally], heading: str) -> list[list[str]]:
    rows = [[heading, tr("report.col_visits"), tr("report.col_people")]]
    shown = list(tallies[:MAX_TABLE_ROWS])
    rest = tallies[MAX_TABLE_ROWS:]
    rows += [[t.label, str(t.visits), str(t.people)] for t in shown]
    if rest:
        rows.append([tr("report.others", n=len(rest)), str(sum(t.visits for t in rest)), ""])
    if not tallies:
        rows.append([tr("report.none"), "0", "0"])
    return rows


def monthly_report_pdf(report: MonthlyReport) -> bytes:
    font = register_fonts()
    styles = _styles(font)
    buffer = io.BytesIO()
    title = f"{report.station} {report.title}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=report.union or report.station,
        creator="Waystation",
        invariant=True,
    )
    story: list[Flowable] = [
        Paragraph(title, styles["title"]),
        Paragraph(
            tr("report.subtitle", union=report.union or "-", start=report.start, end=report.end),
            styles["sub"],
        ),
        Spacer(1, 5 * mm),
    ]
    lines = summary_lines(report)
    half = (len(lines) + 1) // 2
    grid = [
        [*lines[i], *(lines[i + half] if i + half < len(lines) else ("", ""))] for i in range(half)
    ]
    story.append(_table(font, grid, [WIDTH * 0.34, WIDTH * 0.16] * 2, header=False))

    day_values = [d.visits for d in report.days]
    story.append(
        KeepTogether(
            [
                Paragraph(tr("report.chart_days"), styles["h2"]),
                _columns_chart(font, day_values, _day_labels([d.day for d in report.days]), 150),
            ]
        )
    )
    story.append(
        KeepTogether(
            [
                Paragraph(tr("report.chart_hours"), styles["h2"]),
                _columns_chart(font, report.hours, [str(h) for h in range(24)], 120),
            ]
        )
    )
    for heading, tallies, column in (
        (tr("report.sheet_services"), report.services, tr("report.col_service")),
        (tr("report.sheet_occupations"), report.occupations, tr("report.col_occupation")),
        (tr("report.sheet_tags"), report.tags, tr("report.col_tag")),
    ):
        block: list[Flowable] = [Paragraph(heading, styles["h2"])]
        if tallies:
            block.append(_rows_chart(font, tallies))
        story.append(KeepTogether(block))
        story.append(
            _table(font, _tally_rows(tallies, column), [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25])
        )

    story.append(Paragraph(tr("report.sheet_days"), styles["h2"]))
    day_rows = [[tr("report.col_day"), tr("report.col_visits"), tr("report.col_people")]]
    day_rows += [[d.day, str(d.visits), str(d.people)] for d in report.days]
    story.append(_table(font, day_rows, [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25]))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(tr("report.definitions"), styles["note"]))

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        text = tr("report.footer", station=report.station, made_at=report.made_at)
        canvas.drawString(MARGIN, 9 * mm, text)
        canvas.drawRightString(PAGE_W - MARGIN, 9 * mm, tr("report.page", n=canvas.getPageNumber()))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
