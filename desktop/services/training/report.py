"""Training in words (the door's messages, statuses, what is missing) and a course's
report: roster, attendance grid, hours per person, completion, certificates; as .xlsx (one
sheet each, openpyxl) or PDF (desktop.printing.tables)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

from desktop.domain.clock import HOUR_MINUTE, shown
from desktop.domain.training import AttendanceStatus, Completion
from desktop.i18n import tr
from desktop.services.training import attendance, completion, courses, rosters
from desktop.services.training.attendance import DoorOutcome
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.training.repositories import Training
from desktop.storage.uow import UnitOfWork

if TYPE_CHECKING:  # ReportLab stays unloaded until something is printed
    from desktop.printing.tables import TableReport


def status_word(status: AttendanceStatus | None, conflict: bool = False) -> str:
    word = tr(f"attendance.{status.value}") if status else ""
    return f"{word} ({tr('attendance.conflict')})" if conflict else word


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def course_report(uow: UnitOfWork, course_id: str) -> TableReport:
    from desktop.printing.tables import Table, TableReport

    course = courses.course(uow, course_id)
    everyone = rosters.roster(uow, course_id, ("enrolled", "waitlisted", "withdrawn"))
    grid = attendance.course_grid(uow, course_id)
    people = completion.course_completion(uow, course_id)
    yes, no = tr("report.yes"), tr("report.no")
    roster = Table(
        tr("report.roster"),
        (
            tr("report.no_"),
            tr("report.name"),
            tr("report.member_number"),
            tr("report.enrolment"),
            tr("report.walk_in"),
        ),
        tuple(
            (
                str(i),
                e.member_name,
                e.member_number,
                tr(f"enrolment.{e.status}"),
                yes if e.walk_in else "",
            )
            for i, e in enumerate(everyone, start=1)
        ),
        (0.5, 1.5, 1.5, 1, 1),
    )
    sessions_heads = tuple(f"{s.number} {s.on_date[5:]}" for s in grid.sessions)
    attendance_table = Table(
        tr("report.grid"),
        (tr("report.name"), tr("report.member_number"), *sessions_heads),
        tuple(
            (
                row.name,
                row.member_number,
                *(status_word(c.status, c.conflict) for c in row.cells),
            )
            for row in grid.rows
        ),
        (1.5, 1.6, *(1.0 for _ in grid.sessions)),
    )
    hours = Table(
        tr("report.completion"),
        (
            tr("report.name"),
            tr("report.member_number"),
            tr("report.attended"),
            tr("report.hours"),
            tr("report.excused"),
            tr("report.completed"),
            tr("report.missing"),
        ),
        tuple(
            (
                p.name,
                p.member_number,
                f"{_hours(p.result.attended)}/{p.result.held}",
                f"{_hours(p.result.hours)}/{_hours(p.result.total_hours)}",
                str(p.result.excused),
                yes if p.result.completed else no,
                missing_text(p.result),
            )
            for p in people
        ),
        (1.2, 1.5, 1, 1, 0.7, 0.7, 1.5),
    )
    with uow.reading():
        links = uow.repo(Training).certificates(course_id)
        certs = []
        for link in links:
            row = uow.repo(Certificates).get(link.serial)
            if row is not None:
                state = (
                    tr("report.revoked", reason=row.revoke_reason or "")
                    if row.revoked_at
                    else tr("report.valid")
                )
                certs.append((row.serial, row.recipient_name, row.issued_on, state))
    certificates = Table(
        tr("report.certificates"),
        (tr("report.serial"), tr("report.name"), tr("report.issued_on"), tr("report.state")),
        tuple(certs),
        (1.5, 1.5, 1, 2),
    )
    subtitle = " · ".join(
        part
        for part in (
            course.category,
            course.teacher,
            course.venue,
            f"{course.starts_on or ''} – {course.ends_on or ''}",
            tr("report.total_hours", hours=_hours(course.hours)),
        )
        if part
    )
    return TableReport(course.title, subtitle, (roster, attendance_table, hours, certificates))


def missing_text(result: Completion) -> str:
    """Why someone has not completed, in words: "缺 2 次课" or "缺 3 课时"."""
    if result.completed:
        return ""
    if result.missing_hours:
        return tr("completion.missing_hours", hours=_hours(result.missing_hours))
    return tr("completion.missing_sessions", n=result.missing_sessions)


def local_time(iso: str | None) -> str:
    """HH:MM of a stored UTC time, on the station's clock."""
    return shown(iso, HOUR_MINUTE)


def door_message(result: attendance.DoorResult) -> str:
    """What the door says, in the desk's language (the band and the command line)."""
    name, s = result.member.name, result.session
    if result.outcome is DoorOutcome.MARKED:
        assert result.status is not None
        code = "door.late" if result.status is AttendanceStatus.LATE else "door.present"
        text = tr(code, name=name, n=s.number, of=s.of)
        return text + (" " + tr("door.walk_in_flag") if result.walk_in else "")
    if result.outcome is DoorOutcome.ALREADY:
        at = local_time(result.marked_at)
        return tr("door.already", name=name, n=s.number, of=s.of, at=at)
    if result.outcome is DoorOutcome.REFUSED:
        return tr("door.refused", name=name)
    return tr("door.not_on_roster", name=name)


def counters_line(c: attendance.Counters) -> str:
    return tr(
        "door.counters",
        expected=c.expected,
        arrived=c.present + c.late,  # "已到" counts the late too: they are here
        late=c.late,
        excused=c.excused,
        absent=c.absent,
        waiting=c.not_arrived,
    )


def course_report_xlsx(uow: UnitOfWork, course_id: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    report = course_report(uow, course_id)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in report.tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append([report.title])
        sheet.append([report.subtitle])
        sheet.append([])
        sheet.append(list(table.headers))
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for cells in table.rows:
            sheet.append(list(cells))
        for column, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", table.widths, strict=False):
            sheet.column_dimensions[column].width = 10 * width + 4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def course_report_pdf(uow: UnitOfWork, course_id: str) -> bytes:
    from desktop.printing.tables import table_report_pdf

    return table_report_pdf(course_report(uow, course_id))
