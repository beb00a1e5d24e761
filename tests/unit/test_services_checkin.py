"""Check-ins on the real store: visits, repeats, the window, clocks, anonymous counts, voids."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from desktop.bootstrap import Desk
from desktop.config import DeskSettings
from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.model import DeskContext, Member
from desktop.services.members import commands as members
from desktop.services.visits import checkin
from desktop.services.visits import queries as visit_queries
from desktop.services.visits.checkin import CheckIn, CheckInStatus
from desktop.storage.uow import UnitOfWorkFactory, uow_factory

# Noon UTC: the same calendar day in every time zone from UTC-11 to UTC+11.
NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


class ManualClock:
    """A device clock the test sets, forwards and back."""

    def __init__(self, now: datetime = NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def uow(desk: Desk, clock: ManualClock) -> UnitOfWorkFactory:
    return uow_factory(desk.engine, clock=clock)


@pytest.fixture
def member(desk: Desk, ctx: DeskContext) -> Member:
    form = members.MemberForm(name="张三", phone="13800138000", occupation="快递员", consent=True)
    return members.register_member(form, desk.uow(), ctx)


def count(desk: Desk, table: str) -> int:
    with desk.engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar())


def counts(desk: Desk) -> tuple[int, int, int]:
    return count(desk, "visit"), count(desk, "visit_void"), count(desk, "outbox")


def visit_in(
    uow: UnitOfWorkFactory, ctx: DeskContext, member: Member, confirm: bool = False
) -> checkin.CheckInResult:
    command = CheckIn(member_ref=member.member_number, services=("water",), confirm_repeat=confirm)
    return checkin.check_in(command, uow(), ctx)


def set_window(desk: Desk, minutes: int) -> None:
    with desk.uow() as unit:
        DeskSettings.repeat_window_minutes.write(unit, minutes)
        unit.commit()


# --- recording -----------------------------------------------------------------------------


def test_check_in_records_a_visit_and_its_outbox_row(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory
) -> None:
    visits, voids, outbox = counts(desk)
    result = checkin.check_in(
        CheckIn(member_ref="138 0013 8000", services=("water", "charging", "water")), uow(), ctx
    )
    assert result.status is CheckInStatus.RECORDED
    assert (result.member.id, result.visit_number) == (member.id, 1)
    assert result.services == ("water", "charging")
    assert result.last_visit_at is None
    assert counts(desk) == (visits + 1, voids, outbox + 1)
    with desk.engine.connect() as connection:
        visit = connection.exec_driver_sql(
            "SELECT member_id, services, station_id, device_id, operator_id, device_time "
            "FROM visit WHERE id = ?",
            (result.visit_id,),
        ).one()
        kind, entity, payload, seq_time = connection.exec_driver_sql(
            "SELECT kind, entity_id, payload, device_time FROM outbox ORDER BY seq DESC LIMIT 1"
        ).one()
    assert tuple(visit) == (
        member.id,
        '["water", "charging"]',
        ctx.station_id,
        ctx.device_id,
        ctx.operator_id,
        to_iso(NOON),
    )
    assert (kind, entity, seq_time) == ("visit.recorded", result.visit_id, to_iso(NOON))
    assert json.loads(payload)["member_id"] == member.id


def test_visit_and_outbox_row_are_one_transaction(
    desk: Desk, ctx: DeskContext, member: Member
) -> None:
    before = counts(desk)
    with desk.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox "
            "BEGIN SELECT RAISE(ABORT, 'outbox refuses'); END"
        )
    try:
        with pytest.raises(IntegrityError):
            checkin.check_in(CheckIn(member_id=member.id), desk.uow(), ctx)
        with pytest.raises(IntegrityError):
            checkin.check_in_anonymous("快递员", ("water",), desk.uow(), ctx)
    finally:
        with desk.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER outbox_refuses")
    assert counts(desk) == before


def test_visit_numbers_count_up(
    ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    numbers = []
    for _ in range(3):
        result = visit_in(uow, ctx, member)
        assert result.status is CheckInStatus.RECORDED
        numbers.append(result.visit_number)
        clock.advance(hours=1)
    assert numbers == [1, 2, 3]
    assert visit_queries.member_visit_count(uow(), member.id) == 3


def test_a_repeat_within_the_window_records_nothing_until_confirmed(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    first = visit_in(uow, ctx, member)
    before = counts(desk)
    clock.advance(minutes=12)
    repeat = visit_in(uow, ctx, member)
    assert repeat.status is CheckInStatus.REPEAT
    assert repeat.visit_id == first.visit_id
    assert repeat.visit_number == 1
    assert repeat.minutes_since_last == 12
    assert repeat.last_visit_at == to_iso(NOON)
    assert counts(desk) == before

    confirmed = visit_in(uow, ctx, member, confirm=True)
    assert confirmed.status is CheckInStatus.RECORDED
    assert confirmed.visit_number == 2
    assert confirmed.visit_id not in (None, first.visit_id)
    assert counts(desk) == (before[0] + 1, before[1], before[2] + 1)


def test_the_window_comes_from_the_setting(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    visit_in(uow, ctx, member)
    clock.advance(minutes=29)
    assert visit_in(uow, ctx, member).status is CheckInStatus.REPEAT  # default 30 minutes
    set_window(desk, 10)
    clock.advance(minutes=-18)  # 11 minutes after the visit
    assert visit_in(uow, ctx, member).status is CheckInStatus.RECORDED
    set_window(desk, 120)
    clock.advance(minutes=90)
    repeat = visit_in(uow, ctx, member)
    assert (repeat.status, repeat.minutes_since_last) == (CheckInStatus.REPEAT, 90)
    clock.advance(minutes=30)
    assert visit_in(uow, ctx, member).status is CheckInStatus.RECORDED


def test_a_voided_visit_does_not_make_a_repeat(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    first = visit_in(uow, ctx, member)
    assert first.visit_id is not None
    checkin.void_visit(first.visit_id, "扫错了人", uow(), ctx)
    clock.advance(minutes=1)
    again = visit_in(uow, ctx, member)
    assert (again.status, again.visit_number) == (CheckInStatus.RECORDED, 1)


# --- clocks --------------------------------------------------------------------------------


def test_a_clock_set_back_keeps_counting_and_the_queue_in_recording_order(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    recorded = [visit_in(uow, ctx, member)]
    clock.advance(minutes=-5)  # within the window: "just now"
    repeat = visit_in(uow, ctx, member)
    assert (repeat.status, repeat.minutes_since_last) == (CheckInStatus.REPEAT, 0)
    for back in (3, 2):
        clock.advance(hours=-back)
        result = visit_in(uow, ctx, member, confirm=True)
        assert result.status is CheckInStatus.RECORDED
        recorded.append(result)
    assert [r.visit_number for r in recorded] == [1, 2, 3]
    assert visit_queries.member_visit_count(uow(), member.id) == 3
    with desk.engine.connect() as connection:
        queued = connection.exec_driver_sql(
            "SELECT entity_id, device_time FROM outbox WHERE kind = 'visit.recorded' ORDER BY seq"
        ).all()
    # The queue keeps the order things happened in, though the device times run backwards.
    assert [row[0] for row in queued] == [r.visit_id for r in recorded]
    assert [row[1] for row in queued] == sorted((row[1] for row in queued), reverse=True)


def test_a_clock_set_back_a_day_does_not_make_every_visit_a_repeat(
    ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    visit_in(uow, ctx, member)
    clock.advance(days=-1)
    result = visit_in(uow, ctx, member)
    assert (result.status, result.visit_number) == (CheckInStatus.RECORDED, 2)


def test_a_repeat_is_measured_from_the_visit_recorded_last(
    ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    visit_in(uow, ctx, member)
    clock.advance(days=-1)
    latest = visit_in(uow, ctx, member, confirm=True)
    clock.advance(minutes=5)
    repeat = visit_in(uow, ctx, member)
    assert repeat.status is CheckInStatus.REPEAT
    assert (repeat.visit_id, repeat.minutes_since_last) == (latest.visit_id, 5)


# --- refusals ------------------------------------------------------------------------------


def test_refusals_record_nothing(desk: Desk, ctx: DeskContext, member: Member) -> None:
    before = counts(desk)
    with pytest.raises(NotFound):
        checkin.check_in(CheckIn(member_ref="ZZZZZZ-9999"), desk.uow(), ctx)
    with pytest.raises(NotFound):
        checkin.check_in(CheckIn(member_ref="13999999999"), desk.uow(), ctx)
    with pytest.raises(NotFound):
        checkin.check_in(CheckIn(member_id="no-such-id"), desk.uow(), ctx)
    with pytest.raises(InvalidInput):
        checkin.check_in(CheckIn(member_ref="  "), desk.uow(), ctx)
    with pytest.raises(InvalidInput) as unknown:
        checkin.check_in(CheckIn(member_id=member.id, services=("water", "sauna")), desk.uow(), ctx)
    assert unknown.value.code == "visit.unknown_service"
    assert unknown.value.params["service"] == "sauna"
    with pytest.raises(InvalidInput):
        checkin.check_in_anonymous("快递员", ("sauna",), desk.uow(), ctx)
    assert counts(desk) == before


def test_a_deactivated_member_is_refused(desk: Desk, ctx: DeskContext, member: Member) -> None:
    members.set_member_active(member.id, False, "已离开本市", desk.uow(), ctx)
    before = counts(desk)
    for command in (
        CheckIn(member_ref=member.member_number),
        CheckIn(member_id=member.id, confirm_repeat=True),
    ):
        with pytest.raises(RuleViolation) as refused:
            checkin.check_in(command, desk.uow(), ctx)
        assert refused.value.code == "member.deactivated"
        assert refused.value.params["reason"] == "已离开本市"
    assert counts(desk) == before


# --- anonymous visits, the day's figures, voids --------------------------------------------


def test_anonymous_visits_count_in_today_summary(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory
) -> None:
    outbox = count(desk, "outbox")
    visit_id = checkin.check_in_anonymous("  外卖  骑手 ", ("water", "rest"), uow(), ctx)
    checkin.check_in_anonymous("", ("toilet",), uow(), ctx)
    visit_in(uow, ctx, member)
    assert count(desk, "outbox") == outbox + 3
    summary = visit_queries.today_summary(uow())
    assert summary.date == "2025-03-14"
    assert (summary.visits, summary.people, summary.anonymous) == (3, 3, 2)
    assert summary.per_service == {"water": 2, "rest": 1, "toilet": 1}
    listed = {v.id: v for v in visit_queries.recent_visits(uow())}
    assert listed[visit_id].occupation == "外卖 骑手"
    assert listed[visit_id].member_id is None
    assert visit_queries.today_summary(uow(), "2025-03-13").visits == 0


def test_void_excludes_a_visit_from_figures_and_counts(
    desk: Desk, ctx: DeskContext, member: Member, uow: UnitOfWorkFactory, clock: ManualClock
) -> None:
    first = visit_in(uow, ctx, member)
    clock.advance(hours=2)
    second = visit_in(uow, ctx, member)
    anonymous = checkin.check_in_anonymous("保安", ("water",), uow(), ctx)
    assert first.visit_id is not None and second.visit_id is not None
    assert visit_queries.today_summary(uow()).visits == 3
    visits, voids, outbox = counts(desk)

    void_id = checkin.void_visit(f" {first.visit_id} ", "  扫错了   人 ", uow(), ctx)
    checkin.void_visit(anonymous, "重复计数", uow(), ctx)

    assert counts(desk) == (visits, voids + 2, outbox + 2)  # the visits themselves stay
    summary = visit_queries.today_summary(uow())
    assert (summary.visits, summary.people, summary.anonymous) == (1, 1, 0)
    assert visit_queries.member_visit_count(uow(), member.id) == 1
    shown = visit_queries.visit(uow(), first.visit_id)
    assert shown is not None
    assert (shown.voided, shown.void_reason) == (True, "扫错了 人")
    assert {v.id for v in visit_queries.recent_visits(uow()) if v.voided} == {
        first.visit_id,
        anonymous,
    }
    with desk.engine.connect() as connection:
        kind, entity, payload = connection.exec_driver_sql(
            "SELECT kind, entity_id, payload FROM outbox WHERE entity_id = ?", (void_id,)
        ).one()
    assert (kind, entity) == ("visit.voided", void_id)
    assert json.loads(payload) == {"visit_id": first.visit_id, "reason": "扫错了 人"}
    clock.advance(hours=2)
    assert visit_in(uow, ctx, member).visit_number == 2


def test_void_needs_a_reason_and_happens_once(desk: Desk, ctx: DeskContext, member: Member) -> None:
    result = checkin.check_in(CheckIn(member_id=member.id), desk.uow(), ctx)
    assert result.visit_id is not None
    before = counts(desk)
    for reason, code in (
        ("", "visit.reason_required"),
        (" \t ", "visit.reason_required"),
        ("长" * 201, "visit.reason_too_long"),
    ):
        with pytest.raises(InvalidInput) as refused:
            checkin.void_visit(result.visit_id, reason, desk.uow(), ctx)
        assert refused.value.code == code
    with pytest.raises(NotFound):
        checkin.void_visit("no-such-visit", "录错", desk.uow(), ctx)
    assert counts(desk) == before

    checkin.void_visit(result.visit_id, "录错", desk.uow(), ctx)
    with pytest.raises(RuleViolation) as twice:
        checkin.void_visit(result.visit_id, "又录错", desk.uow(), ctx)
    assert twice.value.code == "visit.already_voided"
    assert counts(desk) == (before[0], before[1] + 1, before[2] + 1)
