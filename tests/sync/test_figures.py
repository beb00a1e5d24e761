"""The console's figures follow the pushes: real desks and a real server over HTTP (on
PostgreSQL when WAYSTATION_TEST_POSTGRES is set, as in CI), the counts read from the server's
projection tables right after each push — voids taken away, duplicates never counted twice,
two stations kept apart — and the backfill of migration 0006 gives the same figures."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from desktop.domain.clock import to_iso
from desktop.services.members import commands as members
from desktop.services.sync import commands as syncing
from desktop.services.visits import checkin
from sync.client.engine import sync_once
from sync.client.transport import ServerClient
from sync.server.figures import backfill, queries
from sync.server.figures.projection import local_day
from sync.server.figures.tables import (
    DAY_COLUMNS,
    FigureDayRow,
    FigureMonthRow,
    FigureOccupationRow,
    FigureServiceRow,
)
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled


@contextmanager
def central(server: Server) -> Iterator[Session]:
    engine = create_engine(server.database_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def figures(server: Server, station: Station, day: str) -> queries.StationFigures:
    with central(server) as session:
        return queries.station_figures(session, station.ctx.station_id, day[:7])


def on(result: queries.StationFigures, day: str) -> dict[str, int]:
    return next(d.values for d in result.days if d.day == day)


def named(items: list[queries.Named]) -> dict[str, int]:
    return {item.name: item.count for item in items}


def register(station: Station, name: str, phone: str, occupation: str) -> str:
    form = members.MemberForm(name=name, phone=phone, occupation=occupation, consent=True)
    return members.register_member(form, station.uow(), station.ctx, confirm_duplicates=True).id


def visit(station: Station, member_id: str, *services: str) -> str:
    result = checkin.check_in(
        checkin.CheckIn(member_id=member_id, services=services, confirm_repeat=True),
        station.uow(),
        station.ctx,
    )
    assert result.visit_id is not None
    return result.visit_id


def push(station: Station, events: list[dict[str, Any]]) -> list[str]:
    url, token, epoch = syncing.server(station.uow(), station.desk.paths.keys) or ("", "", None)
    with ServerClient(url, token, epoch) as client:
        reply = client.http.post(
            "/v1/push",
            content=json.dumps({"events": events}),
            headers={"Content-Type": "application/json"},
        )
    assert reply.status_code == 200, reply.text
    return [r["status"] for r in reply.json()["results"]]


def raw(
    station: Station, seq: int, kind: str, entity_id: str, payload: dict[str, Any]
) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "kind": kind,
        "entity_id": entity_id,
        "station_id": station.ctx.station_id,
        "device_id": station.ctx.device_id,
        "operator_id": station.ctx.operator_id,
        "device_time": to_iso(datetime.now(UTC)),
        "payload": payload,
    }


def test_visits_services_occupations_and_members_count_after_each_push_and_voids_come_off(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("西山驿站"))
    day = datetime.now(UTC).astimezone().date().isoformat()
    rider = register(a, "张三", "13800000001", "外卖骑手")
    courier = register(a, "李四", "13800000002", "快递员")
    first = visit(a, rider, "water", "rest")
    visit(a, courier, "water")
    checkin.check_in_anonymous("环卫工人", ("charging",), a.uow(), a.ctx)
    assert sync_once(a.desk).pushed > 0

    got = figures(server, a, day)
    assert on(got, day)["visits"] == 3
    # Members carry no local day: the device's time on the stations' clock (UTC+8).
    member_day = local_day(datetime.now(UTC))
    assert on(figures(server, a, member_day), member_day)["members"] == 2
    assert named(got.services) == {"water": 2, "rest": 1, "charging": 1}
    assert named(got.occupations) == {"外卖骑手": 1, "快递员": 1, "环卫工人": 1}
    assert got.totals["visits"] == 3
    assert on(figures(server, b, day), day)["visits"] == 0  # another station: nothing

    # Station B's own visit counts at B only.
    walker = register(b, "王五", "13800000003", "保安")
    visit(b, walker, "toilet")
    sync_once(b.desk)
    assert on(figures(server, b, day), day)["visits"] == 1
    assert on(figures(server, a, day), day)["visits"] == 3

    # A void takes the visit away: the day, its services and its occupation.
    checkin.void_visit(first, "扫错了人", a.uow(), a.ctx)
    sync_once(a.desk)
    got = figures(server, a, day)
    assert on(got, day)["visits"] == 2
    assert named(got.services) == {"water": 1, "charging": 1}
    assert named(got.occupations) == {"快递员": 1, "环卫工人": 1}

    # The stations list's glance and the month report agree.
    with central(server) as session:
        glance = queries.glances(session, None, day)
        report = queries.month_report(
            session, [(a.ctx.station_id, a.name), (b.ctx.station_id, b.name)], day[:7], "全区"
        )
    assert glance[a.ctx.station_id] == queries.Glance(today=2, month=2)
    assert glance[b.ctx.station_id] == queries.Glance(today=1, month=1)
    assert [r.values["visits"] for r in report.rows] == [2, 1]
    assert report.totals["visits"] == 3
    months_are_their_days(server)


def test_a_duplicate_push_counts_once_and_a_void_counts_once_whatever_the_order(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    b = enrolled(server, make_station("西山驿站"))
    day = "2026-03-14"
    visit_id, early_id, handout_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    recorded = raw(a, 1, "visit.recorded", visit_id, {"services": ["water"], "local_date": day})
    assert push(a, [recorded]) == ["accepted"]
    assert push(a, [recorded]) == ["duplicate"]  # sent again (no answer reached the desk)
    assert on(figures(server, a, day), day)["visits"] == 1

    # The same void twice (two void events): taken away once.
    void = {"visit_id": visit_id, "reason": "错"}
    assert push(a, [raw(a, 2, "visit.voided", str(uuid.uuid4()), void)]) == ["accepted"]
    assert push(a, [raw(a, 3, "visit.voided", str(uuid.uuid4()), void)]) == ["accepted"]
    assert on(figures(server, a, day), day)["visits"] == 0

    # A void that arrives before its visit (same batch, void first): the visit never counts.
    batch = [
        raw(a, 4, "visit.voided", str(uuid.uuid4()), {"visit_id": early_id, "reason": "错"}),
        raw(a, 5, "visit.recorded", early_id, {"services": ["rest"], "local_date": day}),
    ]
    assert push(a, batch) == ["accepted", "accepted"]
    got = figures(server, a, day)
    assert on(got, day)["visits"] == 0 and named(got.services) == {}

    # Handouts: counted per day and campaign; another station's void takes nothing away;
    # the station's own void does.
    handout = {
        "campaign_id": str(uuid.uuid4()),
        "campaign_name": "冬季送温暖",
        "member_id": str(uuid.uuid4()),
        "desk": "DESK01",
        "local_date": day,
    }
    assert push(a, [raw(a, 6, "handout.recorded", handout_id, handout)]) == ["accepted"]
    assert on(figures(server, a, day), day)["handouts"] == 1
    foreign = {"handout_id": handout_id, "reason": "不是我们的"}
    assert push(b, [raw(b, 1, "handout.voided", str(uuid.uuid4()), foreign)]) == ["accepted"]
    assert on(figures(server, a, day), day)["handouts"] == 1
    assert named(figures(server, a, day).campaigns) == {"冬季送温暖": 1}
    own = {"handout_id": handout_id, "reason": "发错了"}
    assert push(a, [raw(a, 7, "handout.voided", str(uuid.uuid4()), own)]) == ["accepted"]
    got = figures(server, a, day)
    assert on(got, day)["handouts"] == 0 and named(got.campaigns) == {"冬季送温暖": 0}

    # A refused event (bad payload) counts nothing.
    bad = raw(a, 8, "visit.recorded", str(uuid.uuid4()), {"services": "water", "local_date": day})
    assert push(a, [bad]) == ["rejected"]
    assert on(figures(server, a, day), day)["visits"] == 0
    months_are_their_days(server)


def months_are_their_days(server: Server) -> None:
    """``figure_month`` (what the pages across every station read) holds the sums of the
    stations' ``figure_day`` rows, voids and duplicates included."""
    with central(server) as session:
        days: dict[tuple[str, str], list[int]] = {}
        for row in session.scalars(select(FigureDayRow)):
            sums = days.setdefault((row.station_id, row.day[:7]), [0] * len(DAY_COLUMNS))
            for i, column in enumerate(DAY_COLUMNS):
                sums[i] += getattr(row, column)
        months = {
            (row.station_id, row.month): [getattr(row, c) for c in DAY_COLUMNS]
            for row in session.scalars(select(FigureMonthRow))
        }
    assert days and months == days


def test_cards_certificates_attendance_and_courses(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    device = a.desk.device()
    assert device is not None
    serial = f"C-{device.code}-0001"  # the server takes a certificate only under its own serial
    day = "2026-03-14"
    member, card = str(uuid.uuid4()), str(uuid.uuid4())
    card_payload = {"member_id": member, "serial": 1, "device_code": "7KQ3M2"}
    stamp = {
        "station_id": a.ctx.station_id,
        "device_id": a.ctx.device_id,
        "device_time": "2026-03-14T02:00:00Z",
    }
    course, session_id = str(uuid.uuid4()), str(uuid.uuid4())
    course_payload = {
        **stamp,
        "id": course,
        "title": "电动车维修",
        "updated_at": "2026-03-14T02:00:00Z",
    }

    def mark(status: str, supersedes: list[str]) -> tuple[str, dict[str, Any]]:
        mark_id = str(uuid.uuid4())
        payload = {
            **stamp,
            "id": mark_id,
            "session_id": session_id,
            "course_id": course,
            "member_id": member,
            "status": status,
            "source": "door",
            "supersedes": supersedes,
        }
        return mark_id, payload

    absent_id, absent = mark("absent", [])
    present_id, present = mark("present", [absent_id])
    certificate = {
        "serial": serial,
        "title": "结业证书",
        "recipient_name": "张三",
        "purpose": "电动车维修",
        "issued_on": day,
        "issuing_union": "某区总工会",
        "signature": "x" * 86,
    }
    events = [
        raw(a, 1, "card.issued", card, card_payload),
        raw(a, 2, "card.printed", card, card_payload),
        raw(a, 3, "card.reprinted", card, card_payload),
        raw(a, 4, "course.created", course, course_payload),
        raw(a, 5, "attendance.marked", absent_id, absent),
        raw(a, 6, "attendance.marked", present_id, present),
        raw(a, 7, "certificate.issued", serial, certificate),
        raw(
            a,
            8,
            "course.certified",
            serial,
            {
                "serial": serial,
                "course_id": course,
                "member_id": member,
            },
        ),
    ]
    for event in events:
        event["device_time"] = "2026-03-14T02:00:00Z"
    assert set(push(a, events)) == {"accepted"}
    got = figures(server, a, day)
    values = on(got, day)
    assert (values["cards_issued"], values["cards_printed"]) == (1, 2)
    assert values["certificates"] == 1
    assert values["attendance"] == 1  # absent then present: one person attended once
    assert [(c.title, c.attendance, c.certified) for c in got.courses] == [("电动车维修", 1, 1)]

    # Marked absent again after: the attendance comes off.
    again_id, again = mark("absent", [present_id])
    assert push(a, [raw(a, 9, "attendance.marked", again_id, again)]) == ["accepted"]
    assert on(figures(server, a, day), day)["attendance"] == 0


def test_the_backfill_of_migration_0006_gives_the_figures_the_pushes_made(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("东湖驿站"))
    rider = register(a, "张三", "13800000001", "外卖骑手")
    kept = visit(a, rider, "water")
    gone = visit(a, rider, "rest", "charging")
    checkin.check_in_anonymous("环卫工人", ("charging",), a.uow(), a.ctx)
    checkin.void_visit(gone, "错", a.uow(), a.ctx)
    assert kept
    sync_once(a.desk)

    def everything(session: Session) -> list[Any]:
        return [
            sorted(tuple(r) for r in session.execute(select(FigureDayRow.__table__)).all()),
            sorted(tuple(r) for r in session.execute(select(FigureMonthRow.__table__)).all()),
            sorted(tuple(r) for r in session.execute(select(FigureServiceRow.__table__)).all()),
            sorted(tuple(r) for r in session.execute(select(FigureOccupationRow.__table__)).all()),
        ]

    with central(server) as session:
        live = everything(session)
        backfill.reset(session)
        session.commit()
        assert session.scalar(select(func.count()).select_from(FigureDayRow)) == 0
        assert backfill.fill(session, page=2) > 0  # small pages: across page boundaries
        session.commit()
        assert everything(session) == live
    assert live[0][0][2] == 2  # visits: two kept
    assert live[1][0][2] == 2  # the month's visits too
