"""Training over real HTTP: two desks mark the same session offline, then sync: every person
is counted once and a conflict resolves the same way at both; a certificate revoked at one
desk is refused at the other after sync."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from desktop.domain.training import AttendanceStatus
from desktop.services.cards import verification
from desktop.services.training import attendance, completion, courses, rosters
from sync.client.engine import sync_once
from tests.sync.conftest import Server, Station
from tests.sync.test_sync_e2e import enrolled, register

TOMORROW = date.today() + timedelta(days=1)  # marks made before the start: present


def test_two_desks_mark_one_session_offline_and_a_revocation_reaches_the_other(
    server: Server, make_station: Callable[..., Station]
) -> None:
    a = enrolled(server, make_station("职工之家A"))
    b = enrolled(server, make_station("职工之家B"))
    people = [
        register(a, name, f"1360000000{i}")
        for i, name in enumerate(["张三", "李四", "王五", "赵六"])
    ]
    made = courses.create_course(
        courses.CourseForm(title="电工安全培训", rule_minimum="1"),
        a.uow(),
        a.ctx,
        (courses.SessionForm(TOMORROW, "09:00", "11:00"),),
    )
    for member_id in people:
        rosters.enrol(made.id, "", a.uow(), a.ctx, member_id=member_id)
    assert sync_once(a.desk).ok
    report = sync_once(b.desk)
    assert report.ok and report.pulled["courses"] > 0
    session_id = courses.sessions(b.uow(), made.id)[0].id
    assert attendance.counters(b.uow(), session_id).expected == 4

    # Offline, both desks at the door of the same hall.
    for member_id in people[:2]:
        attendance.mark_at_door(session_id, "", a.uow(), a.ctx, member_id=member_id)
    attendance.mark(session_id, people[2], AttendanceStatus.EXCUSED, a.uow(), a.ctx, note="请假")
    for member_id in (people[0], people[2], people[3]):
        attendance.mark_at_door(session_id, "", b.uow(), b.ctx, member_id=member_id)

    for desk in (a, b, a):
        assert sync_once(desk.desk).ok
    assert server.stats()["events_by_kind"]["attendance.marked"] == 6
    again = sync_once(b.desk)  # nothing new: nothing applied twice
    assert again.ok and again.pushed == 0

    for station in (a, b):
        sheet = attendance.session_sheet(station.uow(), session_id)
        assert sorted(line.member_id for line in sheet) == sorted(people)  # each once
        counts = attendance.counters(station.uow(), session_id)
        assert (counts.expected, counts.present, counts.excused, counts.conflicts) == (4, 4, 0, 1)
        wang = next(line for line in sheet if line.member_id == people[2])
        assert wang.status is AttendanceStatus.PRESENT and wang.heads == ("present", "excused")

    # A certifies everyone; B pulls the certificates; A revokes one.
    certified = completion.certify_course(made.id, a.uow(), a.ctx, a.desk.keys)
    assert len(certified.issued) == 4
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    revoked = certified.issued[0]
    assert verification.scan(b.uow(), revoked.url).valid
    from desktop.services.certificates.commands import revoke_certificate

    revoke_certificate(revoked.serial, "冒名顶替", a.uow(), a.ctx)
    assert sync_once(a.desk).ok and sync_once(b.desk).ok
    at_b = verification.scan(b.uow(), revoked.url)
    assert not at_b.valid and at_b.revoked
    still = verification.scan(b.uow(), certified.issued[1].url)
    assert still.valid and not still.revoked
    holders = {p.member_id: p.certificate for p in completion.course_completion(b.uow(), made.id)}
    assert holders[revoked.fields.member_id] is None
    assert sum(1 for serial in holders.values() if serial) == 3
