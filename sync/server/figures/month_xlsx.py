"""The district's month report (汇总月报) as a workbook: one sheet, a row per station, the
totals last; counts are numbers (typed cells), never text."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sync.server.figures.queries import MONTH_COLUMNS, MonthReport


def month_xlsx(
    report: MonthReport, title: str, headers: dict[str, str], station: str, total: str
) -> bytes:
    """``headers``: each column's title in the reader's language; ``station``/``total`` the
    first column's title and the totals row's label."""
    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = report.month
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([station, *(headers[c] for c in MONTH_COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append([row.name, *(row.values[c] for c in MONTH_COLUMNS)])
    sheet.append([total, *(report.totals[c] for c in MONTH_COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B3"
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(MONTH_COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    out = BytesIO()
    book.save(out)
    return out.getvalue()
