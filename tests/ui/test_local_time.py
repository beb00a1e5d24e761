"""A desk in China at 07:30 on the first morning of a month (23:30 UTC the day before): every screen
and report shows the station's wall clock and calls the station's day "today"."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.bootstrap import open_desk
from desktop.domain.clock import SHORT, local_day_of, shown
from desktop.domain.model import DeskContext, StationKind
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.aid.campaigns import CampaignForm
from desktop.services.desk import setup
from desktop.services.members import commands as members
from desktop.services.training import courses
from ui.aid.handout_screen import HandoutScreen
from ui.reports.screen import ReportScreen
from ui.session.state import DeskSession
from ui.training.door_screen import DoorScreen

from .keys import type_text

MORNING_UTC = datetime(2026, 7, 31, 23, 30, tzinfo=UTC)  # 2026-08-01 07:30 in Beijing
LOCAL_DAY = date(2026, 8, 1)


@pytest.fixture
def in_china(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def morning(in_china: None, tmp_path: Path) -> Iterator[DeskSession]:
    ticks = itertools.count()

    def clock() -> datetime:  # 07:30 and a few seconds more with every reading
        return MORNING_UTC + timedelta(milliseconds=next(ticks))

    desk = open_desk(tmp_path / "home", clock=clock)
    device, admin = setup.set_up_station(
        setup.StationSetup(
            station_name="测试街道工会驿站",
            kind=StationKind.STATION,
            union_name="测试区总工会",
            admin_name="王站长",
            admin_pin="2468",
        ),
        desk.uow(),
    )
    desk.register_own_key()
    yield DeskSession(desk, device, admin)
    desk.close()


def _ctx(session: DeskSession) -> DeskContext:
    return session.ctx()


def test_a_stored_time_is_shown_on_the_station_clock(in_china: None) -> None:
    stored = "2026-07-14T23:30:05.123456Z"
    assert shown(stored) == "2026-07-15 07:30"
    assert shown(stored, SHORT) == "07-15 07:30"
    assert shown("2026-07-14T23:30:05Z") == "2026-07-15 07:30"  # no fraction: still a time
    assert local_day_of(stored) == "2026-07-15"
    assert shown("") == "" and shown(None) == ""
    assert shown("not a time") == "not a time"  # shown as it is, not lost


def test_the_desk_calls_the_station_day_today(morning: DeskSession) -> None:
    assert morning.today() == LOCAL_DAY


def test_handout_screen_shows_local_time_and_counts_today(
    qtbot: QtBot, morning: DeskSession
) -> None:
    ctx, uow = _ctx(morning), morning.desk.uow
    member = members.register_member(
        members.MemberForm(name="张三", phone="13800138000", occupation="环卫工人", consent=True),
        uow(),
        ctx,
    )
    water = campaigns.create_item("清凉包", "个", uow(), ctx)
    campaign = campaigns.create_campaign(
        CampaignForm(
            name="夏送清凉",
            starts_on="2026-08-01",  # starts on the station's today, not yet in UTC
            ends_on="2026-08-31",
            package=((water.id, 1),),
            max_per_person=1,
        ),
        uow(),
        ctx,
    )
    stock.receive(campaign.id, water.id, 10, uow(), ctx)
    screen = HandoutScreen(morning)
    qtbot.addWidget(screen)
    screen.show()
    type_text(qtbot, screen.search, member.member_number)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    assert "已发放给 张三" in screen.band.title.text()
    assert screen.recent.item(0, 0).text() == "08-01 07:30"
    assert "今日服务 1 人" in screen.counters.text()
    [record] = handouts.recent(uow(), campaign.id)
    assert record.local_date == "2026-08-01"
    screen.show_person(member)
    assert screen.history.item(0, 0).text() == "08-01 07:30"


def test_door_screen_offers_the_sessions_of_the_station_day(
    qtbot: QtBot, morning: DeskSession
) -> None:
    ctx, uow = _ctx(morning), morning.desk.uow
    course = courses.create_course(
        courses.CourseForm(title="母婴护理"),
        uow(),
        ctx,
        (courses.SessionForm(LOCAL_DAY, "08:00", "10:00"),),
    )
    screen = DoorScreen(morning)
    qtbot.addWidget(screen)
    screen.show()
    offered = [screen.picker.itemData(i) for i in range(screen.picker.count())]
    assert [s.id for s in courses.sessions(uow(), course.id)] == [x for x in offered if x]


def test_reports_screen_opens_on_the_station_month(qtbot: QtBot, morning: DeskSession) -> None:
    screen = ReportScreen(morning)
    qtbot.addWidget(screen)
    first, last = screen.month.itemData(0)
    assert (first, last) == (date(2026, 8, 1), date(2026, 8, 31))
