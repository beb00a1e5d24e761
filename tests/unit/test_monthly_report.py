"""The monthly report against a small data set counted by hand; its workbook and its PDF."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.bootstrap import Desk
from desktop.domain.errors import InvalidInput
from desktop.domain.model import DeskContext
from desktop.services.cards import commands as cards
from desktop.services.members import commands as members
from desktop.services.members.commands import MemberForm
from desktop.services.reports import monthly as monthly_report
from desktop.services.visits import checkin
from desktop.services.visits.checkin import CheckIn
from desktop.storage.uow import UnitOfWorkFactory, uow_factory

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.printing.pdfcheck import font_report, page_texts, pages  # noqa: E402


class ManualClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 2, 20, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: str, hh: int, mm: int = 0) -> None:
        self.now = datetime.fromisoformat(day).replace(hour=hh, minute=mm, tzinfo=UTC)


# Visits at these UTC times (around noon: the same calendar day from UTC-11 to UTC+11).
VISITS = [
    ("2025-02-28", 12, 0, "A", ("water",)),  # before the month
    ("2025-03-01", 12, 0, "A", ("water", "rest")),
    ("2025-03-01", 12, 40, "B", ("water",)),
    ("2025-03-01", 13, 0, None, ("toilet",)),  # anonymous 保安
    ("2025-03-02", 12, 0, "A", ("charging",)),
    ("2025-03-02", 12, 5, "C", ("water",)),
    ("2025-03-05", 14, 0, "B", ("rest",)),
    ("2025-03-05", 14, 10, "B", ("water",)),  # a second visit the same day
    ("2025-03-06", 12, 0, "C", ("water",)),  # voided below
    ("2025-04-01", 12, 0, "A", ("water",)),  # after the month
]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def uow(desk: Desk, clock: ManualClock) -> UnitOfWorkFactory:
    return uow_factory(desk.engine, clock=clock)


@pytest.fixture
def march(desk: Desk, ctx: DeskContext, clock: ManualClock, uow: UnitOfWorkFactory) -> None:
    def register(name: str, phone: str, occupation: str, tags: tuple[str, ...]) -> str:
        form = MemberForm(name, phone, occupation, tags=tags, consent=True)
        return members.register_member(form, uow(), ctx).id

    people = {
        "A": register("张三", "13800138000", "外卖骑手", ("新就业形态劳动者",)),
        "B": register("李四", "13900139000", "快递员", ("困难职工", "新就业形态劳动者")),
    }
    clock.at("2025-03-02", 11)
    people["C"] = register("王五", "13700137000", "环卫工人", ())
    clock.at("2025-03-03", 12)
    cards.card_to_print(people["C"], uow(), ctx, desk.keys, "")
    for day, hh, mm, who, services in VISITS:
        clock.at(day, hh, mm)
        if who is None:
            checkin.check_in_anonymous("保安", services, uow(), ctx)
            continue
        command = CheckIn(member_id=people[who], services=services, confirm_repeat=True)
        result = checkin.check_in(command, uow(), ctx)
        if day == "2025-03-06":
            clock.at(day, 12, 1)
            checkin.void_visit(result.visit_id or "", "误操作", uow(), ctx)


def local_hour(day: str, hh: int, mm: int) -> int:
    return datetime.fromisoformat(day).replace(hour=hh, minute=mm, tzinfo=UTC).astimezone().hour


def test_figures_match_the_hand_count(march: None, uow: UnitOfWorkFactory) -> None:
    first, last = monthly_report.parse_month("2025-03")
    assert (first, last) == (date(2025, 3, 1), date(2025, 3, 31))
    report = monthly_report.monthly_report(uow(), first, last)
    assert report.title == "2025年3月服务月报"
    assert report.station == "测试街道工会驿站"
    assert (report.visits, report.members_visiting, report.anonymous, report.people) == (7, 3, 1, 4)
    assert (report.returning, round(report.returning_share, 4)) == (2, 0.6667)  # 张三, 李四
    assert (report.voided, report.new_members, report.cards_printed) == (1, 1, 1)
    assert len(report.days) == 31
    by_day = {d.day: (d.visits, d.people) for d in report.days if d.visits}
    assert by_day == {"2025-03-01": (3, 3), "2025-03-02": (2, 2), "2025-03-05": (2, 1)}
    assert [(t.key, t.label, t.visits, t.people) for t in report.services] == [
        ("water", "饮水", 4, 3),
        ("rest", "休息", 2, 2),
        ("toilet", "如厕", 1, 1),
        ("charging", "电动车充电", 1, 1),
    ]
    assert [(t.label, t.visits, t.people) for t in report.occupations] == [
        ("快递员", 3, 1),
        ("外卖骑手", 2, 1),
        ("保安", 1, 1),
        ("环卫工人", 1, 1),
    ]
    assert [(t.label, t.visits, t.people) for t in report.tags] == [
        ("新就业形态劳动者", 5, 2),
        ("困难职工", 3, 1),
    ]
    expected_hours = [0] * 24
    for day, hh, mm, _who, _s in VISITS[1:8]:
        expected_hours[local_hour(day, hh, mm)] += 1
    assert list(report.hours) == expected_hours


def test_any_date_range_and_bad_months(march: None, uow: UnitOfWorkFactory) -> None:
    report = monthly_report.monthly_report(uow(), date(2025, 2, 28), date(2025, 3, 1))
    assert report.title == "服务报表（2025-02-28 至 2025-03-01）"
    assert (report.visits, report.returning, len(report.days)) == (4, 1, 2)  # 张三 both days
    for bad in ("2025-13", "March", "2025"):
        with pytest.raises(InvalidInput) as refused:
            monthly_report.parse_month(bad)
        assert refused.value.code == "report.bad_month"
    assert monthly_report.parse_month("2025年3月")[0] == date(2025, 3, 1)
    with pytest.raises(InvalidInput):
        monthly_report.monthly_report(uow(), date(2025, 3, 2), date(2025, 3, 1))


def test_the_workbook_has_one_sheet_per_table(
    march: None, uow: UnitOfWorkFactory, tmp_path: Path
) -> None:
    report = monthly_report.monthly_report(uow(), *monthly_report.parse_month("2025-03"))
    out = monthly_report.write_report(report, tmp_path / "月报.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == ["概况", "每日到访", "服务项目", "按职业", "按标签", "按时段"]
    summary = [[v for v in r if v is not None] for r in book["概况"].iter_rows(values_only=True)]
    assert summary[0] == ["测试街道工会驿站  2025年3月服务月报"]
    assert ["到访人次", 7] in summary and ["回头客人数", 2] in summary  # numbers, not text
    share = next(r for r in book["概况"].iter_rows(min_row=3) if r[0].value == "回头客占会员比例")
    assert round(share[1].value, 4) == 0.6667 and share[1].number_format == "0.0%"
    made = next(r for r in book["概况"].iter_rows(min_row=3) if r[0].value == "生成时间")
    assert isinstance(made[1].value, datetime) and made[1].is_date
    assert any("仅本站" in str(r[1]) for r in summary[2:] if len(r) > 1)
    services = [list(r) for r in book["服务项目"].iter_rows(min_row=3, values_only=True)]
    assert services[0] == ["饮水", 4, 3]
    assert book["每日到访"].max_row == 2 + 31
    first_day = book["每日到访"]["A3"]
    assert first_day.is_date and first_day.value.date() == date(2025, 3, 1)
    tags = [list(r) for r in book["按标签"].iter_rows(min_row=3, values_only=True)]
    assert tags[0] == ["新就业形态劳动者", 5, 2]


def test_the_pdf_embeds_its_font_and_reads_as_the_report(
    march: None, uow: UnitOfWorkFactory, tmp_path: Path
) -> None:
    report = monthly_report.monthly_report(uow(), *monthly_report.parse_month("2025-03"))
    out = monthly_report.write_report(report, tmp_path / "月报.pdf")
    pdf = out.read_bytes()
    assert b"/FontFile2" in pdf  # the TrueType subset travels inside the file
    names, descriptors, embedded = font_report(pdf)
    assert names and descriptors == len(names) == embedded  # no Helvetica, nothing unembedded
    text = "".join(page_texts(pdf))
    for expected in ("2025年3月服务月报", "到访人次", "回头客", "新就业形态劳动者", "饮水"):
        assert expected in text
    assert "0时" in text and "12时" in text and "⋮" not in text  # the hours are named
    assert "- ·" not in text and "统计范围：仅本站" in text
    images = pages(pdf, "monthly-report")
    assert 1 <= len(images) <= 4
    # The day chart has coloured bars: some pixels are the bar colour's blue.
    first = images[0].convert("RGB").resize((400, 566))
    colours = first.getcolors(400 * 566) or []
    assert any(r < 80 and 90 < g < 130 and b > 160 for _n, (r, g, b) in colours)
    with pytest.raises(InvalidInput):
        monthly_report.write_report(report, tmp_path / "月报.docx")


def test_an_empty_month_is_a_report_of_zeros(
    desk: Desk, ctx: DeskContext, uow: UnitOfWorkFactory, tmp_path: Path
) -> None:
    report = monthly_report.monthly_report(uow(), date(2025, 6, 1), date(2025, 6, 30))
    assert (report.visits, report.people, report.returning_share) == (0, 0, 0.0)
    assert report.services == () and sum(report.hours) == 0
    pdf = monthly_report.write_report(report, tmp_path / "empty.pdf").read_bytes()
    assert page_texts(pdf) and "本期没有到访记录" in page_texts(pdf)[0]
    assert len(page_texts(pdf)) == 1  # no empty charts and 30 rows of zeros on more pages
    book = load_workbook(monthly_report.write_report(report, tmp_path / "empty.xlsx"))
    services = [list(r) for r in book["服务项目"].iter_rows(min_row=3, values_only=True)]
    assert services == [["（无记录）", None, None]]


def test_members_and_cards_other_stations_made_are_not_counted(
    march: None, desk: Desk, ctx: DeskContext, clock: ManualClock, uow: UnitOfWorkFactory
) -> None:
    """As after a sync: members and card prints of another station, pulled into this desk."""
    from sqlalchemy import text

    clock.at("2025-03-10", 12)
    pulled = [
        members.register_member(MemberForm(name, occupation="快递员"), uow(), ctx).id
        for name in [f"外站{a}{b}" for a in "甲乙丙丁戊" for b in "子丑寅卯"]
    ]
    for member_id in pulled:
        cards.card_to_print(member_id, uow(), ctx, desk.keys, "")
    with desk.engine.begin() as connection:
        for table, column in (("member", "id"), ("card_event", "card_id")):
            ids = pulled if table == "member" else _card_ids(connection, pulled)
            for row_id in ids:
                connection.execute(
                    text(f"UPDATE {table} SET station_id = 'other-station' WHERE {column} = :id"),
                    {"id": row_id},
                )
    report = monthly_report.monthly_report(uow(), *monthly_report.parse_month("2025-03"))
    assert (report.new_members, report.cards_printed) == (1, 1)  # 王五 and his card only


def _card_ids(connection: object, member_ids: list[str]) -> list[str]:
    from sqlalchemy import text

    found = []
    for member_id in member_ids:
        found += connection.execute(  # type: ignore[attr-defined]
            text("SELECT id FROM card WHERE member_id = :m"), {"m": member_id}
        ).scalars()
    return found


def _tallies(desk: Desk) -> list[tuple[str, str, str, int]]:
    from sqlalchemy import text

    with desk.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT local_date, kind, key, visits FROM visit_tally WHERE visits != 0 "
                "ORDER BY local_date, kind, key"
            )
        ).all()
    return [(str(d), str(k), str(key), int(n)) for d, k, key, n in rows]


def test_tallies_kept_with_each_visit_and_void_are_the_tallies_made_again(
    march: None, desk: Desk, ctx: DeskContext, clock: ManualClock, uow: UnitOfWorkFactory
) -> None:
    """The per-day tallies the report sums: kept as visits are recorded and voided, equal to
    what migration 0009 makes from the visits, and the report agrees with both."""
    from alembic import command

    from desktop.storage import database
    from desktop.storage.visits import tallies

    clock.at("2025-03-07", 12)
    who = members.register_member(MemberForm("赵六", occupation="保安"), uow(), ctx).id
    again = CheckIn(member_id=who, services=("water",), confirm_repeat=True)
    first = checkin.check_in(again, uow(), ctx).visit_id or ""
    clock.at("2025-03-07", 12, 30)
    checkin.check_in(again, uow(), ctx)
    anonymous = checkin.check_in_anonymous("保洁", ("rest",), uow(), ctx)
    clock.at("2025-03-07", 13)
    checkin.void_visit(first, "重复登记", uow(), ctx)  # 赵六 still came that day
    checkin.void_visit(anonymous, "误操作", uow(), ctx)
    kept = _tallies(desk)
    day = ("2025-03-07", "people", "", 1)
    assert day in kept and ("2025-03-07", "voided", "", 2) in kept
    assert ("2025-03-06", "people", "", 1) not in kept  # 王五's only visit there was voided
    assert not [t for t in kept if t[0] == "2025-03-07" and t[1].endswith("anonymous")]
    with desk.engine.begin() as connection:
        tallies.rebuild(connection)
    assert _tallies(desk) == kept
    # Migration 0009 on a desk that held these visits before it: the same tallies.
    config = database.alembic_config(desk.engine)
    command.downgrade(config, "0008")
    assert database.current_revision(desk.engine) == "0008"
    database.migrate(desk.engine, desk.paths.database, desk.paths.backups)
    assert _tallies(desk) == kept
    report = monthly_report.monthly_report(uow(), *monthly_report.parse_month("2025-03"))
    by_day = {d.day: (d.visits, d.people) for d in report.days if d.visits}
    assert by_day["2025-03-07"] == (1, 1)
    assert (report.visits, report.voided, report.members_visiting) == (8, 3, 4)
