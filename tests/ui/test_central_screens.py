"""A campaign and a course HQ sent, as the desk shows them (1366x768, zh and en): marked
中心下发 / "from HQ", used like the station's own, their definition not editable here; one
HQ sent to another station does not appear."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop import i18n
from desktop.bootstrap import Desk
from desktop.demo import generate
from desktop.domain.model import DeskContext, Device, Operator
from desktop.i18n import tr
from desktop.services.aid import campaigns, handouts, stock
from desktop.services.appliers import APPLIERS
from desktop.services.members import queries as member_queries
from desktop.services.sync.replication import PulledEvent, apply_checked
from sync.protocol import SERVER_DEVICE_ID, EventKind
from sync.protocol.events.aid import (
    CAMPAIGN_CREATED,
    ITEM_CREATED,
    CampaignRules,
    ItemLine,
    ItemPayload,
)
from sync.protocol.events.training import (
    COURSE_CREATED,
    SESSION_ADDED,
    CoursePayload,
    SessionPayload,
)
from ui.app import DeskApp

from .test_screenshots import SIZE, grab, shots_folder

AT = "2026-11-20T08:00:00Z"
OTHER_STATION = "0190a4b2-0000-7000-8000-000000000abc"


def _from_hq(desk: Desk, events: list[tuple[EventKind[Any], str, Any]]) -> None:
    """What a pull of HQ's signed events leaves at the desk (the signature check itself is
    tested over HTTP in tests/sync/test_central_e2e.py)."""
    pulled = [
        (
            PulledEvent(
                server_seq=i + 1,
                event_id=f"0190a4b2-0000-7000-8000-{i:012d}",
                kind=kind.name,
                entity_id=entity_id,
                station_id=SERVER_DEVICE_ID,
                device_id=SERVER_DEVICE_ID,
                operator_id=None,
                device_time=AT,
                received_at=AT,
                payload=kind.encode(payload),
            ),
            payload,
        )
        for i, (kind, entity_id, payload) in enumerate(events)
    ]
    with desk.uow() as uow:
        apply_checked(uow, pulled, APPLIERS)
        uow.commit()


def _hq_records(desk: Desk, station_id: str) -> tuple[str, str]:
    ids = [f"0190a4b2-1111-7000-8000-{i:012d}" for i in range(8)]
    coat, gloves, campaign, elsewhere, course = ids[:5]
    day = (date.today() + timedelta(days=1)).isoformat()
    stamp = {
        "station_id": SERVER_DEVICE_ID,
        "device_id": SERVER_DEVICE_ID,
        "device_time": AT,
        "updated_at": AT,
    }
    package = (ItemLine(item_id=coat, quantity=1), ItemLine(item_id=gloves, quantity=2))
    _from_hq(
        desk,
        [
            (ITEM_CREATED, coat, ItemPayload(name="棉衣", unit="件")),
            (ITEM_CREATED, gloves, ItemPayload(name="手套", unit="副")),
            (
                CAMPAIGN_CREATED,
                campaign,
                CampaignRules(
                    name="冬送温暖·市总工会",
                    starts_on="2020-01-01",
                    ends_on="2099-12-31",
                    package=package,
                    stations=(station_id, OTHER_STATION),
                    occupations=("外卖骑手", "快递员", "环卫工人"),
                    max_per_person=1,
                ),
            ),
            (
                CAMPAIGN_CREATED,
                elsewhere,
                CampaignRules(
                    name="别的驿站的活动",
                    starts_on="2020-01-01",
                    ends_on="2099-12-31",
                    package=package,
                    stations=(OTHER_STATION,),
                ),
            ),
            (
                COURSE_CREATED,
                course,
                CoursePayload(
                    **stamp,
                    id=course,
                    title="网约车安全驾驶微课堂",
                    teacher="李老师",
                    venue="市总工会培训中心",
                    stations=(station_id,),
                ),
            ),
            (
                SESSION_ADDED,
                ids[5],
                SessionPayload(
                    **stamp,
                    id=ids[5],
                    course_id=course,
                    on_date=day,
                    starts_at="09:00",
                    ends_at="11:00",
                    hours="2",
                    topic="安全驾驶",
                ),
            ),
        ],
    )
    return campaign, course


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hq_campaign_and_course_at_the_desk(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    ctx: DeskContext,
    lang: str,
) -> None:
    _device, admin = station
    generate(desk, ctx, members=100, visits=0, seed=7)
    campaign_id, course_id = _hq_records(desk, ctx.station_id)
    items = {i.name: i.id for i in campaigns.list_items(desk.uow())}
    stock.receive(campaign_id, items["棉衣"], 80, desk.uow(), ctx, source="市总工会")
    stock.receive(campaign_id, items["手套"], 160, desk.uow(), ctx, source="市总工会")
    campaign = campaigns.find_campaign(desk.uow(), campaign_id)
    people = member_queries.search_members(desk.uow(), "wang", limit=50)
    eligible = [m for m in people if m.occupation in campaign.occupations]
    for member in eligible[:3]:
        handouts.hand_out(handouts.HandOut(campaign_id, member_id=member.id), desk.uow(), ctx)

    folder = shots_folder(lang)
    controller = DeskApp(qapp, desk)
    controller.apply_language(lang)
    window = controller.build_window()
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    window.start_duty(admin)
    tabs = window.tabs
    assert tabs is not None

    def tab(screen: Any) -> Any:
        tabs.setCurrentWidget(screen)
        return screen

    desk_screen = tab(window.handout_screen)
    names = [desk_screen.campaign_box.itemText(i) for i in range(desk_screen.campaign_box.count())]
    assert names == [f"冬送温暖·市总工会（{tr('aid.central')}）"]  # not the other station's
    assert tr("aid.central") in desk_screen.campaign_rules.text()
    grab(window, folder, "60-hq-campaign-handout")
    stock_screen = tab(window.stock_screen)
    assert stock_screen.campaign_box.currentText().endswith(f"（{tr('aid.central')}）")
    grab(window, folder, "61-hq-campaign-stock")

    training = tab(window.training_screen)
    training.pages.setCurrentWidget(training.courses)
    courses_screen = training.courses
    courses_screen.course_id = course_id
    courses_screen.refresh()
    assert tr("training.central") in courses_screen.heading.text()
    locked = [b for b in courses_screen.findChildren(QPushButton) if b in courses_screen._hq_only]
    assert len(locked) == 3 and not any(b.isEnabled() for b in locked)
    grab(window, folder, "62-hq-course")
    i18n.set_language("zh")
