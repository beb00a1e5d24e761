"""What a spreadsheet may cost before any reader sees it: size, unpacked size, rows, columns.

A reader lays a sheet out as one rectangle from its first to its last cell: two cells at
opposite corners of an .xlsx made calamine ask for 512 GB and abort the process (not an
exception: the desk would vanish). A 2 MB file of compressed whitespace unpacks to 2 GB.
So each file is measured first, streaming and with bounded memory, and refused with the
reason when it is beyond what any roster needs:

- .xlsx/.xlsm/.ods (zip): every part is unpacked as a stream and counted (a part that
  unpacks beyond its declared size fails its checksum), and the cells that hold a value
  are located from the sheet XML without parsing it into objects;
- .xls (Excel 97-2003): the workbook stream is walked record by record (olefile reads the
  compound file) and the cell records give the same rows and columns.

CSV has no layout to blow up; its cost is its size (and the csv module's field limit).
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.errors import InvalidInput

MB = 1024 * 1024
MAX_FILE_BYTES = 64 * MB  # a 200,000-row roster as .xlsx is about 12 MB, as .csv 20 MB
MAX_UNPACKED_BYTES = 160 * MB  # all the parts of a zip, unpacked
MAX_ROWS = 200_000  # as many people as a desk holds
MAX_COLUMNS = 256  # a roster has a dozen; .xls itself stops at 256
MAX_CELLS = 3_000_000  # rows x columns of the rectangle a reader lays out
MAX_BLANK_RUN = 10_000  # empty rows in a run between two rows that hold something
_CHUNK = 1 * MB


@dataclass
class Extent:
    """Where the cells that hold a value are: the last row and column (1-based)."""

    rows: int = 0
    columns: int = 0
    last_row: int = 0  # the last row seen holding a value, to measure runs of empty rows

    def cell(self, row: int, column: int, name: str) -> None:
        if row > self.last_row:
            if row - self.last_row - 1 > MAX_BLANK_RUN:
                raise InvalidInput(
                    "sheet.blank_run",
                    field="file",
                    path=name,
                    row=self.last_row + 1,
                    count=row - self.last_row - 1,
                    limit=MAX_BLANK_RUN,
                )
            self.last_row = row
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        if self.rows > MAX_ROWS:
            raise InvalidInput("sheet.too_many_rows", field="file", path=name, limit=MAX_ROWS)
        if self.columns > MAX_COLUMNS:
            raise InvalidInput("sheet.too_many_columns", field="file", path=name, limit=MAX_COLUMNS)
        if self.rows * self.columns > MAX_CELLS:
            raise InvalidInput("sheet.too_many_cells", field="file", path=name, limit=MAX_CELLS)


def check_spreadsheet(path: Path, kind: str) -> None:
    """Refuse ``path`` (kind "xlsx", "ods", "xls" or "csv") if it costs more than allowed."""
    name = path.name[:100]
    try:
        size = path.stat().st_size
    except OSError:
        raise InvalidInput("sheet.missing", field="file", path=str(path)[:200]) from None
    if size > MAX_FILE_BYTES:
        raise InvalidInput(
            "sheet.file_too_big", field="file", path=name, limit=MAX_FILE_BYTES // MB
        )
    if kind == "csv":
        return
    try:
        if kind == "xls":
            _check_xls(path, name)
        else:
            _check_zip(path, kind, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, struct.error):
        raise InvalidInput("sheet.unreadable", field="file", path=name) from None
    except (RuntimeError, NotImplementedError, ValueError):  # encrypted, unknown compression
        raise InvalidInput("sheet.unreadable", field="file", path=name) from None


# --- zip: .xlsx, .xlsm, .ods ----------------------------------------------------------------

# A cell that holds something: an opening tag (not self-closing) with a reference. Excel
# writes a reference on every cell; a cell without one is placed after the previous one.
_XLSX_TOKEN = re.compile(rb"<(?:\w+:)?(c|row)\b([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Za-z]{1,3})([0-9]{1,7})"')
_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')
_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>"
)
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="([0-9]{1,9})"')
_REPEAT_COLUMNS = re.compile(rb'table:number-columns-repeated="([0-9]{1,9})"')
_MAX_PARTS = 2_000


def _check_zip(path: Path, kind: str, name: str) -> None:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > _MAX_PARTS:
            raise InvalidInput("sheet.unreadable", field="file", path=name)
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise _unpacked(name)
        unpacked = 0
        for member in members:
            sheet = _is_sheet(member.filename, kind)
            extent = Extent()
            carry = b""
            state = _OdsState() if kind == "ods" else _XlsxState()
            for chunk in _stream(archive, member):
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise _unpacked(name)
                if not sheet:
                    continue
                data = carry + chunk
                cut = data.rfind(b"<")  # a tag may straddle two chunks
                if cut <= 0:
                    carry = data
                    continue
                state.scan(data[:cut], extent, name)
                carry = data[cut:]
                if len(carry) > _CHUNK:  # one tag longer than a chunk: nothing a sheet needs
                    raise InvalidInput("sheet.unreadable", field="file", path=name)
            if sheet and carry:
                state.scan(carry, extent, name)


def _unpacked(name: str) -> InvalidInput:
    return InvalidInput(
        "sheet.unpacked_too_big", field="file", path=name, limit=MAX_UNPACKED_BYTES // MB
    )


def _is_sheet(member: str, kind: str) -> bool:
    if kind == "ods":
        return member == "content.xml"
    return member.startswith("xl/worksheets/") and member.endswith(".xml")


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(member) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number


_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')


class _XlsxState:
    """Cells in ``<sheetData>``: ``<c r="B7" ...>``, empty (styled) ones included.

    Where every cell starts with its reference (as Excel writes them), one regular
    expression finds them all, about 4x faster than looking at each tag in Python; a file
    with another cell (no reference, a prefix) is read tag by tag from then on, counting
    positions and leaving out empty cells.
    """

    def __init__(self) -> None:
        self.row = 0
        self.column = 0
        self.positional = False

    def scan(self, data: bytes, extent: Extent, name: str) -> None:
        if not self.positional:
            plain = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
            referenced = data.count(b'<c r="')
            if plain == referenced and b":c " not in data and b":c>" not in data:
                self._by_reference(data, extent, name)
                return
            self.positional = True
        self._by_tag(data, extent, name)

    def _by_reference(self, data: bytes, extent: Extent, name: str) -> None:
        found = _CELL_REF.findall(data)
        if not found:
            return
        widest = max({letters for letters, _row in found}, key=lambda c: (len(c), c))
        column = _column_number(widest)  # the chunk's widest, for each of its rows
        for row in dict.fromkeys(row for _letters, row in found):
            extent.cell(int(row), column, name)
        self.row, self.column = int(found[-1][1]), _column_number(found[-1][0])

    def _by_tag(self, data: bytes, extent: Extent, name: str) -> None:
        for match in _XLSX_TOKEN.finditer(data):
            tag, attributes, closed = match.groups()
            if tag == b"row":
                number = _ROW_NUMBER.search(attributes)
                self.row = int(number.group(1)) if number else self.row + 1
                self.column = 0
                continue
            ref = _REF.search(attributes)
            if ref is not None:
                self.column = _column_number(ref.group(1))
                self.row = int(ref.group(2))
            else:
                self.column += 1
            if not closed:
                extent.cell(max(self.row, 1), self.column, name)


class _OdsState:
    """OpenDocument rows and cells, with their ``number-*-repeated`` counts applied."""

    def __init__(self) -> None:
        self.row = 0  # rows before the current one, in the current table
        self.row_repeat = 1
        self.column = 0
        self.row_has_value = False

    def scan(self, data: bytes, extent: Extent, name: str) -> None:
        for match in _ODS_TOKEN.finditer(data):
            closing, tag, attributes, closed = match.groups()
            if tag == b"table":
                if not closing:
                    self.row = 0
                continue
            if tag == b"table-row":
                if closing or closed:
                    if self.row_has_value:
                        extent.cell(self.row + self.row_repeat, max(self.column, 1), name)
                    self.row += self.row_repeat
                    if closed:
                        self.row_repeat = 1
                    continue
                repeat = _REPEAT_ROWS.search(attributes)
                self.row_repeat = int(repeat.group(1)) if repeat else 1
                self.column = 0
                self.row_has_value = False
                continue
            if closing:
                continue
            repeat = _REPEAT_COLUMNS.search(attributes)
            count = int(repeat.group(1)) if repeat else 1
            self.column += count
            if b"office:value-type" in attributes or not closed:
                self.row_has_value = True
                extent.cell(self.row + 1, self.column, name)
                if self.row_repeat > 1:
                    extent.cell(self.row + self.row_repeat, self.column, name)


# --- .xls: BIFF records in an OLE compound file ------------------------------------------

# Records that place one value at (row, column): NUMBER, RK, LABELSST, LABEL, BOOLERR,
# FORMULA, RSTRING; MULRK places a run of them. (BLANK and MULBLANK hold nothing.)
_ONE_CELL = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK = 0x00BD
_DIMENSIONS = 0x0200
_BOF = 0x0809


def _check_xls(path: Path, name: str) -> None:
    import olefile

    if not olefile.isOleFile(str(path)):
        raise InvalidInput("sheet.unreadable", field="file", path=name)
    with olefile.OleFileIO(str(path)) as ole:
        stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream is None:
            raise InvalidInput("sheet.unreadable", field="file", path=name)
        data = ole.openstream(stream).read(MAX_UNPACKED_BYTES + 1)
    if len(data) > MAX_UNPACKED_BYTES:
        raise _unpacked(name)
    extent = Extent()
    offset, end = 0, len(data)
    while offset + 4 <= end:
        kind, length = struct.unpack_from("<HH", data, offset)
        body = offset + 4
        offset = body + length
        if kind == _BOF:
            extent = Extent()  # each sheet is measured on its own
        elif kind in _ONE_CELL and length >= 4:
            row, column = struct.unpack_from("<HH", data, body)
            extent.cell(row + 1, column + 1, name)
        elif kind == _MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", data, body)
            (last,) = struct.unpack_from("<H", data, body + length - 2)
            extent.cell(row + 1, max(first, last) + 1, name)
        elif kind == _DIMENSIONS and length >= 12:
            # A reader may size its grid from this record: it must be believable too.
            _first_row, last_row, _first_col, last_col = struct.unpack_from("<IIHH", data, body)
            if last_row > MAX_ROWS + 1 or last_col > MAX_COLUMNS + 1:
                raise InvalidInput("sheet.too_many_rows", field="file", path=name, limit=MAX_ROWS)
