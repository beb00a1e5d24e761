"""Per-day tallies of visits (`VisitTallyRow`, table ``visit_tally``): what the monthly report
sums instead of counting a year of visits again.

A standing visit (one not voided) counts once in ``visits`` of its station day, once in the
``hour`` of its local time, once per service it used; an anonymous one also in
``anonymous``, ``service_anonymous`` and ``occupation_anonymous``. ``people`` counts the
members with at least one standing visit that day. A void takes all of that back and counts
in ``voided``. `VisitRepository` keeps the tallies with every visit and void it adds;
`rebuild` makes them from the visits themselves, for data written with plain SQL (benches)
and as the check the tests hold the running tallies to; `count_bulk` adds what a bulk
writer (the demo generator) counted itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from enum import StrEnum

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop.domain.clock import parse_stored


class Kind(StrEnum):
    VISITS = "visits"
    ANONYMOUS = "anonymous"
    PEOPLE = "people"
    VOIDED = "voided"
    HOUR = "hour"
    SERVICE = "service"
    SERVICE_ANONYMOUS = "service_anonymous"
    OCCUPATION_ANONYMOUS = "occupation_anonymous"


# Kinds that are figures of each day (the rest are summed over a period).
DAILY = (Kind.VISITS, Kind.ANONYMOUS, Kind.PEOPLE)

_BUMP = text(
    "INSERT INTO visit_tally (local_date, kind, key, visits) VALUES (:day, :kind, :key, :n) "
    "ON CONFLICT (local_date, kind, key) DO UPDATE SET visits = visits + excluded.visits"
)

# Another standing visit of the member on that day, besides this one.
_OTHER_STANDING = text(
    "SELECT 1 FROM visit v WHERE v.local_date = :day AND v.member_id = :member "
    "AND v.id != :visit AND NOT EXISTS (SELECT 1 FROM visit_void x WHERE x.visit_id = v.id) "
    "LIMIT 1"
)


def lines(
    day: str,
    device_time: str,
    member_id: str | None,
    occupation: str | None,
    services: str | None,
) -> Iterator[tuple[Kind, str]]:
    """The tallies one standing visit counts in, except ``people`` (which depends on the
    member's other visits that day)."""
    hour = parse_stored(device_time).astimezone().hour
    return lines_at(hour, member_id is None, occupation, services)


def lines_at(
    hour: int, anonymous: bool, occupation: str | None, services: str | None
) -> Iterator[tuple[Kind, str]]:
    """`lines` of a visit at this local ``hour``: what bulk writers that know the hour
    already (`count_bulk`'s callers) look up once per kind of visit."""
    try:
        codes = json.loads(services or "[]")
    except (TypeError, ValueError):
        codes = []
    codes = [c for c in codes if isinstance(c, str)] if isinstance(codes, list) else []
    yield Kind.VISITS, ""
    yield Kind.HOUR, f"{hour:02d}"
    for code in codes:
        yield Kind.SERVICE, code
    if anonymous:
        yield Kind.ANONYMOUS, ""
        yield Kind.OCCUPATION_ANONYMOUS, occupation or ""
        for code in codes:
            yield Kind.SERVICE_ANONYMOUS, code


def count(
    session: Session,
    visit_id: str,
    day: str,
    device_time: str,
    member_id: str | None,
    occupation: str | None,
    services: str | None,
    sign: int,
) -> None:
    """Count a visit in (``sign`` 1, as it is recorded) or out (-1, as it is voided)."""
    bumps = [
        {"day": day, "kind": kind.value, "key": key, "n": sign}
        for kind, key in lines(day, device_time, member_id, occupation, services)
    ]
    if member_id is not None:
        other = session.execute(
            _OTHER_STANDING, {"day": day, "member": member_id, "visit": visit_id}
        ).first()
        if other is None:
            bumps.append({"day": day, "kind": Kind.PEOPLE.value, "key": "", "n": sign})
    if sign < 0:
        bumps.append({"day": day, "kind": Kind.VOIDED.value, "key": "", "n": 1})
    session.execute(_BUMP, bumps)


# What `count_bulk` adds to the tallies: (local_date, kind, key, visits) per row.
BUMP_ROWS = (
    "INSERT INTO visit_tally (local_date, kind, key, visits) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (local_date, kind, key) DO UPDATE SET visits = visits + excluded.visits"
)


def count_bulk(cursor: sqlite3.Cursor, counts: Mapping[tuple[str, str, str], int]) -> None:
    """Add ``counts`` ((local_date, kind, key) -> visits) to the tallies in the cursor's
    transaction: for bulk writers (the demo data) that tallied the standing visits they
    wrote themselves, `lines_at` for each and ``people`` once per member and day, counting
    only members without a visit stored on that day before."""
    cursor.executemany(BUMP_ROWS, [(*line, n) for line, n in counts.items()])


# The same tallies of the days :first..:last made from the visits in one statement
# (set-based). Migration 0009 holds a frozen copy of it.
REBUILD_SQL = """
INSERT INTO visit_tally (local_date, kind, key, visits)
WITH v AS MATERIALIZED (
    SELECT local_date, member_id, device_time, services, occupation FROM visit
    WHERE local_date BETWEEN :first AND :last
        AND rowid NOT IN (SELECT w.rowid FROM visit_void x JOIN visit w ON w.id = x.visit_id)
),
anonymous AS MATERIALIZED (SELECT * FROM v WHERE member_id IS NULL),
codes AS MATERIALIZED (
    SELECT s.services, j.value AS code
    FROM (SELECT DISTINCT services FROM v) s, json_each(s.services) j
    WHERE json_valid(s.services) AND json_type(s.services) = 'array' AND j.type = 'text'
),
days AS MATERIALIZED (
    SELECT local_date, count(*) AS visits, count(*) - count(member_id) AS anonymous,
        count(DISTINCT member_id) AS people
    FROM v GROUP BY local_date
)
SELECT local_date, 'visits', '', visits FROM days
UNION ALL
SELECT local_date, 'anonymous', '', anonymous FROM days WHERE anonymous > 0
UNION ALL
SELECT local_date, 'people', '', people FROM days WHERE people > 0
UNION ALL
SELECT local_date, 'hour', strftime('%H', device_time, 'localtime') AS hh, count(*) FROM v
    GROUP BY local_date, hh
UNION ALL
SELECT v.local_date, 'service', c.code, count(*) FROM v JOIN codes c ON c.services = v.services
    GROUP BY v.local_date, c.code
UNION ALL
SELECT a.local_date, 'service_anonymous', c.code, count(*)
    FROM anonymous a JOIN codes c ON c.services = a.services GROUP BY a.local_date, c.code
UNION ALL
SELECT local_date, 'occupation_anonymous', coalesce(occupation, '') AS o, count(*)
    FROM anonymous GROUP BY local_date, o
UNION ALL
-- the voids first (CROSS JOIN keeps that order): a few, where the visits are many
SELECT w.local_date, 'voided', '', count(*) FROM visit_void x CROSS JOIN visit w
    ON w.id = x.visit_id WHERE w.local_date BETWEEN :first AND :last GROUP BY w.local_date
"""
# Rebuilding the days :first..:last: these two statements in one transaction (named
# parameters, so that a plain sqlite3 cursor runs them as they are).
REBUILD_STATEMENTS = (
    "DELETE FROM visit_tally WHERE local_date BETWEEN :first AND :last",
    REBUILD_SQL,
)
EVERY_DAY = {"first": "0000-01-01", "last": "9999-12-31"}


def rebuild(connection: Connection | Session, first: str = "", last: str = "") -> None:
    """Make the tallies of the days ``first``..``last`` (every day if not given) again from
    the visits and voids, in the caller's transaction."""
    days = {"first": first or EVERY_DAY["first"], "last": last or EVERY_DAY["last"]}
    for statement in REBUILD_STATEMENTS:
        connection.execute(text(statement), days)
