"""Reading and writing .xlsx (openpyxl) and .csv files: rows of cells in, tables out.

Reading expands merged cells (a heading or an employer merged over several cells counts for
each of them) and decodes CSV as UTF-8 or, failing that, GB18030 (what Excel on a Chinese
Windows saves). Writing goes to a temporary file beside the target, renamed over it when
complete: a failure leaves no half-written file.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from desktop.domain.errors import InvalidInput
from desktop.domain.import_mapping import Cell

READABLE = (".xlsx", ".xlsm", ".csv", ".txt")
WRITABLE = (".xlsx", ".csv")
SHEET_TITLE_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Sheet:
    """One sheet's rows; ``rows[i]`` is the spreadsheet's row ``i + 1``."""

    name: str
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Table:
    """A table to write: one sheet of an .xlsx (or the whole of a .csv)."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Any]]
    caption: str = ""  # a line above the headings (.xlsx only), e.g. the report's period


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InvalidInput("sheet.xls", field="file", path=path.name[:100])
    if suffix not in READABLE:
        raise InvalidInput("sheet.format", field="file", path=path.name[:100])
    return "csv" if suffix in (".csv", ".txt") else "xlsx"


def sheet_names(path: str | os.PathLike[str]) -> tuple[str, ...]:
    file = Path(path)
    if _kind(file) == "csv":
        _check_exists(file)
        return (file.stem,)
    return tuple(_workbook(file, read_only=True).sheetnames)


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
    if _kind(file) == "csv":
        _check_exists(file)
        return Sheet(file.stem, _csv_rows(file))
    # Read-only mode streams the rows (about a third faster at 50,000 rows) but does not
    # parse merged cells; those are read from the sheet's XML below.
    book = _workbook(file, read_only=True)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput("sheet.no_such_sheet", field="sheet", sheet=sheet[:50])
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[list[Cell]] = [list(row) for row in ws.iter_rows(values_only=True)]
        merges = _merged_ranges(book, ws)
        title = ws.title
    finally:
        book.close()
    if merges is None:  # not the archive layout expected: let openpyxl parse everything
        book = _workbook(file, read_only=False)
        try:
            ws = book[title]
            merges = [(m.min_col, m.min_row, m.max_col, m.max_row) for m in ws.merged_cells.ranges]
        finally:
            book.close()
    for min_col, min_row, max_col, max_row in merges:
        if min_row > len(rows):
            continue
        first = rows[min_row - 1]
        value = first[min_col - 1] if min_col <= len(first) else None
        for r in range(min_row - 1, min(max_row, len(rows))):
            row = rows[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = value
    return Sheet(title, rows)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)"')


def _merged_ranges(book: Any, ws: Any) -> list[tuple[int, int, int, int]] | None:
    """(min_col, min_row, max_col, max_row) of each merged range, from the sheet's XML."""
    from openpyxl.utils.cell import range_boundaries

    archive = getattr(book, "_archive", None)
    member = getattr(ws, "_worksheet_path", None)
    if archive is None or member is None:
        return None
    try:
        xml = archive.read(member)
    except (KeyError, OSError, ValueError):
        return None
    found = []
    for ref in _MERGE_REF.findall(xml):
        bounds = range_boundaries(ref.decode("ascii"))
        if None not in bounds:
            found.append(cast(tuple[int, int, int, int], bounds))
    return found


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise InvalidInput("sheet.missing", field="file", path=str(path)[:200])


def _workbook(path: Path, read_only: bool) -> Any:
    from openpyxl import load_workbook

    _check_exists(path)
    try:
        return load_workbook(path, read_only=read_only, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("sheet.unreadable", field="file", path=path.name[:100]) from None


def _csv_rows(path: Path) -> list[list[Cell]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; kept for completeness
        raise InvalidInput("sheet.unreadable", field="file", path=path.name[:100])
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]


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
            cell = WriteOnlyCell(ws, value=table.caption)
            cell.font = bold
            ws.append([cell])
        heads = []
        for heading in table.headings:
            cell = WriteOnlyCell(ws, value=heading)
            cell.font = bold
            heads.append(cell)
        ws.append(heads)
        for row in table.rows:
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in row])
    if not tables:
        book.create_sheet("Sheet1")
    book.save(handle)


def _xlsx_cell(ws: Any, value: Any, make: Any) -> Any:
    """openpyxl stores text starting with "=" as a formula; such text stays text here."""
    if isinstance(value, str) and value.startswith("="):
        cell = make(ws, value=value)
        cell.data_type = "s"
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
