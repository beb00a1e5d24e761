"""Member import: a roster of ``--rows`` people (default 50,000) into a fresh desk.

    python -m bench.import_members [--rows 50000] [--format xlsx|csv] [--runs 1]

The roster is generated with the shapes real ones have: a title row above the header,
phones as floats or with full-width digits or ``+86``, about 2 % of rows with a bad phone
or a duplicate. Each run imports it into a new data folder, then imports it once more
(every row matches: nothing new). Target: 50,000 rows in under a minute.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.common import report, say, stats
from desktop.bootstrap import Desk, open_desk
from desktop.domain.model import DeskContext, StationKind
from desktop.domain.people import id_check_char
from desktop.services.desk import operators
from desktop.services.desk.setup import StationSetup, set_up_station
from desktop.services.reports import imports, spreadsheets

TARGET_SECONDS = 60.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志文博浩宇轩欣怡"
OCCUPATIONS = ("外卖骑手", "快递员", "网约车司机", "货车司机", "环卫工人", "保安")
EMPLOYERS = ("美团", "饿了么", "顺丰速运", "京东物流", "滴滴出行", "区环卫所")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def roster_rows(rows: int, seed: int = 5) -> list[list[object]]:
    rng = random.Random(seed)
    out: list[list[object]] = []
    for i in range(rows):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3589')}{i:09d}"
        shape = rng.random()
        cell: object = phone
        if shape < 0.2:
            cell = float(phone)
        elif shape < 0.3:
            cell = phone.translate(FULL_WIDTH)
        elif shape < 0.35:
            cell = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
        elif shape < 0.36:
            cell = phone[:-1]  # a digit short: refused
        id_number = ""
        if rng.random() < 0.3:
            body = f"990000{rng.randrange(1960, 2004)}{rng.randrange(1, 13):02d}"
            body += f"{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
            id_number = body + id_check_char(body)
        tags = "新就业形态劳动者" if rng.random() < 0.5 else ""
        occupation = rng.choice(OCCUPATIONS)
        out.append([i + 1, name, cell, id_number, rng.choice(EMPLOYERS), occupation, tags])
    for _ in range(rows // 100):  # duplicates within the file
        out.append(list(out[rng.randrange(len(out))]))
    return out


HEADINGS = ["序号", "姓名", "手机号码", "身份证号", "工作单位", "职业", "类别"]


def write_roster(folder: Path, rows: int, kind: str) -> Path:
    data = roster_rows(rows)
    if kind == "csv":
        import csv

        path = folder / f"roster-{rows}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["会员花名册"])
            writer.writerow(HEADINGS)
            writer.writerows(data)
        return path
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("花名册")
    ws.append(["会员花名册"])
    ws.append(HEADINGS)
    for row in data:
        ws.append(row)
    path = folder / f"roster-{rows}.xlsx"
    book.save(path)
    return path


def fresh_desk(home: Path) -> tuple[Desk, DeskContext]:
    desk = open_desk(home)
    set_up_station(
        StationSetup(
            station_name="导入测试驿站",
            kind=StationKind.STATION,
            union_name="基准区总工会",
            admin_name="基准管理员",
            admin_pin="246810",
        ),
        desk.uow(),
    )
    admin = operators.first_admin(desk.uow())
    device = desk.device()
    assert device is not None
    return desk, DeskContext(device.station.id, device.id, admin.id, admin.role)


def seed_members(desk: Desk, ctx: DeskContext, count: int) -> None:
    """Members already on the register (phones 138…, none of them in the roster)."""
    from sqlalchemy import text

    from bench.monthly_report import _MEMBERS_SQL

    ids = {"station": ctx.station_id, "device": ctx.device_id, "operator": ctx.operator_id}
    with desk.engine.begin() as connection:
        connection.execute(text(_MEMBERS_SQL), {"members": count, **ids})


def _cpu_and_wall(read: Callable[[], object], runs: int = 3) -> str:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        read()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"median {sorted(walls)[runs // 2]:.2f} s wall, {sorted(cpus)[runs // 2]:.2f} s CPU"


def compare_readers(roster: Path) -> dict[str, str]:
    """Reading the roster alone: openpyxl's streaming reader, calamine's, and the desk's
    (the file measured by sheet_limits first, then calamine, merged cells expanded)."""

    def with_openpyxl() -> object:
        from openpyxl import load_workbook

        book = load_workbook(roster, read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return rows

    def with_calamine() -> object:
        from python_calamine import CalamineWorkbook

        with CalamineWorkbook.from_path(str(roster)) as book:
            return list(book.get_sheet_by_index(0).iter_rows())

    def the_desks() -> object:
        spreadsheets.forget_last_sheet()
        return spreadsheets.read_sheet(roster)

    if roster.suffix.lower() not in (".xlsx", ".xls", ".ods"):  # a CSV: calamine reads none
        return {"the desk's reading": _cpu_and_wall(the_desks)}
    found = {"calamine alone (the raw baseline)": _cpu_and_wall(with_calamine)}
    found["the desk's reading: measured, then calamine"] = _cpu_and_wall(the_desks)
    if roster.suffix == ".xlsx":
        found["openpyxl read-only (the reader before)"] = _cpu_and_wall(with_openpyxl)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--existing", type=int, default=0, help="members already registered (SQL-generated)"
    )
    parser.add_argument("--root", default=None, help="where to put the roster and data folders")
    args = parser.parse_args(argv)
    root = Path(args.root or tempfile.mkdtemp(prefix="waystation-import-"))
    root.mkdir(parents=True, exist_ok=True)
    say(f"writing a {args.format} roster of {args.rows:,} rows under {root} ...")
    roster = write_roster(root, args.rows, args.format)
    readers = compare_readers(roster)
    first, again, reading = [], [], []
    result = None
    for run in range(args.runs):
        home = root / f"home-{run}"
        shutil.rmtree(home, ignore_errors=True)
        desk, ctx = fresh_desk(home)
        if args.existing:
            seed_members(desk, ctx, args.existing)
        try:
            spreadsheets.forget_last_sheet()  # the first import reads the file itself
            started = time.perf_counter()
            result = imports.import_members(roster, imports.ImportOptions(), desk.uow(), ctx)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            imports.import_members(roster, imports.ImportOptions(), desk.uow(), ctx)
            again.append(time.perf_counter() - started)
            spreadsheets.forget_last_sheet()
            started = time.perf_counter()
            imports.inspect(roster)
            reading.append(time.perf_counter() - started)
        finally:
            desk.close()
    assert result is not None
    rate = result.rows / first[-1] if first[-1] else 0.0
    report(
        f"member import ({args.format})",
        {
            "first import (reading the file included)": stats(first),
            "same file again, all matched (file already read)": stats(again),
            "reading the file and guessing its header alone": stats(reading),
            **readers,
            "rows": (
                f"{result.rows:,} rows: {result.imported:,} imported, "
                f"{len(result.refused):,} refused; {rate:,.0f} rows/s"
            ),
        },
        size=(
            f"{args.rows:,} roster rows (+1 % duplicates), {args.format}, into a desk with "
            f"{args.existing:,} members"
        ),
        target=f"50,000 rows < {TARGET_SECONDS:.0f} s",
        unit="s",
    )
    if not args.root:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
