"""Read-side queries of visits for screens and the command line: plain rows, no ORM graphs."""

from __future__ import annotations

import json

from sqlalchemy import text

from desktop.domain.clock import local_date
from desktop.domain.model import TodaySummary, Visit
from desktop.storage.uow import UnitOfWork
from desktop.storage.visits.repositories import VisitRepository


def today_summary(uow: UnitOfWork, day: str | None = None) -> TodaySummary:
    """The day's visits not voided: counts, distinct people, anonymous, per service."""
    standing = (
        "FROM visit v LEFT JOIN visit_void x ON x.visit_id = v.id "
        "WHERE v.local_date = :d AND x.id IS NULL"
    )
    with uow.reading():
        day = day or local_date(uow.now())
        visits, members, anonymous = uow.session.execute(
            text(
                "SELECT count(*), count(DISTINCT v.member_id), "
                f"coalesce(sum(v.member_id IS NULL), 0) {standing}"
            ),
            {"d": day},
        ).one()
        per_service = uow.session.execute(
            text(
                "SELECT s.value, count(*) AS n FROM visit v JOIN json_each(v.services) s "
                "LEFT JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date = :d AND x.id IS NULL GROUP BY s.value ORDER BY n DESC, s.value"
            ),
            {"d": day},
        ).all()
    return TodaySummary(
        date=day,
        visits=int(visits),
        people=int(members) + int(anonymous),
        anonymous=int(anonymous),
        per_service={str(service): int(n) for service, n in per_service},
    )


_VISIT_SELECT = (
    "SELECT v.id, v.member_id, m.name, m.member_number, COALESCE(v.occupation, m.occupation), "
    "v.services, v.device_time, COALESCE(o.name, ''), x.id IS NOT NULL, x.reason "
    "FROM visit v LEFT JOIN member m ON m.id = v.member_id "
    "LEFT JOIN operator o ON o.id = v.operator_id "
    "LEFT JOIN visit_void x ON x.visit_id = v.id "
)


def _visit(row: tuple[object, ...]) -> Visit:
    return Visit(
        id=str(row[0]),
        member_id=None if row[1] is None else str(row[1]),
        member_name=None if row[2] is None else str(row[2]),
        member_number=None if row[3] is None else str(row[3]),
        occupation=None if row[4] is None else str(row[4]),
        services=tuple(json.loads(str(row[5]))),
        device_time=str(row[6]),
        operator_name=str(row[7]),
        voided=bool(row[8]),
        void_reason=None if row[9] is None else str(row[9]),
    )


def recent_visits(uow: UnitOfWork, day: str | None = None, limit: int = 50) -> list[Visit]:
    """The day's latest visits first, voided ones included (marked)."""
    with uow.reading():
        day = day or local_date(uow.now())
        rows = uow.session.execute(
            text(_VISIT_SELECT + "WHERE v.local_date = :d ORDER BY v.device_time DESC LIMIT :n"),
            {"d": day, "n": limit},
        ).all()
    return [_visit(tuple(row)) for row in rows]


def visit(uow: UnitOfWork, visit_id: str) -> Visit | None:
    with uow.reading():
        row = uow.session.execute(text(_VISIT_SELECT + "WHERE v.id = :i"), {"i": visit_id}).first()
    return None if row is None else _visit(tuple(row))


def member_visit_count(uow: UnitOfWork, member_id: str) -> int:
    with uow.reading():
        return uow.repo(VisitRepository).count_standing_for(member_id)
