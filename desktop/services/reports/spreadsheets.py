"""Reading spreadsheets (.xlsx, .xls, .ods, .csv) and writing .xlsx and .csv: rows in, tables out.

Every file is first measured (``sheet_limits``: size, unpacked size, rows, columns) and
refused with the reason when a roster could not be that big; only then does a reader see
it. Workbooks are read by calamine (Rust; .xlsx, .xls and .ods alike, and about 9x faster
than openpyxl at 50,000 rows: bench/import_members.py). Reading expands merged cells (a
heading or an employer merged over several cells counts for each of them) and decodes CSV
as UTF-8 or, failing that, GB18030 (what Excel on a Chinese Windows saves); a CSV row with a
NUL or a field longer than ``CSV_FIELD_MAX`` is kept as a refused row, not a crash.
Writing (openpyxl) goes to a temporary file beside the target, renamed over it when
complete: a failure leaves no half-written file.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from desktop.domain.errors import InvalidInput
from desktop.domain.import_mapping import Cell
from desktop.i18n import tr
from desktop.services.reports.sheet_limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    check_spreadsheet,
)

# calamine's own errors, and what its Rust side raises on a file it cannot make sense of
# (a PanicException derives from BaseException, hence the explicit list).
_CALAMINE_ERRORS: tuple[type[BaseException], ...] = (
    CalamineError,
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
)

READABLE = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")
WRITABLE = (".xlsx", ".csv")
SHEET_TITLE_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Sheet:
    """One sheet's rows; ``rows[i]`` is the spreadsheet's row ``i + 1``."""

    name: str
    rows: list[list[Cell]]
    # Rows that cannot be imported as they read (a CSV field too long, a NUL in a cell):
    # row index -> (message code, parameters); their cells are kept, cut short.
    problems: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)


class Percent(float):
    """A share (0.25) that a workbook shows as 25.0% and keeps as a number."""


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Table:
    """A table to write: one sheet of an .xlsx (or the whole of a .csv)."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Any]]
    caption: str = ""  # a line above the headings (.xlsx only), e.g. the report's period


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise InvalidInput("sheet.format", field="file", path=path.name[:100])
    if suffix in (".csv", ".txt"):
        return "csv"
    return {".xls": "xls", ".ods": "ods"}.get(suffix, "xlsx")


def _checked(path: Path) -> str:
    """The file's kind, once it exists and is within what a roster may cost."""
    kind = _kind(path)
    _check_exists(path)
    check_spreadsheet(path, kind)
    return kind


def sheet_names(path: str | os.PathLike[str]) -> tuple[str, ...]:
    file = Path(path)
    if _checked(file) == "csv":
        return (file.stem,)
    with _workbook(file) as book:
        return tuple(book.sheet_names)


# The last sheet read, by file identity: the import wizard inspects, previews and imports
# the same file in turn, and reading 50,000 rows of .xlsx takes seconds each time.
_last: tuple[tuple[object, ...], Sheet] | None = None
_last_lock = threading.Lock()


def read_sheet(path: str | os.PathLike[str], sheet: str | None = None) -> Sheet:
    """The rows of ``sheet`` (by name; the first sheet if None; a .csv has one sheet)."""
    global _last
    file = Path(path)
    try:
        status = file.stat()
        identity: tuple[object, ...] = (
            str(file.resolve()),
            status.st_mtime_ns,
            status.st_size,
            sheet,
        )
    except OSError:
        identity = ()
    with _last_lock:
        if identity and _last is not None and _last[0] == identity:
            return _last[1]
    found = _read_sheet(file, sheet)
    if identity:
        with _last_lock:
            _last = (identity, found)
    return found


def forget_last_sheet() -> None:
    global _last
    with _last_lock:
        _last = None


def _read_sheet(file: Path, sheet: str | None) -> Sheet:
    if _checked(file) == "csv":
        lines, problems = _csv_rows(file)
        return Sheet(file.stem, lines, problems)
    with _workbook(file) as book:
        if sheet is not None and sheet not in book.sheet_names:
            raise InvalidInput("sheet.no_such_sheet", field="sheet", sheet=sheet[:50])
        try:
            ws = book.get_sheet_by_name(sheet) if sheet is not None else book.get_sheet_by_index(0)
            # Rows above the first cell come as empty rows; columns left of it do not.
            left = [None] * ws.start[1] if ws.start else []
            rows: list[list[Cell]] = [left + list(row) for row in ws.iter_rows()]
            merges = list(ws.merged_cell_ranges or ())
        except _CALAMINE_ERRORS:
            raise InvalidInput("sheet.unreadable", field="file", path=file.name[:100]) from None
        title = ws.name
    merged = 0
    for (min_row, min_col), (max_row_, max_col_) in merges:  # 0-based, inclusive
        if min_row >= len(rows):
            continue
        # A merged range is laid out cell by cell: as bounded as the sheet itself.
        max_row, max_col = min(max_row_, len(rows) - 1), min(max_col_, MAX_COLUMNS - 1)
        merged += (max_row - min_row + 1) * (max_col - min_col + 1)
        if merged > MAX_CELLS:
            raise InvalidInput(
                "sheet.too_many_cells", field="file", path=file.name[:100], limit=MAX_CELLS
            )
        first = rows[min_row]
        value = first[min_col] if min_col < len(first) else None
        for r in range(min_row, min(max_row + 1, len(rows))):
            row = rows[r]
            if len(row) <= max_col:
                row.extend([None] * (max_col + 1 - len(row)))
            for c in range(min_col, max_col + 1):
                row[c] = value
    return Sheet(title, rows)


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise InvalidInput("sheet.missing", field="file", path=str(path)[:200])


def _workbook(path: Path) -> Any:
    try:
        return CalamineWorkbook.from_path(str(path))
    except _CALAMINE_ERRORS:
        raise InvalidInput("sheet.unreadable", field="file", path=path.name[:100]) from None


CSV_FIELD_MAX = 131_072  # the csv module's own limit; a roster's longest cell is far shorter
_CSV_LINE_MAX = 1_048_576  # characters in one line of the file
_CUT = 200  # characters of an unusable cell kept to show in the list of refused rows


def _csv_rows(path: Path) -> tuple[list[list[Cell]], dict[int, tuple[str, dict[str, Any]]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; kept for completeness
        raise InvalidInput("sheet.unreadable", field="file", path=path.name[:100])
    del data
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    long_lines: set[int] = set()

    def lines() -> Iterator[str]:
        # A line of a megabyte is no roster row: it is read as an empty line (and refused
        # below), so the csv module never builds a row of millions of fields.
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if len(line) > _CSV_LINE_MAX:
                long_lines.add(number)
                yield "\n"
            else:
                yield line

    reader = csv.reader(lines(), dialect)
    rows: list[list[Cell]] = []
    problems: dict[int, tuple[str, dict[str, Any]]] = {}
    too_long = ("sheet.field_too_long", {"limit": CSV_FIELD_MAX})
    while True:
        try:
            row: list[Cell] = list(next(reader))
        except StopIteration:
            break
        except csv.Error:  # a field over CSV_FIELD_MAX; the reader goes on at the next line
            problems[len(rows)] = too_long
            rows.append([])
            continue
        if not row and reader.line_num in long_lines:
            problems[len(rows)] = too_long
        elif any("\x00" in cell for cell in row if isinstance(cell, str)):
            problems[len(rows)] = ("sheet.nul_in_cell", {})
            row = [str(cell).replace("\x00", "")[:_CUT] for cell in row]
        rows.append(row)
        if len(rows) > MAX_ROWS + MAX_ROWS // 10:  # blank rows included
            raise InvalidInput(
                "sheet.too_many_rows", field="file", path=path.name[:100], limit=MAX_ROWS
            )
    return rows, problems


# --- writing ------------------------------------------------------------------------------


def output_kind(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in WRITABLE:
        raise InvalidInput("sheet.out_format", field="out", path=Path(path).name[:100])
    return suffix[1:]


def write_tables(path: str | os.PathLike[str], tables: Sequence[Table]) -> Path:
    """Write ``tables`` as sheets of an .xlsx, or the first of them as a UTF-8 .csv."""
    target = Path(path).expanduser()
    kind = output_kind(target)
    if target.is_dir():
        raise InvalidInput("sheet.out_is_folder", field="out", path=str(target)[:200])
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed or removed below)
            dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp", delete=False
        )
    except OSError:
        raise InvalidInput("sheet.out_unwritable", field="out", path=str(target)[:200]) from None
    temporary = Path(handle.name)
    try:
        with handle:
            if kind == "csv":
                _write_csv(handle, tables[0])
            else:
                _write_xlsx(handle, tables)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError:
        raise InvalidInput("sheet.out_unwritable", field="out", path=str(target)[:200]) from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


# Text that a spreadsheet would run as a formula ("=HYPERLINK(...)" typed as an employer).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Percent):
        return f"{value * 100:.1f}%"
    if isinstance(value, str) and len(value) > 1 and value.startswith(_FORMULA_STARTS):
        return "'" + value  # shown as text by Excel and WPS, as OWASP advises
    return value


def _write_csv(handle: Any, table: Table) -> None:
    # UTF-8 with a byte-order mark: Excel on Windows then opens Chinese text correctly.
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([_csv_safe(h) for h in table.headings])
    for row in table.rows:
        writer.writerow([_csv_safe(v) for v in row])
    text.flush()
    text.detach()


def _write_xlsx(handle: Any, tables: Sequence[Table]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in tables:
        title = _sheet_title(table.title, used)
        ws = book.create_sheet(title)
        for index, heading in enumerate(table.headings):
            letter = _column_letter(index)
            ws.column_dimensions[letter].width = max(10, min(40, len(str(heading)) * 2 + 4))
        if table.caption:
            cell = WriteOnlyCell(ws, value=_xlsx_text(table.caption))
            cell.font = bold
            ws.append([cell])
        heads = []
        for heading in table.headings:
            cell = WriteOnlyCell(ws, value=_xlsx_text(str(heading)))
            cell.font = bold
            heads.append(cell)
        ws.append(heads)
        written = 0
        for row in table.rows:
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in row])
            written += 1
        if not written:  # an empty table says so, rather than ending at its headings
            ws.append([tr("sheet.empty")])
    if not tables:
        book.create_sheet("Sheet1")
    book.save(handle)


_XLSX_CELL_MAX = 32_767  # characters Excel keeps in one cell
# What openpyxl refuses to write (its ILLEGAL_CHARACTERS_RE; not imported, to keep openpyxl
# out of start-up).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _xlsx_text(value: str) -> str:
    return _ILLEGAL.sub("", value)[:_XLSX_CELL_MAX]


def _xlsx_cell(ws: Any, value: Any, make: Any) -> Any:
    """Numbers stay numbers, dates and times are date cells shown as such, and text that
    openpyxl would store as a formula (starting with "=") stays text. Control characters (a
    NUL from a damaged file) cannot be stored in .xlsx: they are dropped, and text is cut at
    Excel's limit, so writing never fails on a cell's content."""
    if isinstance(value, str):
        value = _xlsx_text(value)
    if isinstance(value, str) and value.startswith("="):
        cell = make(ws, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, date):  # a datetime is a date too
        cell = make(ws, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    if isinstance(value, Percent):
        cell = make(ws, value=float(value))
        cell.number_format = "0.0%"
        return cell
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel refuses these characters in sheet names, and names over 31 characters.
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title).strip() or "Sheet"
    clean = clean[:SHEET_TITLE_MAX]
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
