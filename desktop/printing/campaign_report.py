"""The campaign report as .xlsx (openpyxl) and as A4 landscape PDF (ReportLab): pure DTO -> bytes.

Headings are in the user's language; the font is the embedded CJK one.
"""

from __future__ import annotations

import io

from desktop.domain.aid_report import CampaignReport, ReportRow
from desktop.domain.clock import shown
from desktop.i18n import tr


def _day(row: ReportRow) -> tuple[str, str]:
    if row.desk == "*":
        return tr("aid.report.total"), ""
    return row.day, row.desk


def summary_table(report: CampaignReport) -> list[list[object]]:
    """Header and rows of the per desk and day table (the total last)."""
    header: list[object] = [tr("aid.report.day"), tr("aid.report.desk"), tr("aid.report.people")]
    header += [tr("aid.report.handouts")]
    header += [tr("aid.report.out", item=i.name) for i in report.items]
    header += [tr("aid.report.in", item=i.name) for i in report.items]
    header += [tr("aid.report.refusals"), tr("aid.report.overrides"), tr("aid.report.voids")]
    header += [tr("aid.report.conflicts")]
    rows: list[list[object]] = [header]
    for row in (*report.rows, report.total):
        counts = [row.people, row.handouts, *row.items_out, *row.stock_in]
        rows.append([*_day(row), *counts, row.refusals, row.overrides, row.voids, row.conflicts])
    return rows


def stock_table(report: CampaignReport) -> list[list[object]]:
    header: list[object] = [
        tr("aid.report.desk"),
        tr("aid.report.item"),
        tr("aid.report.stock_in"),
        tr("aid.report.transferred_out"),
        tr("aid.report.adjusted"),
        tr("aid.report.handed_out"),
        tr("aid.report.left"),
    ]
    rows: list[list[object]] = [header]
    for s in report.stock:
        rows.append(
            [
                s.desk,
                f"{s.item}（{s.unit}）",
                s.moved_in,
                s.moved_out,
                s.adjusted,
                s.handed_out,
                s.left,
            ]
        )
    return rows


def counts_table(report: CampaignReport) -> list[list[object]]:
    header: list[object] = [
        tr("aid.report.day"),
        tr("aid.report.desk"),
        tr("aid.report.item"),
        tr("aid.report.counted"),
        tr("aid.report.expected"),
        tr("aid.report.difference"),
    ]
    rows: list[list[object]] = [header]
    for c in report.counts:
        rows.append([c.local_date, c.desk, c.item_name, c.counted, c.expected, c.difference])
    return rows


def conflicts_table(report: CampaignReport) -> list[list[object]]:
    header: list[object] = [
        tr("aid.report.conflict_rule"),
        tr("aid.report.conflict_first"),
        tr("aid.report.conflict_second"),
        tr("aid.report.conflict_status"),
        tr("aid.report.conflict_note"),
    ]
    rows: list[list[object]] = [header]
    for c in report.conflicts:
        status = tr("aid.report.resolved") if c.status == "resolved" else tr("aid.report.open")
        rows.append([tr(f"aid.report.rule_{c.rule}"), c.first, c.second, status, c.note])
    return rows


def title(report: CampaignReport) -> str:
    c = report.campaign
    return tr("aid.report.title", name=c.name, start=c.starts_on, end=c.ends_on)


def report_xlsx(report: CampaignReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = (
        (tr("aid.report.sheet_days"), summary_table(report)),
        (tr("aid.report.sheet_stock"), stock_table(report)),
        (tr("aid.report.sheet_counts"), counts_table(report)),
        (tr("aid.report.sheet_conflicts"), conflicts_table(report)),
    )
    first = True
    for name, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name[:31]
        sheet.append([title(report)])
        sheet.append([tr("aid.report.made", station=report.station_name, at=_when(report.made_at))])
        sheet.append([])
        for row in rows:
            sheet.append(row)
        sheet["A1"].font = Font(bold=True, size=14)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for index, column in enumerate(sheet.iter_cols(min_row=4), start=1):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=4)
            sheet.column_dimensions[column[0].column_letter].width = min(40, 2 * width + 2)
            del index
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_pdf(report: CampaignReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from desktop.printing.fonts import register_fonts

    font = register_fonts()
    heading = ParagraphStyle("h", fontName=font, fontSize=16, leading=20, spaceAfter=4)
    small = ParagraphStyle("s", fontName=font, fontSize=9, leading=12, textColor=colors.grey)
    section = ParagraphStyle("t", fontName=font, fontSize=12, leading=16, spaceBefore=8)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10)

    def table(rows: list[list[object]]) -> Table:
        data = [[Paragraph(str(v), cell) for v in row] for row in rows]
        made = Table(data, repeatRows=1, hAlign="LEFT")
        made.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return made

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title(report),
    )
    story = [
        Paragraph(title(report), heading),
        Paragraph(
            tr("aid.report.made", station=report.station_name, at=_when(report.made_at)), small
        ),
        Paragraph(tr("aid.report.sheet_days"), section),
        table(summary_table(report)),
        Spacer(1, 4 * mm),
        Paragraph(tr("aid.report.sheet_stock"), section),
        table(stock_table(report)),
    ]
    if report.counts:
        story += [Paragraph(tr("aid.report.sheet_counts"), section), table(counts_table(report))]
    if report.conflicts:
        story += [
            Paragraph(tr("aid.report.sheet_conflicts"), section),
            table(conflicts_table(report)),
        ]
    doc.build(story)
    return buffer.getvalue()


def _when(iso: str) -> str:
    return shown(iso)
