"""Rosters from any office file, and none that sinks the desk (issue 16, part 1).

Crafted files (bench/hostile_files.py makes them) are refused with their reason before a
reader lays them out; real .xls and .ods rosters are read; a totals row, a NUL and an
over-long CSV field are refused rows, and the rejects file is written all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import xlwt  # type: ignore[import-untyped]
from openpyxl import Workbook, load_workbook

from bench import hostile_files as hostile
from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput
from desktop.domain.model import DeskContext
from desktop.services.reports import imports, spreadsheets
from desktop.services.reports.imports import ImportOptions

REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "declared dimension": (hostile.declared_dimension, "sheet.too_many_columns"),
    "far corner": (hostile.far_corner, "sheet.too_many_columns"),
    "whitespace bomb": (lambda f: hostile.whitespace_bomb(f, 170), "sheet.unpacked_too_big"),
    "lying bomb": (hostile.lying_bomb, "sheet.unpacked_too_big"),
    "rows": (hostile.many_rows, "sheet.too_many_rows"),
    "columns": (hostile.wide, "sheet.too_many_columns"),
    "blank run": (hostile.blank_run, "sheet.blank_run"),
    "merges": (hostile.merge_bomb, "sheet.too_many_cells"),
    "xls corner": (hostile.xls_corner, "sheet.blank_run"),
    "ods repeats": (hostile.ods_repeated, "sheet.too_many_columns"),
    "csv rows": (hostile.csv_many_rows, "sheet.too_many_rows"),
}


@pytest.fixture(autouse=True)
def _fresh_reads() -> None:
    spreadsheets.forget_last_sheet()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_crafted_file_is_refused_with_its_reason(
    case: str, desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    make, code = REFUSED[case]
    path = make(tmp_path)
    with pytest.raises(InvalidInput) as refused:
        imports.import_members(path, ImportOptions(), desk.uow(), ctx)
    assert refused.value.code == code
    with pytest.raises(InvalidInput):
        imports.inspect(path)
    assert desk.uow is not None


def test_the_worst_files_cost_a_new_process_under_300_mb(tmp_path: Path) -> None:
    """Peak memory of the whole `waystation member import` process, file by file.

    The figure is the child's own (VmHWM). It was ru_maxrss, which Linux starts at the
    spawning process's peak: in whole-suite runs, where pytest had grown to 520 and 778 MB,
    the child "peaked" at just that. This test grows its own process past 300 MB first, so
    measuring the parent's peak again fails here, not only in a long run.
    """
    ballast = bytearray(320 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # touched: resident
    del ballast  # gone, but this process's high-water mark stays above 300 MB
    home = tmp_path / "desk"
    started = hostile.waystation(home, "init", "--station-name", "t", "--admin-pin", "135790")
    assert started.returncode == 0, started.stderr
    for make in (hostile.far_corner, hostile.xls_corner, hostile.whitespace_bomb):
        code, rss, _cpu, said = hostile.measure_import(home, make(tmp_path))
        assert code == 1 and said.startswith("Error:"), said
        assert 0 < rss < 300, (make.__name__, rss)


def _xls_roster(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("花名册")
    for row, values in enumerate(
        (
            ("姓名", "手机号", "工作单位"),
            ("张三", 13800138000, "美团"),
            ("李四", "139 0013 9000", ""),
        )
    ):
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    sheet.write(3, 0, "合计")
    sheet.write(3, 1, 2)
    book.save(str(path))
    return path


def _ods_roster(path: Path) -> Path:
    def row(*cells: str) -> str:
        return (
            "<table:table-row>" + "".join(hostile.ods_cell(c) for c in cells) + "</table:table-row>"
        )

    return hostile.write_ods(
        path, row("姓名", "手机号") + row("王五", "13700137000") + row("总计：1 人", "")
    )


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_excel_97_and_opendocument_rosters_are_read(
    kind: str, desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    path = _xls_roster(tmp_path / "r.xls") if kind == "xls" else _ods_roster(tmp_path / "r.ods")
    layout = imports.inspect(path)
    assert layout.header_row == 1 and layout.mapping[0] == "name"
    result = imports.import_members(path, ImportOptions(), desk.uow(), ctx)
    expected = 2 if kind == "xls" else 1
    assert result.imported == expected
    assert [(p.row, p.code) for p in result.refused] == [(expected + 2, "import.totals_row")]


def test_a_totals_row_says_it_is_a_totals_row(desk: Desk, ctx: DeskContext, tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for values in (("序号", "姓名", "手机号"), (1, "张三", "13800138000"), ("合 计", "", 1)):
        ws.append(values)
    ws.append(("", "Total", ""))
    book.save(tmp_path / "r.xlsx")
    result = imports.import_members(tmp_path / "r.xlsx", ImportOptions(), desk.uow(), ctx)
    assert result.imported == 1
    assert {p.row: p.code for p in result.refused} == {
        3: "import.totals_row",
        4: "import.totals_row",
    }
    assert "合计行" in result.refused[0].reason() or "totals" in result.refused[0].reason()


def test_a_nul_and_an_overlong_field_are_refused_rows_and_the_rejects_file_is_written(
    desk: Desk, ctx: DeskContext, tmp_path: Path
) -> None:
    path = tmp_path / "r.csv"
    long = "x" * 140_000
    path.write_text(
        "姓名,手机号\n张三,13800138000\n李\x00四,13900139000\n"
        f'王五,"{long}"\n赵六,13600136000\n{"," * 2_000_000}\n',
        "utf-8",
    )
    result = imports.import_members(path, ImportOptions(), desk.uow(), ctx)
    assert result.imported == 2
    assert {p.row: p.code for p in result.refused} == {
        3: "sheet.nul_in_cell",
        4: "sheet.field_too_long",
        6: "sheet.field_too_long",
    }
    rejects = imports.write_rejects(result, tmp_path / "rejects.xlsx")
    assert rejects is not None
    sheet = load_workbook(rejects).active
    assert sheet is not None
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert cells[1][:2] == ["李四", "13900139000"] and cells[1][-2] == 3


def test_a_rejects_file_takes_any_text(tmp_path: Path) -> None:
    """Control characters and 100,000-character cells: written, cut to what Excel keeps."""
    problem = imports.RowProblem(2, "import.totals_row", {}, ("a\x01b\x1f", "y" * 100_000))
    result = imports.ImportResult(
        str(tmp_path / "r.csv"), "r", 1, ("姓\x00名", "手机号"), 1, 1, 0, 0, 0, (), (problem,), 0
    )
    written = imports.write_rejects(result, tmp_path / "rejects.xlsx")
    assert written is not None
    rows = list(load_workbook(written).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "姓名" and rows[1][0] == "ab" and len(str(rows[1][1])) == 32_767
