"""Training on the real store: courses, rosters, the door, marks, closing, completion,
certificates, roster import, and marks pulled from another desk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.bootstrap import Desk, open_desk
from desktop.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from desktop.domain.model import DeskContext, Member, Role, StationKind
from desktop.domain.training import AttendanceStatus
from desktop.services.appliers import APPLIERS
from desktop.services.certificates.commands import verify_certificate_text
from desktop.services.desk import setup
from desktop.services.members import commands as members
from desktop.services.sync.replication import PulledEvent, apply
from desktop.services.training import attendance, completion, courses, rosters
from desktop.services.training.attendance import DoorOutcome
from desktop.services.training.courses import CourseForm, SessionForm
from desktop.storage.sync.tables import OutboxRow
from desktop.storage.uow import UnitOfWorkFactory, uow_factory

DAY = date(2025, 3, 14)


class LocalClock:
    """The desk's clock, set in the station's local time."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 14, 8, 50).astimezone()

    def __call__(self) -> datetime:
        return self.now

    def at(self, hhmm: str, day: date = DAY) -> None:
        self.now = datetime.fromisoformat(f"{day.isoformat()}T{hhmm}").astimezone()


@pytest.fixture
def clock() -> LocalClock:
    return LocalClock()


@pytest.fixture
def uow(desk: Desk, clock: LocalClock) -> UnitOfWorkFactory:
    return uow_factory(desk.engine, clock=clock)


def person(desk: Desk, ctx: DeskContext, name: str, phone: str) -> Member:
    form = members.MemberForm(name=name, phone=phone, occupation="快递员", consent=True)
    return members.register_member(form, desk.uow(), ctx)


@pytest.fixture
def people(desk: Desk, ctx: DeskContext) -> list[Member]:
    names = ["张三", "李四", "王五", "赵六"]
    return [person(desk, ctx, n, f"1380013800{i}") for i, n in enumerate(names)]


def eight_sessions(**course: object) -> tuple[CourseForm, tuple[SessionForm, ...]]:
    form = CourseForm(title="电工安全培训", category="技能培训", teacher="刘老师", **course)  # type: ignore[arg-type]
    sessions = tuple(
        SessionForm(DAY + timedelta(days=i), "09:00", "11:00", topic=f"第{i + 1}讲")
        for i in range(8)
    )
    return form, sessions


@pytest.fixture
def course(uow: UnitOfWorkFactory, ctx: DeskContext, people: list[Member]) -> courses.Course:
    form, sessions = eight_sessions()
    made = courses.create_course(form, uow(), ctx, sessions)
    for member in people[:3]:
        rosters.enrol(made.id, member.member_number, uow(), ctx)
    return made


def first_session(uow: UnitOfWorkFactory, course: courses.Course) -> courses.CourseSession:
    return courses.sessions(uow(), course.id)[0]


def outbox(desk: Desk, prefix: str) -> list[PulledEvent]:
    return [e for e in events(desk) if e.kind.startswith(prefix)]


def events(desk: Desk, after_seq: int = 0) -> list[PulledEvent]:
    """The desk's outbox as the events another desk would pull (server_seq = local seq)."""
    with desk.uow().reading() as unit:
        rows = unit.session.query(OutboxRow).where(OutboxRow.seq > after_seq)
        return [
            PulledEvent(
                server_seq=row.seq,
                event_id=row.event_id,
                kind=row.kind,
                entity_id=row.entity_id,
                station_id=row.station_id,
                device_id=row.device_id,
                operator_id=row.operator_id,
                device_time=row.device_time,
                received_at=row.device_time,
                payload=json.loads(row.payload),
            )
            for row in rows.order_by(OutboxRow.seq)
        ]


# --- courses and sessions --------------------------------------------------------------


def test_a_course_with_sessions_has_their_hours_and_dates(
    desk: Desk, course: courses.Course, uow: UnitOfWorkFactory
) -> None:
    found = courses.course(uow(), course.id)
    assert found.hours == 16 and found.sessions == 8 and found.enrolled == 3
    assert (found.starts_on, found.ends_on) == ("2025-03-14", "2025-03-21")
    kinds = [r.kind for r in outbox(desk, "course.") + outbox(desk, "session.")]
    assert kinds.count("course.created") == 1 and kinds.count("session.added") == 8
    payload = outbox(desk, "course.created")[0].payload
    assert payload["title"] == "电工安全培训" and payload["rule_kind"] == "share"


def test_a_micro_class_is_one_call(uow: UnitOfWorkFactory, ctx: DeskContext) -> None:
    one = (SessionForm(DAY, "14:00", "15:00"),)
    made = courses.create_course(CourseForm(title="防诈骗微课堂", hours="1"), uow(), ctx, one)
    only = courses.sessions(uow(), made.id)
    assert len(only) == 1 and only[0].hours == 1 and (only[0].number, only[0].of) == (1, 1)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        (CourseForm(title=" "), "training.required"),
        (CourseForm(title="x", rule_minimum="1.5"), "training.rule_minimum"),
        (CourseForm(title="x", rule_kind="hours", rule_minimum="-1"), "training.rule_minimum"),
        (CourseForm(title="x", starts_on=DAY, ends_on=DAY - timedelta(1)), "training.dates"),
        (CourseForm(title="x", certificate_title="奖状"), "certificate.title"),
        (CourseForm(title="x" * 101), "training.text_too_long"),
    ],
)
def test_bad_courses_are_refused_with_the_reason(
    uow: UnitOfWorkFactory, ctx: DeskContext, form: CourseForm, code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        courses.create_course(form, uow(), ctx)
    assert caught.value.code == code
    assert courses.courses(uow()) == []


def test_sessions_are_added_moved_cancelled(
    uow: UnitOfWorkFactory, ctx: DeskContext, course: courses.Course
) -> None:
    added = courses.add_session(course.id, SessionForm(DAY, "13:30", "15:00"), uow(), ctx)
    assert added.hours == Decimal("1.5") and added.of == 9
    moved = courses.move_session(added.id, SessionForm(DAY, "14:00", "16:00"), uow(), ctx)
    assert moved.starts_at == "14:00" and moved.version == 2
    courses.cancel_session(added.id, uow(), ctx)
    assert len(courses.sessions(uow(), course.id)) == 8
    with pytest.raises(InvalidInput, match=r"training\.time"):
        courses.add_session(course.id, SessionForm(DAY, "25:00", "26:00"), uow(), ctx)
    with pytest.raises(InvalidInput, match=r"training\.session_times"):
        courses.add_session(course.id, SessionForm(DAY, "10:00", "09:00"), uow(), ctx)


def test_sessions_are_found_by_course_and_number(
    uow: UnitOfWorkFactory, course: courses.Course
) -> None:
    third = courses.find_session(uow(), "电工安全培训#3")
    assert third.on_date == "2025-03-16" and courses.find_session(uow(), third.id) == third


# --- rosters ----------------------------------------------------------------------------


def test_enrolment_waitlist_and_withdraw(
    uow: UnitOfWorkFactory, ctx: DeskContext, people: list[Member]
) -> None:
    made = courses.create_course(CourseForm(title="叉车", capacity=2), uow(), ctx)
    outcomes = [rosters.enrol(made.id, m.member_number, uow(), ctx).outcome for m in people[:3]]
    assert outcomes == ["enrolled", "enrolled", "waitlisted"]
    again = rosters.enrol(made.id, people[0].member_number, uow(), ctx)
    assert again.outcome == "already"
    promoted = rosters.withdraw(made.id, people[0].id, uow(), ctx)
    assert promoted is not None and promoted.member_id == people[2].id
    assert [e.member_id for e in rosters.roster(uow(), made.id)] == [people[1].id, people[2].id]


def test_import_reports_every_row_and_does_not_duplicate(
    tmp_path: Path, uow: UnitOfWorkFactory, ctx: DeskContext, people: list[Member]
) -> None:
    made = courses.create_course(CourseForm(title="养老护理"), uow(), ctx)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "会员号", "手机号"])
    sheet.append(["张三", people[0].member_number, None])
    sheet.append(["李四", None, 13800138001])  # a phone typed as a number
    sheet.append(["王五", "ZZZZZZ-9999", None])
    sheet.append(["错名", people[3].member_number, None])
    sheet.append(["无号", None, None])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    report = rosters.import_roster(made.id, str(path), uow(), ctx)
    assert [(line.row, line.outcome) for line in report.lines] == [
        (2, "enrolled"),
        (3, "enrolled"),
        (4, "refused"),
        (5, "refused"),
        (6, "refused"),
    ]
    assert [line.reason_code for line in report.lines[2:]] == [
        "member.not_found",
        "training.import_name_mismatch",
        "training.import_no_ref",
    ]
    second = rosters.import_roster(made.id, str(path), uow(), ctx)
    assert second.count("already") == 2 and second.count("enrolled") == 0
    assert len(rosters.roster(uow(), made.id)) == 2


def test_an_unreadable_file_is_refused(
    tmp_path: Path, uow: UnitOfWorkFactory, ctx: DeskContext
) -> None:
    made = courses.create_course(CourseForm(title="养老护理"), uow(), ctx)
    bad = tmp_path / "roster.xlsx"
    bad.write_text("not a spreadsheet")
    with pytest.raises(InvalidInput, match=r"training\.import_unreadable"):
        rosters.import_roster(made.id, str(bad), uow(), ctx)


# --- the door ---------------------------------------------------------------------------


def test_door_marks_present_then_late_and_twice_is_harmless(
    desk: Desk,
    uow: UnitOfWorkFactory,
    ctx: DeskContext,
    course: courses.Course,
    people: list[Member],
    clock: LocalClock,
) -> None:
    session = first_session(uow, course)
    clock.at("09:10")
    first = attendance.mark_at_door(session.id, people[0].member_number, uow(), ctx)
    assert first.outcome is DoorOutcome.MARKED and first.status is AttendanceStatus.PRESENT
    assert (first.session.number, first.session.of) == (1, 8)
    clock.at("09:11")
    late = attendance.mark_at_door(session.id, people[1].member_number, uow(), ctx)
    assert late.status is AttendanceStatus.LATE
    again = attendance.mark_at_door(session.id, people[0].member_number, uow(), ctx)
    assert again.outcome is DoorOutcome.ALREADY and again.mark_id == first.mark_id
    assert len(outbox(desk, "attendance.")) == 2
    counts = attendance.counters(uow(), session.id)
    assert (counts.expected, counts.present, counts.late, counts.not_arrived) == (3, 1, 1, 1)


def test_door_offers_a_walk_in_or_refuses_by_course_setting(
    uow: UnitOfWorkFactory, ctx: DeskContext, course: courses.Course, people: list[Member]
) -> None:
    session = first_session(uow, course)
    stranger = people[3]
    offered = attendance.mark_at_door(session.id, stranger.member_number, uow(), ctx)
    assert offered.outcome is DoorOutcome.NOT_ON_ROSTER and offered.mark_id is None
    walked = attendance.mark_at_door(
        session.id, stranger.member_number, uow(), ctx, enrol_walk_in=True
    )
    assert walked.outcome is DoorOutcome.MARKED and walked.walk_in
    assert attendance.counters(uow(), session.id).walk_ins == 1
    one = (SessionForm(DAY, "09:00", "10:00"),)
    strict = courses.create_course(CourseForm(title="干部培训", walk_ins="refuse"), uow(), ctx, one)
    strict_session = courses.sessions(uow(), strict.id)[0].id
    refused = attendance.mark_at_door(
        strict_session, stranger.member_number, uow(), ctx, enrol_walk_in=True
    )
    assert refused.outcome is DoorOutcome.REFUSED and rosters.roster(uow(), strict.id) == []


def test_someone_on_the_waitlist_who_turns_up_is_enrolled_as_a_walk_in(
    uow: UnitOfWorkFactory, ctx: DeskContext, people: list[Member]
) -> None:
    one = (SessionForm(DAY, "09:00", "10:00"),)
    made = courses.create_course(CourseForm(title="叉车", capacity=1), uow(), ctx, one)
    for member in people[:2]:
        rosters.enrol(made.id, member.member_number, uow(), ctx)
    session = courses.sessions(uow(), made.id)[0]
    waiting = attendance.mark_at_door(session.id, people[1].member_number, uow(), ctx)
    assert waiting.outcome is DoorOutcome.NOT_ON_ROSTER and waiting.waitlisted
    joined = attendance.mark_at_door(
        session.id, people[1].member_number, uow(), ctx, enrol_walk_in=True
    )
    assert joined.outcome is DoorOutcome.MARKED and joined.walk_in
    counts = attendance.counters(uow(), session.id)
    assert (counts.expected, counts.present, counts.walk_ins) == (2, 1, 1)


def test_excused_needs_a_note_and_a_later_arrival_supersedes_it(
    uow: UnitOfWorkFactory, ctx: DeskContext, course: courses.Course, people: list[Member]
) -> None:
    session = first_session(uow, course)
    with pytest.raises(InvalidInput, match=r"training\.excuse_note"):
        attendance.mark(session.id, people[0].id, AttendanceStatus.EXCUSED, uow(), ctx)
    attendance.mark(session.id, people[0].id, AttendanceStatus.EXCUSED, uow(), ctx, note="孩子生病")
    line = attendance.session_sheet(uow(), session.id)[0]
    assert line.status is AttendanceStatus.EXCUSED and line.note == "孩子生病"
    arrived = attendance.mark_at_door(session.id, people[0].member_number, uow(), ctx)
    assert arrived.outcome is DoorOutcome.MARKED
    assert attendance.session_sheet(uow(), session.id)[0].status is AttendanceStatus.PRESENT


def test_closing_marks_the_rest_absent_and_only_a_lead_changes_it_after(
    desk: Desk,
    uow: UnitOfWorkFactory,
    ctx: DeskContext,
    course: courses.Course,
    people: list[Member],
) -> None:
    session = first_session(uow, course)
    attendance.mark_at_door(session.id, people[0].member_number, uow(), ctx)
    assert attendance.close_session(session.id, uow(), ctx) == 2
    counts = attendance.counters(uow(), session.id)
    assert (counts.present, counts.absent, counts.not_arrived) == (1, 2, 0)
    with pytest.raises(RuleViolation, match=r"training\.session_closed"):
        attendance.mark_at_door(session.id, people[1].member_number, uow(), ctx)
    with pytest.raises(RuleViolation, match=r"training\.session_closed"):
        attendance.close_session(session.id, uow(), ctx)
    attendant = DeskContext(ctx.station_id, ctx.device_id, ctx.operator_id, Role.ATTENDANT)
    with pytest.raises(PermissionDenied):
        attendance.mark(session.id, people[1].id, AttendanceStatus.PRESENT, uow(), attendant)
    attendance.mark(session.id, people[1].id, AttendanceStatus.PRESENT, uow(), ctx, source="paper")
    assert attendance.counters(uow(), session.id).absent == 1
    trail = attendance.history(uow(), session.id, people[1].id)
    assert [(h.status, h.counts) for h in trail] == [
        (AttendanceStatus.ABSENT, False),
        (AttendanceStatus.PRESENT, True),
    ]
    with desk.engine.connect() as connection:
        audited = connection.exec_driver_sql(
            "SELECT count(*) FROM audit_log WHERE action='attendance.changed_after_close'"
        ).scalar()
    assert audited == 1


# --- completion and certificates ---------------------------------------------------------


def attend_all(
    uow: UnitOfWorkFactory, ctx: DeskContext, course: courses.Course, member: Member, n: int
) -> None:
    for held in courses.sessions(uow(), course.id)[:n]:
        attendance.mark(held.id, member.id, AttendanceStatus.PRESENT, uow(), ctx)


def test_completion_lists_who_completed_and_why_not(
    uow: UnitOfWorkFactory, ctx: DeskContext, course: courses.Course, people: list[Member]
) -> None:
    attend_all(uow, ctx, course, people[0], 8)
    attend_all(uow, ctx, course, people[1], 5)
    result = {p.name: p.result for p in completion.course_completion(uow(), course.id)}
    assert result["张三"].completed and not result["李四"].completed
    assert result["李四"].missing_sessions == 2  # 80 % of 8 = 7 sessions
    assert result["王五"].missing_sessions == 7


def test_certify_issues_once_to_those_who_completed_and_prints_one_pdf(
    desk: Desk,
    uow: UnitOfWorkFactory,
    ctx: DeskContext,
    course: courses.Course,
    people: list[Member],
) -> None:
    attend_all(uow, ctx, course, people[0], 8)
    attend_all(uow, ctx, course, people[1], 7)
    first = completion.certify_course(course.id, uow(), ctx, desk.keys)
    assert len(first.issued) == 2 and first.not_completed == 1
    assert {c.fields.recipient_name for c in first.issued} == {"张三", "李四"}
    assert len({c.serial for c in first.issued}) == 2
    assert first.issued[0].fields.hours == 16 and first.issued[0].fields.purpose == "电工安全培训"
    second = completion.certify_course(course.id, uow(), ctx, desk.keys)
    assert second.issued == () and second.already == 2
    pdf = completion.certificates_pdf(uow(), completion.course_certificates(uow(), course.id))
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    verdict, revoked = verify_certificate_text(uow(), first.issued[0].url)
    assert verdict.verdict.value == "valid" and revoked is None


def test_a_course_certified_with_an_honour_issues_it_without_hours(
    desk: Desk, uow: UnitOfWorkFactory, ctx: DeskContext, people: list[Member]
) -> None:
    """The course has 16 hours, but its certificate is an honour, which states none."""
    form, sessions = eight_sessions(certificate_title="荣誉证书")
    made = courses.create_course(form, uow(), ctx, sessions)
    rosters.enrol(made.id, people[0].member_number, uow(), ctx)
    attend_all(uow, ctx, made, people[0], 8)
    [issued] = completion.certify_course(made.id, uow(), ctx, desk.keys).issued
    assert issued.fields.title == "荣誉证书" and issued.fields.hours is None
    verdict, _revoked = verify_certificate_text(uow(), issued.url)
    assert verdict.verdict.value == "valid"


def test_reissue_revokes_the_old_serial(
    desk: Desk,
    uow: UnitOfWorkFactory,
    ctx: DeskContext,
    course: courses.Course,
    people: list[Member],
) -> None:
    attend_all(uow, ctx, course, people[0], 8)
    old = completion.certify_course(course.id, uow(), ctx, desk.keys).issued[0]
    new = completion.reissue_certificate(old.serial, "姓名有误", uow(), ctx, desk.keys)
    assert new.serial != old.serial
    _, revoked = verify_certificate_text(uow(), old.url)
    assert revoked == "姓名有误"
    assert [c.serial for c in completion.course_certificates(uow(), course.id)] == [new.serial]
    assert completion.course_completion(uow(), course.id)[0].certificate == new.serial


# --- another desk ------------------------------------------------------------------------


@pytest.fixture
def second_desk(tmp_path: Path) -> Iterator[tuple[Desk, DeskContext]]:
    other = open_desk(tmp_path / "desk-b")
    device, admin = setup.set_up_station(
        setup.StationSetup("第二签到台", StationKind.EVENT, "测试区总工会", "李站长", "1357"),
        other.uow(),
    )
    yield other, DeskContext(device.station.id, device.id, admin.id, admin.role)
    other.close()


def pull(source: Desk, target: Desk, after_seq: int = 0) -> int:
    """Hand every outbox event of ``source`` after ``after_seq`` to ``target``, as sync would."""
    pulled = events(source, after_seq)
    with target.uow() as unit:
        for event in pulled:
            apply(unit, event, APPLIERS)
            apply(unit, event, APPLIERS)  # idempotent
        unit.commit()
    return pulled[-1].server_seq if pulled else after_seq


def test_marks_from_two_desks_merge_once_and_resolve_the_same_everywhere(
    desk: Desk,
    uow: UnitOfWorkFactory,
    ctx: DeskContext,
    course: courses.Course,
    people: list[Member],
    second_desk: tuple[Desk, DeskContext],
) -> None:
    other, other_ctx = second_desk
    seen = pull(desk, other)
    session = first_session(uow, course)
    roster = rosters.roster(other.uow(), course.id)
    assert [e.member_id for e in roster] == [p.id for p in people[:3]]
    # Offline: desk A marks 张三 present; desk B marks 张三 excused and 李四 present.
    attendance.mark_at_door(session.id, people[0].member_number, uow(), ctx)
    attendance.mark(
        session.id, people[0].id, AttendanceStatus.EXCUSED, other.uow(), other_ctx, note="请假条"
    )
    attendance.mark(session.id, people[1].id, AttendanceStatus.PRESENT, other.uow(), other_ctx)
    pull(desk, other, seen)
    pull(other, desk)
    pull(other, desk)  # the same page again changes nothing
    for side in (desk, other):
        lines = {line.name: line for line in attendance.session_sheet(side.uow(), session.id)}
        assert lines["张三"].status is AttendanceStatus.PRESENT and lines["张三"].conflict
        assert lines["张三"].heads == ("present", "excused")
        assert lines["李四"].status is AttendanceStatus.PRESENT and not lines["李四"].conflict
        counts = attendance.counters(side.uow(), session.id)
        assert (counts.expected, counts.present, counts.conflicts) == (3, 2, 1)


def mark_pushed(desk: Desk) -> None:
    """As after a successful push: nothing of this desk is pending any more."""
    with desk.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE outbox SET pushed_at = '2025-03-14T00:00:00.000000Z'")


def test_two_desks_enrolling_one_person_offline_keep_one_enrolment(
    desk: Desk,
    uow: UnitOfWorkFactory,
    ctx: DeskContext,
    people: list[Member],
    second_desk: tuple[Desk, DeskContext],
) -> None:
    other, other_ctx = second_desk
    made = courses.create_course(CourseForm(title="电工"), uow(), ctx)
    seen = pull(desk, other)  # the members and the course
    rosters.enrol(made.id, people[0].member_number, uow(), ctx)
    rosters.enrol(made.id, "", other.uow(), other_ctx, member_id=people[0].id)
    mark_pushed(desk)
    mark_pushed(other)
    pull(desk, other, seen)
    pull(other, desk)
    ids = [[e.id for e in rosters.roster(side.uow(), made.id)] for side in (desk, other)]
    assert len(ids[0]) == 1 and ids[0] == ids[1]
