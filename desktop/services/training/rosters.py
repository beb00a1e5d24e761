"""Rosters: enrol (a waitlist when the course is full; walk-ins flagged and past the
capacity), withdraw (the first waiting moves up), import from .xlsx with a line per row.
The applier keeps one row per person and course whichever desks enrolled them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.domain.clock import to_iso
from desktop.domain.errors import AppError, InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext, Member
from desktop.services.members.commands import resolve_member
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.services.training.courses import _course_row, _stamp, has_pending, queue_row, upsert
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.training.repositories import Training
from desktop.storage.training.tables import CourseRow, EnrolmentRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.training import ENROLMENT_ADDED, ENROLMENT_UPDATED, EnrolmentPayload


@dataclass(frozen=True)
class Enrolment:
    id: str
    course_id: str
    member_id: str
    member_name: str
    member_number: str
    status: str  # enrolled, waitlisted, withdrawn
    walk_in: bool
    source: str


class EnrolOutcome:
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    ALREADY = "already"  # on the roster (or waitlist) already: nothing written


@dataclass(frozen=True)
class EnrolResult:
    outcome: str
    enrolment: Enrolment
    member: Member


def to_enrolment(row: EnrolmentRow) -> Enrolment:
    return Enrolment(
        id=row.id,
        course_id=row.course_id,
        member_id=row.member_id,
        member_name=row.member_name,
        member_number=row.member_number,
        status=row.status,
        walk_in=row.walk_in,
        source=row.source,
    )


# --- rosters ----------------------------------------------------------------------------


def _enrol_in(
    uow: UnitOfWork,
    ctx: DeskContext,
    course: CourseRow,
    member: Member,
    walk_in: bool,
    source: str,
    at: str,
) -> tuple[str, EnrolmentRow]:
    """Enrol inside an open unit of work: (outcome, row). Walk-ins go past the capacity (one
    on the waitlist who turns up at the door is enrolled, flagged)."""
    existing = uow.repo(Training).enrolment(course.id, member.id)
    if existing is not None and (
        existing.status == "enrolled" or (existing.status == "waitlisted" and not walk_in)
    ):
        return EnrolOutcome.ALREADY, existing
    full = (
        course.capacity > 0
        and not walk_in
        and uow.repo(Training).enrolled_count(course.id) >= course.capacity
    )
    status = "waitlisted" if full else "enrolled"
    if existing is None:
        row = EnrolmentRow(
            id=new_id(),
            course_id=course.id,
            member_id=member.id,
            member_name=member.name,
            member_number=member.member_number,
            status=status,
            walk_in=walk_in,
            source=source,
            version=1,
        )
        _stamp(row, ctx, at)
        uow.repo(Training).add(row)
        kind = ENROLMENT_ADDED
    else:  # enrolled again after withdrawing, or from the waitlist at the door
        row = existing
        row.status, row.walk_in, row.source = status, walk_in, source
        row.version += 1
        row.updated_at = at
        kind = ENROLMENT_UPDATED
    queue_row(uow, kind, row, ctx, at)
    return (EnrolOutcome.WAITLISTED if full else EnrolOutcome.ENROLLED), row


def enrol(
    course_id: str,
    member_ref: str,
    uow: UnitOfWork,
    ctx: DeskContext,
    walk_in: bool = False,
    source: str = "desk",
    member_id: str = "",
) -> EnrolResult:
    member = _member(uow, member_ref, member_id)
    if not member.active:
        raise RuleViolation(
            "member.deactivated", name=member.name, reason=member.deactivated_reason or ""
        )
    with uow:
        course = _course_row(uow, course_id)
        if course.cancelled:
            raise RuleViolation("training.course_cancelled", title=course.title)
        outcome, row = _enrol_in(uow, ctx, course, member, walk_in, source, to_iso(uow.now()))
        if outcome != EnrolOutcome.ALREADY:
            uow.commit()
        return EnrolResult(outcome, to_enrolment(row), member)


def _member(uow: UnitOfWork, ref: str, member_id: str) -> Member:
    if member_id:
        with uow.reading():
            found = uow.repo(MemberRepository).get(member_id)
        if found is None:
            raise NotFound("member.not_found", ref=member_id[:40])
        return found
    return resolve_member(uow, ref)


def withdraw(course_id: str, member_id: str, uow: UnitOfWork, ctx: DeskContext) -> Enrolment | None:
    """Take someone off the roster; the first on the waitlist moves up. Returns who moved up."""
    with uow:
        course = _course_row(uow, course_id)
        row = uow.repo(Training).enrolment(course.id, member_id)
        if row is None or row.status == "withdrawn":
            raise NotFound("training.not_enrolled", ref=member_id[:40])
        at = to_iso(uow.now())
        was_enrolled = row.status == "enrolled"
        row.status = "withdrawn"
        row.version += 1
        row.updated_at = at
        queue_row(uow, ENROLMENT_UPDATED, row, ctx, at)
        promoted = None
        waiting = uow.repo(Training).roster(course.id, ("waitlisted",))
        if was_enrolled and waiting:
            first = waiting[0]
            first.status = "enrolled"
            first.version += 1
            first.updated_at = at
            queue_row(uow, ENROLMENT_UPDATED, first, ctx, at)
            promoted = to_enrolment(first)
        uow.commit()
        return promoted


def roster(
    uow: UnitOfWork, course_id: str, statuses: tuple[str, ...] = ("enrolled",)
) -> list[Enrolment]:
    with uow.reading():
        return [to_enrolment(r) for r in uow.repo(Training).roster(course_id, statuses)]


# --- importing a roster -----------------------------------------------------------------


@dataclass(frozen=True)
class ImportLine:
    row: int  # the spreadsheet's own row number
    ref: str
    outcome: str  # enrolled, waitlisted, already, refused
    member_number: str = ""
    name: str = ""
    reason_code: str = ""
    reason_params: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ImportReport:
    lines: tuple[ImportLine, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)


_HEADERS = {
    "会员号": "number",
    "member number": "number",
    "member_number": "number",
    "手机": "phone",
    "手机号": "phone",
    "phone": "phone",
    "姓名": "name",
    "name": "name",
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return " ".join(str(value).split())


def read_roster_rows(path: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of the first sheet as {"number"|"phone"|"name": text}, by the header row's
    names (会员号 / 手机号 / 姓名, or English); without a known header, column A is the ref."""
    # The members import's reader: any spreadsheet it reads, measured before it is read.
    from desktop.services.reports.spreadsheets import read_sheet

    try:
        rows: list[Any] = read_sheet(path).rows
    except InvalidInput as error:
        if error.code in ("sheet.unreadable", "sheet.missing"):
            raise InvalidInput(
                "training.import_unreadable", field="file", path=str(path)[-80:]
            ) from error
        raise
    if not rows:
        return []
    header = [_HEADERS.get(_cell(v).lower()) for v in rows[0]]
    start = 2 if any(header) else 1
    if not any(header):
        header = ["number"] + [None] * (len(rows[0]) - 1)
    out = []
    for number, values in enumerate(rows[start - 1 :], start=start):
        record = {key: _cell(v) for key, v in zip(header, values, strict=False) if key}
        if any(record.values()):
            out.append((number, record))
    return out


def import_roster(course_id: str, path: str, uow: UnitOfWork, ctx: DeskContext) -> ImportReport:
    """Enrol everyone a spreadsheet names; every row is enrolled, already there, or refused
    with its reason. A second import of the same file enrols nobody twice."""
    rows = read_roster_rows(path)
    lines: list[ImportLine] = []
    with uow.reading():
        _course_row(uow, course_id)
    for number, record in rows:
        ref = record.get("number") or record.get("phone") or ""
        if not ref:
            lines.append(
                ImportLine(
                    number, record.get("name", ""), "refused", reason_code="training.import_no_ref"
                )
            )
            continue
        try:
            member = resolve_member(uow, ref)
            name = record.get("name", "")
            if name and name != member.name:
                raise RuleViolation("training.import_name_mismatch", name=name, found=member.name)
            result = enrol(course_id, "", uow, ctx, source="import", member_id=member.id)
        except AppError as error:
            params = tuple(sorted(error.params.items()))
            lines.append(
                ImportLine(number, ref, "refused", reason_code=error.code, reason_params=params)
            )
            continue
        lines.append(ImportLine(number, ref, result.outcome, member.member_number, member.name))
    return ImportReport(tuple(lines))


def _apply_enrolment(uow: UnitOfWork, event: PulledEvent, enrolment: EnrolmentPayload) -> None:
    existing = uow.repo(Training).enrolment(enrolment.course_id, enrolment.member_id)
    if existing is not None and existing.id != event.entity_id:
        # Two desks enrolled the same person offline: one row per person, the smaller id
        # keeps it (the same choice at every desk); the other event changes nothing.
        if existing.id < event.entity_id:
            return
        if has_pending(uow, existing.id):
            return
        uow.session.delete(existing)
        uow.session.flush()
    upsert(uow, EnrolmentRow, event, enrolment)


APPLIERS: dict[EventKind[Any], Applier] = {
    ENROLMENT_ADDED: _apply_enrolment,
    ENROLMENT_UPDATED: _apply_enrolment,
}
