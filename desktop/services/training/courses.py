"""Courses, their sessions and rosters: create, edit, add/move/cancel sessions, enrol,
waitlist, withdraw, import a roster from .xlsx. Appliers rebuild them from other desks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import msgspec

from desktop.domain.certificates import TITLES
from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext
from desktop.domain.training import CompletionRule, LateCounts, RuleKind, WalkIns
from desktop.services.sync.replication import Applier, PulledEvent
from desktop.storage.sync.tables import OutboxRow
from desktop.storage.training.repositories import Training
from desktop.storage.training.tables import CourseRow, CourseSessionRow
from desktop.storage.uow import UnitOfWork
from sync.protocol import SERVER_DEVICE_ID, EventKind
from sync.protocol.contract import Payload
from sync.protocol.events.training import (
    COURSE_CREATED,
    COURSE_UPDATED,
    SESSION_ADDED,
    SESSION_CLOSED,
    SESSION_UPDATED,
    CoursePayload,
    SessionPayload,
)

P = TypeVar("P", bound=Payload)

TEXT_MAX = 100
HOURS_MAX = Decimal(10_000)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


@dataclass(frozen=True)
class CourseForm:
    """What a desk types for a course. Raw text: the service checks and normalises."""

    title: str
    category: str = ""
    organiser: str = ""
    venue: str = ""
    teacher: str = ""
    capacity: int = 0  # 0 = no limit
    starts_on: date | None = None
    ends_on: date | None = None
    hours: str = ""  # empty: the sum of its sessions' hours
    rule_kind: str = RuleKind.SHARE.value
    rule_minimum: str = "0.8"  # a share (0.8 = 80 %) or hours
    late_counts: str = LateCounts.FULL.value
    grace_minutes: int = 10
    walk_ins: str = WalkIns.OFFER.value
    certificate_title: str = "结业证书"


@dataclass(frozen=True)
class SessionForm:
    on_date: date
    starts_at: str  # HH:MM
    ends_at: str
    hours: str = ""  # empty: from the times, in half hours
    topic: str = ""


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    category: str
    organiser: str
    venue: str
    teacher: str
    capacity: int
    starts_on: str | None
    ends_on: str | None
    hours: Decimal
    rule: CompletionRule
    grace_minutes: int
    walk_ins: WalkIns
    certificate_title: str
    cancelled: bool
    version: int
    enrolled: int = 0
    sessions: int = 0
    central: bool = False  # made at HQ (中心下发): used here, never edited here
    stations: tuple[str, ...] = ()  # station ids taking part; empty: every station

    def for_station(self, station_id: str) -> bool:
        return not self.stations or station_id in self.stations


@dataclass(frozen=True)
class CourseSession:
    id: str
    course_id: str
    course_title: str
    on_date: str
    starts_at: str
    ends_at: str
    hours: Decimal
    topic: str
    cancelled: bool
    closed: bool
    number: int  # 1-based among the course's sessions that are held
    of: int
    version: int


# --- converting -------------------------------------------------------------------------


def to_course(row: CourseRow, enrolled: int, held: list[CourseSessionRow]) -> Course:
    """The course as a screen sees it: without hours of its own, the sum of its sessions';
    without dates of its own, those of its first and last session."""
    own_hours = Decimal(row.hours)
    hours = own_hours or sum((Decimal(s.hours) for s in held), Decimal(0))
    return Course(
        id=row.id,
        title=row.title,
        category=row.category,
        organiser=row.organiser,
        venue=row.venue,
        teacher=row.teacher,
        capacity=row.capacity,
        starts_on=row.starts_on or (held[0].on_date if held else None),
        ends_on=row.ends_on or (held[-1].on_date if held else None),
        hours=hours.normalize(),
        rule=CompletionRule(
            RuleKind(row.rule_kind), Decimal(row.rule_minimum), LateCounts(row.late_counts)
        ),
        grace_minutes=row.grace_minutes,
        walk_ins=WalkIns(row.walk_ins),
        certificate_title=row.certificate_title,
        cancelled=row.cancelled,
        version=row.version,
        enrolled=enrolled,
        sessions=len(held),
        central=is_central(row),
        stations=stations_of(row),
    )


def is_central(row: CourseRow | CourseSessionRow) -> bool:
    """Made at HQ: the server made (and signed) the event this row came from."""
    return row.device_id == SERVER_DEVICE_ID


def stations_of(row: CourseRow) -> tuple[str, ...]:
    try:
        found = json.loads(row.stations or "[]")
    except ValueError:
        return ()
    return tuple(str(s) for s in found) if isinstance(found, list) else ()


def _not_central(row: CourseRow) -> None:
    """HQ's course is the same at every station taking part: only HQ changes it or its
    sessions (a station still enrols, marks attendance, closes sessions and certifies)."""
    if is_central(row):
        raise RuleViolation("training.course_central", title=row.title)


def _course(uow: UnitOfWork, row: CourseRow) -> Course:
    return to_course(
        row, uow.repo(Training).enrolled_count(row.id), uow.repo(Training).sessions(row.id)
    )


def to_session(
    row: CourseSessionRow, course: CourseRow, held: list[CourseSessionRow]
) -> CourseSession:
    ids = [s.id for s in held]
    return CourseSession(
        id=row.id,
        course_id=row.course_id,
        course_title=course.title,
        on_date=row.on_date,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        hours=Decimal(row.hours),
        topic=row.topic,
        cancelled=row.cancelled,
        closed=row.closed_at is not None,
        number=ids.index(row.id) + 1 if row.id in ids else 0,
        of=len(ids),
        version=row.version,
    )


def row_payload(kind: EventKind[P], row: Any, **overrides: Any) -> P:
    """Every column, as the kind's payload type: a pulled event rebuilds the row from it
    alone."""
    values = {c.name: getattr(row, c.name) for c in row.__table__.columns}
    if isinstance(row, CourseRow):
        values["stations"] = list(stations_of(row))
    values.update(overrides)
    return kind.decode(values)


def queue_row(
    uow: UnitOfWork, kind: EventKind[P], row: Any, ctx: DeskContext, at: str, **overrides: Any
) -> None:
    """The outbox event of a training row: the row whole (``row_payload``)."""
    uow.outbox.append(kind, row.id, row_payload(kind, row, **overrides), ctx, at)


# --- checking what was typed ------------------------------------------------------------


def text_of(value: str, field: str, required: bool = False, most: int = TEXT_MAX) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise InvalidInput("training.required", field=field)
    if len(value) > most:
        raise InvalidInput("training.text_too_long", field=field, max=most)
    return value


def parse_hours(text: str, field: str = "hours", allow_zero: bool = False) -> Decimal:
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput("training.hours", field=field) from None
    if not hours.is_finite() or hours < 0 or (hours == 0 and not allow_zero) or hours > HOURS_MAX:
        raise InvalidInput("training.hours", field=field)
    return hours.normalize() if hours else Decimal(0)


def parse_time(text: str, field: str) -> str:
    match = _TIME.match(text.strip())
    if match is None:
        raise InvalidInput("training.time", field=field, text=text.strip()[:20])
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _clean_course(form: CourseForm) -> dict[str, Any]:
    try:
        kind = RuleKind(form.rule_kind)
        late = LateCounts(form.late_counts)
        walk_ins = WalkIns(form.walk_ins)
    except ValueError:
        raise InvalidInput("training.rule", field="rule") from None
    try:
        minimum = Decimal(form.rule_minimum.strip().rstrip("%"))
    except InvalidOperation:
        raise InvalidInput("training.rule_minimum", field="rule_minimum") from None
    if form.rule_minimum.strip().endswith("%"):
        minimum = minimum / 100
    if kind is RuleKind.SHARE and not (0 < minimum <= 1):
        raise InvalidInput("training.rule_minimum", field="rule_minimum")
    if kind is RuleKind.HOURS and not (0 < minimum <= HOURS_MAX):
        raise InvalidInput("training.rule_minimum", field="rule_minimum")
    if form.starts_on and form.ends_on and form.ends_on < form.starts_on:
        raise InvalidInput("training.dates", field="ends_on")
    if form.capacity < 0 or form.capacity > 100_000:
        raise InvalidInput("training.capacity", field="capacity")
    if form.grace_minutes < 0 or form.grace_minutes > 600:
        raise InvalidInput("training.grace", field="grace_minutes")
    title = " ".join(form.certificate_title.split())
    if title not in TITLES:
        raise InvalidInput("certificate.title", field="certificate_title", titles="、".join(TITLES))
    return {
        "title": text_of(form.title, "title", required=True),
        "category": text_of(form.category, "category", most=30),
        "organiser": text_of(form.organiser, "organiser"),
        "venue": text_of(form.venue, "venue"),
        "teacher": text_of(form.teacher, "teacher", most=50),
        "capacity": form.capacity,
        "starts_on": form.starts_on.isoformat() if form.starts_on else None,
        "ends_on": form.ends_on.isoformat() if form.ends_on else None,
        "hours": str(parse_hours(form.hours, allow_zero=True)) if form.hours.strip() else "0",
        "rule_kind": kind.value,
        "rule_minimum": str(minimum.normalize()),
        "late_counts": late.value,
        "grace_minutes": form.grace_minutes,
        "walk_ins": walk_ins.value,
        "certificate_title": title,
    }


def _clean_session(form: SessionForm) -> dict[str, Any]:
    starts = parse_time(form.starts_at, "starts_at")
    ends = parse_time(form.ends_at, "ends_at")
    if _minutes(ends) <= _minutes(starts):
        raise InvalidInput("training.session_times", field="ends_at")
    if form.hours.strip():
        hours = parse_hours(form.hours)
    else:  # whole half hours of the time between start and end
        hours = (Decimal((_minutes(ends) - _minutes(starts)) // 30) / 2).normalize()
        hours = hours or Decimal("0.5")
    return {
        "on_date": form.on_date.isoformat(),
        "starts_at": starts,
        "ends_at": ends,
        "hours": str(hours),
        "topic": text_of(form.topic, "topic"),
    }


# --- courses and sessions ---------------------------------------------------------------


def _stamp(row: Any, ctx: DeskContext, at: str) -> None:
    row.station_id, row.device_id, row.operator_id = ctx.station_id, ctx.device_id, ctx.operator_id
    row.device_time = row.updated_at = at


def create_course(
    form: CourseForm,
    uow: UnitOfWork,
    ctx: DeskContext,
    sessions: tuple[SessionForm, ...] = (),
) -> Course:
    """A new course, with its first sessions if given (a micro class: one session)."""
    values = _clean_course(form)
    cleaned = [_clean_session(s) for s in sessions]
    with uow:
        at = to_iso(uow.now())
        row = CourseRow(id=new_id(), version=1, cancelled=False, **values)
        _stamp(row, ctx, at)
        uow.repo(Training).add(row)
        session_rows = []
        for fields in cleaned:
            session = CourseSessionRow(
                id=new_id(), course_id=row.id, version=1, cancelled=False, **fields
            )
            _stamp(session, ctx, at)
            uow.repo(Training).add(session)
            session_rows.append(session)
        queue_row(uow, COURSE_CREATED, row, ctx, at)
        for session in session_rows:
            queue_row(uow, SESSION_ADDED, session, ctx, at)
        result = _course(uow, row)
        uow.commit()
        return result


def update_course(course_id: str, form: CourseForm, uow: UnitOfWork, ctx: DeskContext) -> Course:
    values = _clean_course(form)
    with uow:
        row = _course_row(uow, course_id)
        _not_central(row)
        for key, value in values.items():
            if key in ("starts_on", "ends_on") and value is None:
                continue
            setattr(row, key, value)
        at = to_iso(uow.now())
        row.version += 1
        row.updated_at = at
        queue_row(uow, COURSE_UPDATED, row, ctx, at)
        result = _course(uow, row)
        uow.commit()
        return result


def _course_row(uow: UnitOfWork, course_id: str) -> CourseRow:
    row = uow.repo(Training).course(course_id)
    if row is None:
        raise NotFound("training.course_not_found", ref=course_id[:40])
    return row


def _session_row(uow: UnitOfWork, session_id: str) -> CourseSessionRow:
    row = uow.repo(Training).session_row(session_id)
    if row is None:
        raise NotFound("training.session_not_found", ref=session_id[:40])
    return row


def add_session(
    course_id: str, form: SessionForm, uow: UnitOfWork, ctx: DeskContext
) -> CourseSession:
    fields = _clean_session(form)
    with uow:
        course = _course_row(uow, course_id)
        _not_central(course)
        if course.cancelled:
            raise RuleViolation("training.course_cancelled", title=course.title)
        at = to_iso(uow.now())
        row = CourseSessionRow(
            id=new_id(), course_id=course.id, version=1, cancelled=False, **fields
        )
        _stamp(row, ctx, at)
        uow.repo(Training).add(row)
        queue_row(uow, SESSION_ADDED, row, ctx, at)
        result = to_session(row, course, uow.repo(Training).sessions(course.id))
        uow.commit()
        return result


def move_session(
    session_id: str, form: SessionForm, uow: UnitOfWork, ctx: DeskContext
) -> CourseSession:
    fields = _clean_session(form)
    with uow:
        row = _session_row(uow, session_id)
        course = _course_row(uow, row.course_id)
        _not_central(course)
        if row.cancelled or row.closed_at:
            raise RuleViolation("training.session_not_open")
        for key, value in fields.items():
            if key == "topic" and not value:
                continue
            setattr(row, key, value)
        at = to_iso(uow.now())
        row.version += 1
        row.updated_at = at
        queue_row(uow, SESSION_UPDATED, row, ctx, at)
        uow.session.flush()
        result = to_session(row, course, uow.repo(Training).sessions(course.id))
        uow.commit()
        return result


def cancel_session(session_id: str, uow: UnitOfWork, ctx: DeskContext) -> None:
    with uow:
        row = _session_row(uow, session_id)
        _not_central(_course_row(uow, row.course_id))
        if row.cancelled:
            raise RuleViolation("training.session_cancelled")
        at = to_iso(uow.now())
        row.cancelled = True
        row.version += 1
        row.updated_at = at
        queue_row(uow, SESSION_UPDATED, row, ctx, at)
        uow.commit()


def courses(
    uow: UnitOfWork, include_cancelled: bool = False, station_id: str | None = None
) -> list[Course]:
    """Every course; with ``station_id``, only those that station takes part in (a course
    HQ sent to other stations does not appear there)."""
    with uow.reading():
        rows = uow.repo(Training).courses(include_cancelled)
        if station_id is not None:
            rows = [r for r in rows if not stations_of(r) or station_id in stations_of(r)]
        return [_course(uow, r) for r in rows]


def course(uow: UnitOfWork, course_id: str) -> Course:
    with uow.reading():
        row = _course_row(uow, course_id)
        return _course(uow, row)


def sessions(
    uow: UnitOfWork, course_id: str, include_cancelled: bool = False
) -> list[CourseSession]:
    with uow.reading():
        course = _course_row(uow, course_id)
        held = uow.repo(Training).sessions(course_id)
        rows = uow.repo(Training).sessions(course_id, include_cancelled)
        return [to_session(r, course, held) for r in rows]


def session(uow: UnitOfWork, session_id: str) -> CourseSession:
    with uow.reading():
        row = _session_row(uow, session_id)
        course = _course_row(uow, row.course_id)
        return to_session(row, course, uow.repo(Training).sessions(course.id))


def sessions_on(uow: UnitOfWork, day: str, station_id: str | None = None) -> list[CourseSession]:
    """Sessions held on ``day`` (YYYY-MM-DD) at this desk, for the door screen's picker
    (with ``station_id``: only of courses that station takes part in)."""
    with uow.reading():
        out = []
        for row in uow.repo(Training).sessions_on(day):
            course = _course_row(uow, row.course_id)
            taking_part = station_id is None or station_id in (stations_of(course) or (station_id,))
            if not course.cancelled and taking_part:
                out.append(to_session(row, course, uow.repo(Training).sessions(course.id)))
        return out


def find_course(uow: UnitOfWork, ref: str) -> Course:
    """A course by its id or its exact title (refused when two share the title)."""
    text = " ".join(ref.split())
    if not text:
        raise InvalidInput("training.ref_empty", field="course")
    with uow.reading():
        row = uow.repo(Training).course(text)
        if row is None:
            titled = [r for r in uow.repo(Training).courses_titled(text) if not r.cancelled]
            if len(titled) > 1:
                raise RuleViolation("training.course_ambiguous", ref=text[:40], count=len(titled))
            row = titled[0] if titled else None
        if row is None:
            raise NotFound("training.course_not_found", ref=text[:40])
        return _course(uow, row)


def find_session(uow: UnitOfWork, ref: str) -> CourseSession:
    """A session by its id, or ``COURSE#N`` (the N-th session held of a course)."""
    text = ref.strip()
    if not text:
        raise InvalidInput("training.ref_empty", field="session")
    if "#" in text:
        course_ref, _, number = text.rpartition("#")
        found = find_course(uow, course_ref)
        held = sessions(uow, found.id)
        if not number.isdigit() or not 1 <= int(number) <= len(held):
            raise NotFound("training.session_not_found", ref=text[:40])
        return held[int(number) - 1]
    return session(uow, text)


# --- appliers: the same records made at other desks ------------------------------------


def has_pending(uow: UnitOfWork, entity_id: str) -> bool:
    """A local change to this entity not pushed yet: a pulled one must not overwrite it."""
    from sqlalchemy import select

    query = select(OutboxRow.seq).where(
        OutboxRow.entity_id == entity_id, OutboxRow.pushed_at.is_(None)
    )
    return uow.session.scalars(query.limit(1)).first() is not None


def upsert(
    uow: UnitOfWork,
    model: Any,
    event: PulledEvent,
    payload: Payload,
    columns: dict[str, Any] | None = None,
) -> None:
    """Insert the pulled row (its typed payload carries every column), or replace an older
    version of it; keep a local unpushed one."""
    fields = msgspec.structs.asdict(payload)
    values = {c.name: fields[c.name] for c in model.__table__.columns if c.name in fields}
    values.update(columns or {})
    values[model.__table__.primary_key.columns[0].name] = event.entity_id
    row = uow.session.get(model, event.entity_id)
    if row is None:
        uow.session.add(model(**values))
        uow.session.flush()
        return
    if has_pending(uow, event.entity_id) or int(values.get("version", 0)) <= getattr(
        row, "version", 0
    ):
        return
    for key, value in values.items():
        setattr(row, key, value)


def _from_desk_for_central(uow: UnitOfWork, model: Any, event: PulledEvent) -> bool:
    """A desk's event about a row HQ made (the server refuses those; a desk believes only
    HQ about HQ's rows all the same)."""
    row = uow.session.get(model, event.entity_id)
    return row is not None and is_central(row) and event.device_id != SERVER_DEVICE_ID


def _apply_course(uow: UnitOfWork, event: PulledEvent, course: CoursePayload) -> None:
    if _from_desk_for_central(uow, CourseRow, event):
        return
    upsert(uow, CourseRow, event, course, {"stations": json.dumps(list(course.stations))})


def _apply_session(uow: UnitOfWork, event: PulledEvent, session: SessionPayload) -> None:
    if _from_desk_for_central(uow, CourseSessionRow, event):
        # Another station closed HQ's session: only that it is closed is taken.
        row = uow.session.get(CourseSessionRow, event.entity_id)
        closing = event.kind == SESSION_CLOSED.name and session.closed_at is not None
        if row is not None and closing and row.closed_at is None and not has_pending(uow, row.id):
            row.closed_at, row.version = session.closed_at, max(row.version, session.version)
        return
    upsert(uow, CourseSessionRow, event, session)


APPLIERS: dict[EventKind[Any], Applier] = {
    COURSE_CREATED: _apply_course,
    COURSE_UPDATED: _apply_course,
    SESSION_ADDED: _apply_session,
    SESSION_UPDATED: _apply_session,
    SESSION_CLOSED: _apply_session,
}
