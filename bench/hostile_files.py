"""Crafted spreadsheets, and what importing each costs the desk (memory, CPU, the answer).

    python -m bench.hostile_files [--folder DIR]

Each file is imported by a fresh process (`waystation member import`) whose peak memory
(VmHWM, its own high-water mark) and CPU time are printed beside the answer it gave; a raw
baseline (the same process importing a 2-row roster) is printed first. The files are also
the test inputs of tests/unit/test_hostile_files.py.
"""

from __future__ import annotations

import argparse
import os
import resource  # noqa: F401 (used by the child)
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main">'
)


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _roster_rows() -> Iterator[str]:
    yield '<row r="1">' + _text("A1", "姓名") + _text("B1", "手机号") + "</row>"
    yield '<row r="2">' + _text("A2", "张三") + _text("B2", "13800138000") + "</row>"


def write_xlsx(path: Path, sheet: Iterable[str], tail: str = "") -> Path:
    """An .xlsx whose sheet XML is ``sheet`` (streamed, so it may be gigabytes unpacked)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            handle.write(_SHEET_HEAD.encode())
            for part in sheet:
                handle.write(part.encode())
            handle.write(tail.encode())
    return path


def _sheet(rows: Iterable[str], after: str = "") -> Iterator[str]:
    yield "<sheetData>"
    yield from _roster_rows()
    yield from rows
    yield "</sheetData>" + after + "</worksheet>"


def declared_dimension(folder: Path) -> Path:
    """The 53 KB file of the issue: A1:XFD20000 declared, 20,000 styled empty rows."""
    rows = (
        f'<row r="{r}" spans="1:16384" s="1" customFormat="1"><c r="XFD{r}" s="1"/></row>'
        for r in range(3, 20_001)
    )
    return write_xlsx(folder / "dimension.xlsx", ['<dimension ref="A1:XFD20000"/>', *_sheet(rows)])


def far_corner(folder: Path) -> Path:
    """Two cells at opposite corners: a reader's grid of 17 billion cells."""
    return write_xlsx(
        folder / "corner.xlsx", _sheet(['<row r="1048576">' + _text("XFD1048576", "x") + "</row>"])
    )


def whitespace_bomb(folder: Path, megabytes: int = 400) -> Path:
    """A sheet that unpacks to ``megabytes`` of spaces (a few hundred KB packed)."""
    block = " " * (1 << 20)
    return write_xlsx(folder / "bomb.xlsx", _sheet([block] * megabytes))


def lying_bomb(folder: Path) -> Path:
    """A part that says it unpacks to 100 bytes and unpacks to 300 MB."""
    path = whitespace_bomb(folder, 300).rename(folder / "lying.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Patch the uncompressed size in the central directory entry and the local header.
    needle = info.filename.encode()
    for start in _all(data, needle):
        for offset in (start - 46 + 24, start - 30 + 22):
            if offset >= 0 and data[offset : offset + 4] == b"\xff\xff\xff\xff":
                data[offset : offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def _all(data: bytes | bytearray, needle: bytes) -> Iterator[int]:
    start = data.find(needle)
    while start >= 0:
        yield start
        start = data.find(needle, start + 1)


def many_rows(folder: Path, rows: int = 250_000) -> Path:
    lines = (f'<row r="{r}">' + _text(f"A{r}", f"人{r}") + "</row>" for r in range(3, rows + 3))
    return write_xlsx(folder / "rows.xlsx", _sheet(lines))


def wide(folder: Path, columns: int = 300) -> Path:
    cells = "".join(f"<c><v>{c}</v></c>" for c in range(columns))
    return write_xlsx(folder / "wide.xlsx", _sheet([f'<row r="3">{cells}</row>']))


def blank_run(folder: Path) -> Path:
    lines = (f'<row r="{r}">' + _text(f"A{r}", "李四") + "</row>" for r in (3, 20_000, 40_000))
    return write_xlsx(folder / "blank-run.xlsx", _sheet(lines))


def merge_bomb(folder: Path, merges: int = 50_000) -> Path:
    """A 2-row roster with 50,000 merged ranges, each the whole sheet."""
    ranges = "".join('<mergeCell ref="A1:XFD1048576"/>' for _ in range(merges))
    return write_xlsx(
        folder / "merges.xlsx",
        ["<sheetData>", *_roster_rows(), "</sheetData>"],
        tail=f'<mergeCells count="{merges}">{ranges}</mergeCells></worksheet>',
    )


def xls_corner(folder: Path) -> Path:
    """A 6 KB Excel 97 file with a cell at IV65536: a reader's grid of 16.7 million cells."""
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    for column, text in enumerate(("姓名", "手机号")):
        sheet.write(0, column, text)
    sheet.write(1, 0, "张三")
    sheet.write(65535, 255, "x")
    path = folder / "corner.xls"
    book.save(str(path))
    return path


def write_ods(path: Path, table_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
        '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
        'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        'text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table '
        f'table:name="花名册">{table_xml}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-'
        'type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_cell(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def ods_repeated(folder: Path) -> Path:
    """One row of 1,000 repeated cells, itself repeated 1,000,000 times."""
    header = "<table:table-row>" + ods_cell("姓名") + ods_cell("手机号") + "</table:table-row>"
    bomb = (
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    return write_ods(folder / "repeated.ods", header + bomb)


def csv_long_line(folder: Path) -> Path:
    path = folder / "long-line.csv"
    path.write_text("姓名,手机号\n张三,13800138000\n" + "," * 3_000_000 + "\n", "utf-8")
    return path


def csv_many_rows(folder: Path) -> Path:
    path = folder / "many-rows.csv"
    path.write_text("姓名,手机号\n" + "x,\n" * 400_000, "utf-8")
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "declared dimension (the issue's 53 KB .xlsx)": declared_dimension,
    "far corner .xlsx": far_corner,
    "whitespace zip bomb": whitespace_bomb,
    "zip bomb lying about its size": lying_bomb,
    "250,000 rows": many_rows,
    "300 columns": wide,
    "20,000 empty rows in a run": blank_run,
    "50,000 merged ranges": merge_bomb,
    "far corner .xls": xls_corner,
    ".ods of repeated rows and cells": ods_repeated,
    ".csv with a 3 MB line of commas": csv_long_line,
    ".csv of 400,000 rows": csv_many_rows,
}


# The child reports its own peak memory and CPU time, whatever the verb answered.
# The peak is VmHWM, this process's own high-water mark since its exec. Not ru_maxrss: Linux
# starts a child's ru_maxrss at the peak of the process that spawned it (at exec the old
# memory map's high-water mark is kept, and with vfork that map is the parent's), so a
# child of a pytest that had grown to 778 MB reported 778 MB however little it used itself.
_CHILD = """
import resource, sys
from ui.main import main

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no procfs: the best there is

try:
    code = main()
except SystemExit as stop:
    code = stop.code
finally:
    use = resource.getrusage(resource.RUSAGE_SELF)
    print("@@", peak_kb(), use.ru_utime + use.ru_stime, file=sys.stderr)
sys.exit(code)
"""


def waystation(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WAYSTATION_HOME": str(home), "WAYSTATION_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-c", _CHILD, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def measure_import(home: Path, path: Path) -> tuple[int, float, float, str]:
    """(exit code, peak RSS MB, CPU s, what it said) of one import in a new process."""
    done = waystation(
        home, "member", "import", str(path), "--rejects", str(path.with_suffix(".rejects.xlsx"))
    )
    lines = done.stderr.strip().splitlines()
    rss, cpu = 0.0, 0.0
    if lines and lines[-1].startswith("@@"):
        _mark, kb, seconds = lines.pop().split()
        rss, cpu = int(kb) / 1024, float(seconds)
    said = [*lines, *done.stdout.strip().splitlines()]
    traceback = any("Traceback" in line for line in said)
    return done.returncode, rss, cpu, "TRACEBACK" if traceback else (said[0] if said else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", default=None)
    args = parser.parse_args(argv)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="hostile-"))
    home = folder / "desk"
    waystation(home, "init", "--station-name", "bench", "--admin-pin", "135790")
    print(f"load average {os.getloadavg()[0]:.2f}; one new process per file")
    baseline = write_xlsx(folder / "baseline.xlsx", _sheet([]))
    code, rss, cpu, said = measure_import(home, baseline)
    print(f"{'baseline: a 2-row roster':48} {rss:7.0f} MB {cpu:6.2f} s CPU  exit {code}")
    tracebacks = 0
    for name, make in HOSTILE.items():
        path = make(folder)
        size = path.stat().st_size
        code, rss, cpu, said = measure_import(home, path)
        tracebacks += said == "TRACEBACK"
        print(
            f"{name:48} {rss:7.0f} MB {cpu:6.2f} s CPU  exit {code}  {size / 1024:8.0f} KB"
            f"  {said[:90]}"
        )
    print(f"{len(HOSTILE)} files, {tracebacks} tracebacks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
