"""What each accepted event adds to the figures, and what a void takes away.

``project(session, facts)`` runs inside the push's transaction (``rules/figures.py``) on the
events the push *accepted* — a duplicate or a conflicting copy never reaches it, so nothing
counts twice — and in the backfill (``backfill.py``) on the stored log in order. It gathers
the batch's changes in memory and writes each table once, adding to what is there
(``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``), keys in sorted order so that
two transactions never wait on each other's rows crosswise.

The day is the station's local day: ``local_date`` where the payload carries it (visits,
handouts), the certificate's ``issued_on``, else the device's time on the stations' clock
(China Standard Time, UTC+8, no summer time).

Voids: a visit or handout void looks the record up in the log by its id and takes it away
from the record's own station and day, once (``figure_void``; a void from another station
than the record's counts nothing); a void that arrives before
its record keeps that record from counting. Attendance counts the standing mark per person
and session (present or late): a later mark that supersedes it, or a concurrent one that
wins by the desks' precedence (present > late > excused > absent, then the greater id),
replaces it; a mark the standing one already superseded but which arrives later (only
possible across desks) is taken by that same precedence — the console's figure then may
differ from the desks' until the person is marked again.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from sync.protocol import decode
from sync.protocol.contract import Payload
from sync.protocol.events.aid import HandoutRecorded, HandoutVoided
from sync.protocol.events.cards import CardPayload
from sync.protocol.events.certificates import CertificateIssued, CertificateRevoked
from sync.protocol.events.members import MemberPayload
from sync.protocol.events.training import AttendanceMarked, CourseCertified, CoursePayload
from sync.protocol.events.visits import VisitRecorded, VisitVoided
from sync.server import bulk
from sync.server.bulk import Upsert
from sync.server.figures.tables import (
    DAY_COLUMNS,
    FigureAttendanceRow,
    FigureCampaignRow,
    FigureCourseRow,
    FigureDayRow,
    FigureMemberRow,
    FigureMonthRow,
    FigureOccupationRow,
    FigureServiceRow,
    FigureVoidRow,
)
from sync.server.models import EventRow

STATION_CLOCK = timezone(timedelta(hours=8))  # the stations' day: China Standard Time

# Every kind the figures follow (rules/figures.py registers for these; backfill reads them).
KINDS = (
    "visit.recorded",
    "visit.voided",
    "member.registered",
    "member.updated",
    "member.deactivated",
    "member.reactivated",
    "card.issued",
    "card.printed",
    "card.reprinted",
    "certificate.issued",
    "certificate.revoked",
    "handout.recorded",
    "handout.voided",
    "attendance.marked",
    "course.created",
    "course.updated",
    "course.certified",
)
ATTENDED = ("present", "late")
PRECEDENCE = {"present": 3, "late": 2, "excused": 1, "absent": 0}


@dataclass(frozen=True)
class Fact:
    """One accepted event as the figures need it."""

    kind: str
    event_id: str
    entity_id: str
    station_id: str  # the server's station
    device_time: datetime
    payload: Payload


def local_day(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(STATION_CLOCK).date().isoformat()


@dataclass
class _Tally:
    day: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    service: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    occupation: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    campaign: Counter[tuple[str, str]] = field(default_factory=Counter)
    campaign_name: dict[tuple[str, str], str] = field(default_factory=dict)
    course_attendance: Counter[tuple[str, str]] = field(default_factory=Counter)
    course_certified: Counter[tuple[str, str]] = field(default_factory=Counter)
    course_title: dict[tuple[str, str], str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    voids: dict[str, bool] = field(default_factory=dict)  # entity id -> counted
    attendance: dict[tuple[str, str], FigureAttendanceRow] = field(default_factory=dict)

    def visit(self, station: str, day: str, visit: VisitRecorded, occupation: str, n: int) -> None:
        self.day[(station, day, "visits")] += n
        for service in visit.services:
            self.service[(station, day, service)] += n
        self.occupation[(station, day, occupation)] += n

    def handout(self, station: str, day: str, handout: HandoutRecorded, n: int) -> None:
        self.day[(station, day, "handouts")] += n
        self.campaign[(station, handout.campaign_id)] += n
        if handout.campaign_name:
            self.campaign_name[(station, handout.campaign_id)] = handout.campaign_name


def project(session: Session, facts: list[Fact]) -> None:
    """Add these accepted events (in the order accepted) to the figures."""
    if not facts:
        return
    tally = _Tally()
    voided_ids = {
        f.payload.visit_id if isinstance(f.payload, VisitVoided) else f.payload.handout_id
        for f in facts
        if isinstance(f.payload, VisitVoided | HandoutVoided)
    }
    records = _records(session, voided_ids)
    member_ids = {
        p.member_id
        for p in [f.payload for f in facts] + [r.payload for r in records.values()]
        if isinstance(p, VisitRecorded) and p.member_id
    }
    occupations = _known_occupations(session, member_ids)
    record_ids = {f.entity_id for f in facts if f.kind in ("visit.recorded", "handout.recorded")}
    voids = _known_voids(session, voided_ids | record_ids)
    marks = _standing_marks(session, facts)
    waiting = {f.event_id for f in facts}  # this batch's events not projected yet
    for fact in facts:
        _one(tally, fact, occupations, voids, records, marks, waiting)
        waiting.discard(fact.event_id)
    _write(session, tally)


def _one(
    tally: _Tally,
    fact: Fact,
    occupations: dict[str, str],
    voids: dict[str, bool],
    records: dict[str, _Record],
    marks: dict[tuple[str, str], FigureAttendanceRow],
    waiting: set[str],
) -> None:
    payload, station = fact.payload, fact.station_id
    plain_day = local_day(fact.device_time)
    if isinstance(payload, VisitRecorded):
        if fact.entity_id in voids or fact.entity_id in tally.voids:
            return  # its void came first
        occupation = payload.occupation or occupations.get(payload.member_id or "", "")
        tally.visit(station, payload.local_date or plain_day, payload, occupation, 1)
    elif isinstance(payload, HandoutRecorded):
        if fact.entity_id in voids or fact.entity_id in tally.voids:
            return
        tally.handout(station, payload.local_date or plain_day, payload, 1)
    elif isinstance(payload, VisitVoided | HandoutVoided):
        target = payload.visit_id if isinstance(payload, VisitVoided) else payload.handout_id
        if target in voids or target in tally.voids:
            return  # voided before: taken away once
        record = records.get(target)
        if record is not None and record.event_id in waiting:
            record = None  # later in this very batch: as if it came after the void
        if record is not None and record.station_id != station:
            return  # a station voids only its own records
        tally.voids[target] = record is not None
        if record is None:
            return  # the record has not come yet: it will not count when it does
        _take_away(tally, record, occupations)
    elif isinstance(payload, MemberPayload):
        if fact.kind == "member.registered":
            tally.day[(station, plain_day, "members")] += 1
        tally.members[fact.entity_id] = payload.occupation
        occupations[fact.entity_id] = payload.occupation
    elif isinstance(payload, CardPayload):
        column = "cards_issued" if fact.kind == "card.issued" else "cards_printed"
        tally.day[(station, plain_day, column)] += 1
    elif isinstance(payload, CertificateIssued):
        tally.day[(station, payload.issued_on or plain_day, "certificates")] += 1
    elif isinstance(payload, CertificateRevoked):
        tally.day[(station, plain_day, "certificates_revoked")] += 1
    elif isinstance(payload, CoursePayload):
        tally.course_title[(station, payload.id)] = payload.title
    elif isinstance(payload, CourseCertified):
        tally.course_certified[(station, payload.course_id)] += 1
    elif isinstance(payload, AttendanceMarked):
        _mark(tally, station, plain_day, payload, marks)


def _take_away(tally: _Tally, record: _Record, occupations: dict[str, str]) -> None:
    payload = record.payload
    if isinstance(payload, VisitRecorded):
        occupation = payload.occupation or occupations.get(payload.member_id or "", "")
        tally.visit(record.station_id, payload.local_date or record.day, payload, occupation, -1)
    elif isinstance(payload, HandoutRecorded):
        tally.handout(record.station_id, payload.local_date or record.day, payload, -1)


def _mark(
    tally: _Tally,
    station: str,
    day: str,
    mark: AttendanceMarked,
    marks: dict[tuple[str, str], FigureAttendanceRow],
) -> None:
    key = (mark.session_id, mark.member_id)
    standing = marks.get(key)
    if standing is not None:
        wins = standing.mark_id in mark.supersedes or (
            PRECEDENCE.get(mark.status, -1),
            mark.id,
        ) > (PRECEDENCE.get(standing.status, -1), standing.mark_id)
        if not wins:
            return
        if standing.status in ATTENDED:
            _attended(tally, standing.station_id, standing.day, standing.course_id, -1)
        standing.mark_id, standing.status = mark.id, mark.status
    else:
        standing = FigureAttendanceRow(
            session_id=mark.session_id,
            member_id=mark.member_id,
            mark_id=mark.id,
            status=mark.status,
            station_id=station,
            course_id=mark.course_id,
            day=day,
        )
        marks[key] = standing
    tally.attendance[key] = standing
    if standing.status in ATTENDED:
        _attended(tally, standing.station_id, standing.day, standing.course_id, 1)


def _attended(tally: _Tally, station: str, day: str, course_id: str, n: int) -> None:
    tally.day[(station, day, "attendance")] += n
    tally.course_attendance[(station, course_id)] += n


def _known_occupations(session: Session, member_ids: set[str]) -> dict[str, str]:
    if not member_ids:
        return {}
    query = select(FigureMemberRow.member_id, FigureMemberRow.occupation).where(
        bulk.among(session, FigureMemberRow.member_id, sorted(member_ids))
    )
    return {member_id: occupation for member_id, occupation in session.execute(query)}


def _known_voids(session: Session, ids: set[str]) -> dict[str, bool]:
    if not ids:
        return {}
    query = select(FigureVoidRow.entity_id, FigureVoidRow.counted).where(
        bulk.among(session, FigureVoidRow.entity_id, sorted(ids))
    )
    return {entity_id: counted for entity_id, counted in session.execute(query)}


@dataclass(frozen=True)
class _Record:
    event_id: str
    station_id: str
    day: str
    payload: Payload


def _records(session: Session, ids: set[str]) -> dict[str, _Record]:
    """The visit or handout events the voids name, from the log (by its entity index)."""
    if not ids:
        return {}
    query = select(EventRow).where(
        bulk.among(session, EventRow.entity_id, sorted(ids)),
        EventRow.kind.in_(("visit.recorded", "handout.recorded")),
    )
    return {
        row.entity_id: _Record(
            row.event_id,
            row.station_id,
            local_day(row.device_time),
            decode(row.kind, json.loads(row.payload)),
        )
        for row in session.scalars(query)
    }


def _standing_marks(
    session: Session, facts: list[Fact]
) -> dict[tuple[str, str], FigureAttendanceRow]:
    keys = {
        (f.payload.session_id, f.payload.member_id)
        for f in facts
        if isinstance(f.payload, AttendanceMarked)
    }
    if not keys:
        return {}
    sessions = sorted({session_id for session_id, _ in keys})
    query = select(FigureAttendanceRow).where(
        bulk.among(session, FigureAttendanceRow.session_id, sessions)
    )
    found = {}
    for row in session.scalars(query):
        key = (row.session_id, row.member_id)
        if key in keys:
            session.expunge(row)  # written back below with the batch's other rows
            found[key] = row
    return found


def _write(session: Session, tally: _Tally) -> None:
    """Every table the batch changed, in one statement on PostgreSQL (``bulk.write``)."""
    days: dict[tuple[str, str], dict[str, int]] = {}
    for (station, day, column), n in tally.day.items():
        days.setdefault((station, day), dict.fromkeys(DAY_COLUMNS, 0))[column] += n
    months: dict[tuple[str, str], dict[str, int]] = {}
    for (station, day), values in days.items():
        month = months.setdefault((station, day[:7]), dict.fromkeys(DAY_COLUMNS, 0))
        for column, n in values.items():
            month[column] += n
    campaigns = sorted(set(tally.campaign) | set(tally.campaign_name))
    courses = sorted(
        set(tally.course_attendance) | set(tally.course_certified) | set(tally.course_title)
    )
    attendance_columns = ("mark_id", "status", "station_id", "course_id", "day")
    bulk.write(
        session,
        [
            Upsert(
                _table(FigureDayRow),
                [{"station_id": s, "day": d, **values} for (s, d), values in sorted(days.items())],
                keys=("station_id", "day"),
                added=DAY_COLUMNS,
            ),
            Upsert(
                _table(FigureMonthRow),
                [
                    {"station_id": s, "month": m, **values}
                    for (s, m), values in sorted(months.items())
                ],
                keys=("station_id", "month"),
                added=DAY_COLUMNS,
            ),
            Upsert(
                _table(FigureServiceRow),
                [
                    {"station_id": s, "day": d, "service": v, "visits": n}
                    for (s, d, v), n in sorted(tally.service.items())
                ],
                keys=("station_id", "day", "service"),
                added=("visits",),
            ),
            Upsert(
                _table(FigureOccupationRow),
                [
                    {"station_id": s, "day": d, "occupation": v, "visits": n}
                    for (s, d, v), n in sorted(tally.occupation.items())
                ],
                keys=("station_id", "day", "occupation"),
                added=("visits",),
            ),
            Upsert(
                _table(FigureCampaignRow),
                [
                    {
                        "station_id": s,
                        "campaign_id": c,
                        "name": tally.campaign_name.get((s, c), ""),
                        "handouts": tally.campaign[(s, c)],
                    }
                    for s, c in campaigns
                ],
                keys=("station_id", "campaign_id"),
                added=("handouts",),
                kept=("name",),
            ),
            Upsert(
                _table(FigureCourseRow),
                [
                    {
                        "station_id": s,
                        "course_id": c,
                        "title": tally.course_title.get((s, c), ""),
                        "attendance": tally.course_attendance[(s, c)],
                        "certified": tally.course_certified[(s, c)],
                    }
                    for s, c in courses
                ],
                keys=("station_id", "course_id"),
                added=("attendance", "certified"),
                kept=("title",),
            ),
            Upsert(
                _table(FigureMemberRow),
                [{"member_id": m, "occupation": o[:100]} for m, o in sorted(tally.members.items())],
                keys=("member_id",),
                overwritten=("occupation",),
            ),
            Upsert(
                _table(FigureVoidRow),
                [{"entity_id": e, "counted": c} for e, c in sorted(tally.voids.items())],
                keys=("entity_id",),
                overwritten=("counted",),
            ),
            Upsert(
                _table(FigureAttendanceRow),
                [
                    {
                        "session_id": r.session_id,
                        "member_id": r.member_id,
                        "mark_id": r.mark_id,
                        "status": r.status,
                        "station_id": r.station_id,
                        "course_id": r.course_id,
                        "day": r.day,
                    }
                    for _, r in sorted(tally.attendance.items())
                ],
                keys=("session_id", "member_id"),
                overwritten=attendance_columns,
            ),
        ],
        later=True,  # read again only by the next push's projection
    )


def _table(row: type[Any]) -> Table:
    return row.__table__  # type: ignore[no-any-return]
