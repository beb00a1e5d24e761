"""Attendance: the door (scan or search → present or late), marks by hand (excused with a
note, corrections, a paper sheet), closing a session, live counters, the course's grid.

Marks are immutable events; which one counts is ``desktop.domain.training.resolve``. A
new mark supersedes every mark that counted for that person and session at this desk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from desktop.domain.clock import from_iso, to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Member, Role
from desktop.domain.training import (
    AttendanceStatus,
    Resolved,
    WalkIns,
    arrival_status,
    resolve,
)
from desktop.services.desk.operators import require_role
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.services.training.courses import CourseSession, queue_row, to_session, upsert
from desktop.services.training.rosters import _enrol_in, _member
from desktop.storage.training.repositories import Training, to_mark
from desktop.storage.training.tables import AttendanceMarkRow, CourseRow, CourseSessionRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.training import ATTENDANCE_MARKED, SESSION_CLOSED, AttendanceMarked

NOTE_MAX = 200
SOURCES = ("door", "desk", "close", "paper", "grid")


class DoorOutcome(StrEnum):
    MARKED = "marked"  # green: present or late recorded
    ALREADY = "already"  # orange: marked before; nothing recorded
    NOT_ON_ROSTER = "not_on_roster"  # nothing recorded; the desk may offer a walk-in
    REFUSED = "refused"  # red: not on the roster and the course takes no walk-ins


@dataclass(frozen=True)
class DoorResult:
    outcome: DoorOutcome
    member: Member
    session: CourseSession
    status: AttendanceStatus | None
    mark_id: str | None
    walk_in: bool = False
    marked_at: str | None = None  # when the earlier mark was made (ALREADY)
    waitlisted: bool = False


def session_start(row: CourseSessionRow) -> datetime:
    """The session's start in the station's local time zone, as an aware datetime."""
    return datetime.fromisoformat(f"{row.on_date}T{row.starts_at}").astimezone()


def _current(
    uow: UnitOfWork, session_id: str, member_id: str
) -> tuple[Resolved | None, list[AttendanceMarkRow]]:
    rows = uow.repo(Training).marks_of(session_id, member_id)
    return resolve(to_mark(r) for r in rows), rows


def _record(
    uow: UnitOfWork,
    ctx: DeskContext,
    session: CourseSessionRow,
    member_id: str,
    status: AttendanceStatus,
    note: str,
    source: str,
    supersedes: tuple[str, ...],
    at: str,
) -> AttendanceMarkRow:
    row = AttendanceMarkRow(
        id=new_id(),
        session_id=session.id,
        course_id=session.course_id,
        member_id=member_id,
        status=status.value,
        note=note,
        source=source,
        supersedes=json.dumps(sorted(supersedes)),
        station_id=ctx.station_id,
        device_id=ctx.device_id,
        operator_id=ctx.operator_id,
        device_time=at,
    )
    uow.session.add(row)
    queue_row(uow, ATTENDANCE_MARKED, row, ctx, at, supersedes=sorted(supersedes))
    return row


def _open_session(uow: UnitOfWork, session_id: str) -> tuple[CourseSessionRow, CourseRow]:
    row = uow.repo(Training).session_row(session_id)
    if row is None:
        raise NotFound("training.session_not_found", ref=session_id[:40])
    course = uow.repo(Training).course(row.course_id)
    assert course is not None
    if row.cancelled or course.cancelled:
        raise RuleViolation("training.session_cancelled")
    return row, course


def mark_at_door(
    session_id: str,
    member_ref: str,
    uow: UnitOfWork,
    ctx: DeskContext,
    member_id: str = "",
    enrol_walk_in: bool = False,
) -> DoorResult:
    """Someone arrives: present, or late after the course's grace period. Scanning twice
    records nothing and says so. Not on the roster: NOT_ON_ROSTER (or REFUSED when the
    course takes no walk-ins), unless ``enrol_walk_in``, which enrols them, flagged."""
    member = _member(uow, member_ref, member_id)
    if not member.active:
        raise RuleViolation(
            "member.deactivated", name=member.name, reason=member.deactivated_reason or ""
        )
    with uow:
        session, course = _open_session(uow, session_id)
        if session.closed_at:
            raise RuleViolation("training.session_closed")
        now = uow.now()
        at = to_iso(now)
        view = to_session(session, course, uow.repo(Training).sessions(course.id))
        enrolment = uow.repo(Training).enrolment(course.id, member.id)
        walk_in = enrolment is not None and enrolment.walk_in
        if enrolment is None or enrolment.status != "enrolled":
            refused = WalkIns(course.walk_ins) is WalkIns.REFUSE
            if refused or not enrol_walk_in:
                outcome = DoorOutcome.REFUSED if refused else DoorOutcome.NOT_ON_ROSTER
                return DoorResult(
                    outcome,
                    member,
                    view,
                    None,
                    None,
                    waitlisted=enrolment is not None and enrolment.status == "waitlisted",
                )
            _enrol_in(uow, ctx, course, member, True, "door", at)
            walk_in = True
        current, rows = _current(uow, session.id, member.id)
        if current is not None and current.mark.status in (
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
        ):
            earlier = next(r for r in rows if r.id == current.mark.id)
            return DoorResult(
                DoorOutcome.ALREADY,
                member,
                view,
                current.mark.status,
                current.mark.id,
                walk_in=walk_in,
                marked_at=earlier.device_time,
            )
        status = arrival_status(session_start(session), now, course.grace_minutes)
        heads = tuple(m.id for m in current.heads) if current else ()
        row = _record(uow, ctx, session, member.id, status, "", "door", heads, at)
        uow.commit()
        return DoorResult(DoorOutcome.MARKED, member, view, status, row.id, walk_in=walk_in)


def mark(
    session_id: str,
    member_id: str,
    status: AttendanceStatus,
    uow: UnitOfWork,
    ctx: DeskContext,
    note: str = "",
    source: str = "desk",
) -> str:
    """A mark by hand: excused with a note (in advance or after), a correction in the grid,
    a line of a signed paper sheet. After the session is closed only a station lead may
    change marks. Returns the mark's id."""
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise InvalidInput("training.note_too_long", field="note", max=NOTE_MAX)
    if status is AttendanceStatus.EXCUSED and not note:
        raise InvalidInput("training.excuse_note", field="note")
    if source not in SOURCES:
        raise InvalidInput("training.source", field="source")
    with uow:
        session, course = _open_session(uow, session_id)
        if session.closed_at:
            require_role(ctx, Role.LEAD)
        enrolment = uow.repo(Training).enrolment(course.id, member_id)
        if enrolment is None or enrolment.status != "enrolled":
            raise RuleViolation("training.not_enrolled", ref=member_id[:40])
        current, _ = _current(uow, session.id, member_id)
        if (
            current is not None
            and not current.conflict
            and current.mark.status is status
            and not note
        ):
            return current.mark.id  # nothing changes
        at = to_iso(uow.now())
        heads = tuple(m.id for m in current.heads) if current else ()
        row = _record(uow, ctx, session, member_id, status, note, source, heads, at)
        if session.closed_at:
            uow.audit.record(
                "attendance.changed_after_close",
                ctx.operator_id,
                at,
                session_id=session.id,
                member_id=member_id,
                status=status.value,
                mark_id=row.id,
            )
        uow.commit()
        return row.id


def close_session(session_id: str, uow: UnitOfWork, ctx: DeskContext) -> int:
    """Everyone on the roster not marked yet is marked absent; the session is closed.
    Returns how many were marked absent."""
    with uow:
        session, _ = _open_session(uow, session_id)
        if session.closed_at:
            raise RuleViolation("training.session_closed")
        at = to_iso(uow.now())
        marked = uow.repo(Training).marks_by_member(session.id)
        absent = 0
        for enrolment in uow.repo(Training).roster(session.course_id):
            if enrolment.member_id not in marked:
                _record(
                    uow,
                    ctx,
                    session,
                    enrolment.member_id,
                    AttendanceStatus.ABSENT,
                    "",
                    "close",
                    (),
                    at,
                )
                absent += 1
        session.closed_at = at
        session.version += 1
        session.updated_at = at
        queue_row(uow, SESSION_CLOSED, session, ctx, at)
        uow.commit()
        return absent


# --- what the screens show ---------------------------------------------------------------


@dataclass(frozen=True)
class Counters:
    expected: int  # on the roster
    present: int
    late: int
    excused: int
    absent: int
    not_arrived: int  # on the roster, no mark yet
    walk_ins: int
    conflicts: int


@dataclass(frozen=True)
class SheetLine:
    member_id: str
    name: str
    member_number: str
    status: AttendanceStatus | None
    walk_in: bool
    conflict: bool
    heads: tuple[str, ...]  # the statuses in conflict, highest first
    marked_at: str | None
    note: str


def session_sheet(uow: UnitOfWork, session_id: str) -> list[SheetLine]:
    """Everyone on the roster with the status that counts for this session."""
    with uow.reading():
        session = uow.repo(Training).session_row(session_id)
        if session is None:
            raise NotFound("training.session_not_found", ref=session_id[:40])
        marks = uow.repo(Training).marks_by_member(session.id)
        out = []
        for enrolment in uow.repo(Training).roster(session.course_id):
            rows = marks.get(enrolment.member_id, [])
            current = resolve(to_mark(r) for r in rows)
            chosen = next((r for r in rows if current and r.id == current.mark.id), None)
            out.append(
                SheetLine(
                    member_id=enrolment.member_id,
                    name=enrolment.member_name,
                    member_number=enrolment.member_number,
                    status=current.mark.status if current else None,
                    walk_in=enrolment.walk_in,
                    conflict=bool(current and current.conflict),
                    heads=tuple(h.status.value for h in current.heads) if current else (),
                    marked_at=chosen.device_time if chosen else None,
                    note=chosen.note if chosen else "",
                )
            )
        return out


def counters(uow: UnitOfWork, session_id: str) -> Counters:
    lines = session_sheet(uow, session_id)

    def count(status: AttendanceStatus) -> int:
        return sum(1 for line in lines if line.status is status)

    return Counters(
        expected=len(lines),
        present=count(AttendanceStatus.PRESENT),
        late=count(AttendanceStatus.LATE),
        excused=count(AttendanceStatus.EXCUSED),
        absent=count(AttendanceStatus.ABSENT),
        not_arrived=sum(1 for line in lines if line.status is None),
        walk_ins=sum(1 for line in lines if line.walk_in),
        conflicts=sum(1 for line in lines if line.conflict),
    )


@dataclass(frozen=True)
class GridCell:
    status: AttendanceStatus | None
    conflict: bool


@dataclass(frozen=True)
class GridRow:
    member_id: str
    name: str
    member_number: str
    walk_in: bool
    cells: tuple[GridCell, ...]  # one per session, in the grid's order


@dataclass(frozen=True)
class Grid:
    sessions: tuple[CourseSession, ...]
    rows: tuple[GridRow, ...]


def course_grid(uow: UnitOfWork, course_id: str) -> Grid:
    """People × sessions (held ones), each cell the status that counts."""
    with uow.reading():
        course = uow.repo(Training).course(course_id)
        if course is None:
            raise NotFound("training.course_not_found", ref=course_id[:40])
        held = uow.repo(Training).sessions(course_id)
        views = tuple(to_session(s, course, held) for s in held)
        marks = uow.repo(Training).course_marks(course_id)
        rows = []
        for enrolment in uow.repo(Training).roster(course_id):
            cells = []
            for session in held:
                current = resolve(
                    to_mark(r) for r in marks.get((session.id, enrolment.member_id), [])
                )
                cells.append(
                    GridCell(
                        current.mark.status if current else None, bool(current and current.conflict)
                    )
                )
            rows.append(
                GridRow(
                    enrolment.member_id,
                    enrolment.member_name,
                    enrolment.member_number,
                    enrolment.walk_in,
                    tuple(cells),
                )
            )
        return Grid(views, tuple(rows))


@dataclass(frozen=True)
class MarkHistory:
    id: str
    status: AttendanceStatus
    note: str
    source: str
    device_time: str
    operator_id: str | None
    counts: bool  # the mark that counts now


def history(uow: UnitOfWork, session_id: str, member_id: str) -> list[MarkHistory]:
    """Every mark of one person for one session, oldest first: the audit trail of a cell."""
    with uow.reading():
        rows = uow.repo(Training).marks_of(session_id, member_id)
        current = resolve(to_mark(r) for r in rows)
        rows.sort(key=lambda r: (from_iso(r.device_time), r.id))
        return [
            MarkHistory(
                r.id,
                AttendanceStatus(r.status),
                r.note,
                r.source,
                r.device_time,
                r.operator_id,
                bool(current and current.mark.id == r.id),
            )
            for r in rows
        ]


# --- applier ---------------------------------------------------------------------------


def _apply_mark(uow: UnitOfWork, event: PulledEvent, mark: AttendanceMarked) -> None:
    """Marks are immutable: insert once by id; the resolution rule does the rest."""
    if uow.repo(Training).mark(event.entity_id) is not None:
        return
    supersedes = json.dumps(sorted(mark.supersedes))
    upsert(uow, AttendanceMarkRow, event, mark, {"supersedes": supersedes})


APPLIERS: dict[EventKind[Any], Applier] = {ATTENDANCE_MARKED: _apply_mark}
