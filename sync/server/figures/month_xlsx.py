"""The district's month report (汇总月报) as a workbook: one sheet, a row per station, the
totals last; counts are numbers (typed cells), never text. Written in openpyxl's
write-only mode (about half the time of a normal workbook at 1,000 stations)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from sync.server.figures.queries import MONTH_COLUMNS, MonthReport

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _styled(sheet: WriteOnlyWorksheet, values: list[Any], font: Font) -> list[Any]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = font
        cells.append(cell)
    return cells


def month_xlsx(
    report: MonthReport, title: str, headers: dict[str, str], station: str, total: str
) -> bytes:
    """``headers``: each column's title in the reader's language; ``station``/``total`` the
    first column's title and the totals row's label."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(report.month)
    sheet.freeze_panes = "B3"
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(MONTH_COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.append(_styled(sheet, [title], TITLE))
    sheet.append(_styled(sheet, [station, *(headers[c] for c in MONTH_COLUMNS)], BOLD))
    for row in report.rows:
        sheet.append([row.name, *(row.values[c] for c in MONTH_COLUMNS)])
    sheet.append(_styled(sheet, [total, *(report.totals[c] for c in MONTH_COLUMNS)], BOLD))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
