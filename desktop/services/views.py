"""Read-side queries for screens and the command line: plain rows, no ORM graphs.

Search-as-you-type must answer within a few milliseconds at 200,000 members, so every
query here is an index range scan with a LIMIT.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text

from desktop.domain.clock import local_date
from desktop.domain.errors import InvalidInput
from desktop.domain.model import Member, TodaySummary, Visit
from desktop.domain.people import normalise_digits, normalise_phone
from desktop.domain.pinyin import query_key
from desktop.storage.uow import UnitOfWork

SEARCH_LIMIT = 20
FILTER_LIMIT = 500  # the member list shows at most this many matches of a filter


def search_members(uow: UnitOfWork, typed: str, limit: int = SEARCH_LIMIT) -> list[Member]:
    """Members matching what a person typed: phone tail, phone, member number, name, pinyin.

    Exact phone-tail and phone matches come first, then search keys in key order (an exact
    key sorts before its longer completions).
    """
    digits = normalise_digits(typed).replace(" ", "").replace("-", "")
    key = query_key(typed)
    if not key:
        return []
    phone = _full_phone(typed) if len(digits) >= 11 else None
    ids: list[str] = []
    with uow.reading():
        connection = uow.session.connection()
        if phone:
            ids += connection.execute(
                text("SELECT id FROM member WHERE phone = :p AND merged_into IS NULL LIMIT :n"),
                {"p": phone, "n": limit},
            ).scalars()
        elif digits.isdigit() and len(digits) == 4:
            ids += connection.execute(
                text(
                    "SELECT id FROM member WHERE phone_tail = :t AND merged_into IS NULL LIMIT :n"
                ),
                {"t": digits, "n": limit},
            ).scalars()
        ids += connection.execute(
            text(
                "SELECT member_id FROM member_search_key WHERE key >= :lo AND key < :hi "
                "ORDER BY key LIMIT :n"
            ),
            {"lo": key, "hi": key + "\U0010ffff", "n": limit * 3},
        ).scalars()
        ordered = list(dict.fromkeys(ids))[:limit]
        return uow.members.many(ordered)


def _full_phone(typed: str) -> str | None:
    """A complete mobile number in any accepted spelling (+86, spaces, full-width)."""
    try:
        return normalise_phone(typed)
    except InvalidInput:
        return None


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
        return uow.visits.count_standing_for(member_id)


# --- the member list: an id index kept in memory, rows fetched a page at a time -----------

MEMBER_SORTS = {
    "member_number": "member_number",
    "name": "name_sort",
    "phone": "phone",
    "occupation": "occupation",
    "registered": "device_time",
    "active": "active",
}


@dataclass(frozen=True)
class MemberRow:
    id: str
    member_number: str
    name: str
    phone: str | None
    occupation: str
    employer: str
    tags: tuple[str, ...]
    active: bool
    registered_at: str


def member_ids(
    uow: UnitOfWork, sort: str = "registered", descending: bool = False, typed: str = ""
) -> list[str]:
    """Ids of all members in display order, or of those matching ``typed``."""
    if typed.strip():
        return [m.id for m in search_members(uow, typed, limit=FILTER_LIMIT)]
    column = MEMBER_SORTS.get(sort, "device_time")
    direction = "DESC" if descending else "ASC"
    with uow.reading():
        return list(
            uow.session.execute(
                text(
                    "SELECT id FROM member WHERE merged_into IS NULL "
                    f"ORDER BY {column} {direction}, id"
                )
            ).scalars()
        )


def member_rows(uow: UnitOfWork, ids: list[str]) -> dict[str, MemberRow]:
    if not ids:
        return {}
    with uow.reading():
        rows = uow.session.execute(
            text(
                "SELECT id, member_number, name, phone, occupation, employer, tags, active, "
                "device_time FROM member WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(ids)},
        ).all()
    return {
        row[0]: MemberRow(
            id=row[0],
            member_number=row[1],
            name=row[2],
            phone=row[3],
            occupation=row[4],
            employer=row[5],
            tags=tuple(json.loads(row[6])),
            active=bool(row[7]),
            registered_at=row[8],
        )
        for row in rows
    }
