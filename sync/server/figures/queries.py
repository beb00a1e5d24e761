"""What the console pages read: sums over the projection tables, never the event log.

The stations are given by the caller (the page knows which ones its reader may see); a
month is ``YYYY-MM`` and its days are the stations' local days.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.server.figures.projection import local_day
from sync.server.figures.tables import (
    DAY_COLUMNS,
    FigureCampaignRow,
    FigureCourseRow,
    FigureDayRow,
    FigureMonthRow,
    FigureOccupationRow,
    FigureServiceRow,
)

# The month report's columns, in order (a subset of the day's figures).
MONTH_COLUMNS = (
    "visits",
    "members",
    "cards_issued",
    "cards_printed",
    "certificates",
    "handouts",
    "attendance",
)


NAMED_MOST = 30


def today(now: datetime) -> str:
    return local_day(now)


def month_days(month: str) -> tuple[str, str]:
    """The first and last day of ``YYYY-MM``; ValueError if it is no month."""
    if len(month) != 7 or month[4] != "-":
        raise ValueError(month)
    year, number = int(month[:4]), int(month[5:])
    if not (2000 <= year <= 2100 and 1 <= number <= 12):
        raise ValueError(month)
    last = calendar.monthrange(year, number)[1]
    return f"{month}-01", f"{month}-{last:02d}"


def shifted(month: str, by: int) -> str:
    year, number = int(month[:4]), int(month[5:]) - 1 + by
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


@dataclass(frozen=True)
class Glance:
    """A station's visits today and this month (the stations list's columns)."""

    today: int = 0
    month: int = 0


def glances(session: Session, station_ids: Sequence[str] | None, day: str) -> dict[str, Glance]:
    """Visits today and in the month so far, per station (``None``: every station): one
    row per station from ``figure_day`` (that day) and one from ``figure_month``."""
    on_day = select(FigureDayRow.station_id, FigureDayRow.visits).where(FigureDayRow.day == day)
    in_month = select(FigureMonthRow.station_id, FigureMonthRow.visits).where(
        FigureMonthRow.month == day[:7]
    )
    if station_ids is not None:
        wanted = list(station_ids)
        on_day = on_day.where(FigureDayRow.station_id.in_(wanted))
        in_month = in_month.where(FigureMonthRow.station_id.in_(wanted))
    today_visits = {station: int(n or 0) for station, n in session.execute(on_day)}
    month_visits = {station: int(n or 0) for station, n in session.execute(in_month)}
    return {
        station: Glance(today_visits.get(station, 0), month_visits.get(station, 0))
        for station in set(today_visits) | set(month_visits)
    }


@dataclass(frozen=True)
class DayFigures:
    day: str
    values: dict[str, int]


@dataclass(frozen=True)
class Named:
    name: str
    count: int


@dataclass(frozen=True)
class CourseFigures:
    course_id: str
    title: str
    attendance: int
    certified: int


@dataclass(frozen=True)
class StationFigures:
    month: str
    days: list[DayFigures]  # every day of the month, in order (zeros included)
    totals: dict[str, int]
    services: list[Named]  # the month's, most first
    occupations: list[Named]
    campaigns: list[Named]  # all time, at this station
    courses: list[CourseFigures]


def station_figures(session: Session, station_id: str, month: str) -> StationFigures:
    first, last = month_days(month)
    rows = {
        row.day: row
        for row in session.scalars(
            select(FigureDayRow).where(
                FigureDayRow.station_id == station_id,
                FigureDayRow.day >= first,
                FigureDayRow.day <= last,
            )
        )
    }
    days = []
    for number in range(1, int(last[-2:]) + 1):
        day = f"{month}-{number:02d}"
        row = rows.get(day)
        days.append(DayFigures(day, {c: int(getattr(row, c)) if row else 0 for c in DAY_COLUMNS}))
    totals = {c: sum(d.values[c] for d in days) for c in DAY_COLUMNS}
    return StationFigures(
        month=month,
        days=days,
        totals=totals,
        services=_named(session, FigureServiceRow, FigureServiceRow.service, station_id, month),
        occupations=_named(
            session, FigureOccupationRow, FigureOccupationRow.occupation, station_id, month
        ),
        campaigns=[
            Named(name or campaign_id[:8], int(handouts))
            for campaign_id, name, handouts in session.execute(
                select(
                    FigureCampaignRow.campaign_id,
                    FigureCampaignRow.name,
                    FigureCampaignRow.handouts,
                )
                .where(FigureCampaignRow.station_id == station_id)
                .order_by(FigureCampaignRow.handouts.desc(), FigureCampaignRow.name)
                .limit(50)
            )
        ],
        courses=[
            CourseFigures(row.course_id, row.title, row.attendance, row.certified)
            for row in session.scalars(
                select(FigureCourseRow)
                .where(FigureCourseRow.station_id == station_id)
                .order_by(FigureCourseRow.title, FigureCourseRow.course_id)
                .limit(50)
            )
        ],
    )


def _named(
    session: Session,
    table: type[FigureServiceRow] | type[FigureOccupationRow],
    column: Any,
    station_id: str,
    month: str,
) -> list[Named]:
    first, last = month_days(month)
    total = func.sum(table.visits)
    query = (
        select(column, total)
        .where(table.station_id == station_id, table.day >= first, table.day <= last)
        .group_by(column)
        .having(total != 0)
        .order_by(total.desc(), column)
        .limit(NAMED_MOST)  # a desk may send any service or occupation text
    )
    return [Named(str(name), int(count)) for name, count in session.execute(query)]


@dataclass(frozen=True)
class MonthRow:
    station_id: str
    name: str
    values: dict[str, int]


@dataclass(frozen=True)
class MonthReport:
    """汇总月报: every station side by side, with totals."""

    month: str
    title: str  # the union's name, or the whole district's
    rows: list[MonthRow]
    totals: dict[str, int] = field(default_factory=dict)


def month_report(
    session: Session, stations: Sequence[tuple[str, str]], month: str, title: str
) -> MonthReport:
    """``stations``: (id, name) in the order shown; each gets a row, zeros included."""
    columns = [getattr(FigureMonthRow, c) for c in MONTH_COLUMNS]
    query = select(FigureMonthRow.station_id, *columns).where(FigureMonthRow.month == month)
    wanted = [station_id for station_id, _ in stations]
    if len(wanted) < 200:  # a union's few stations: by their keys
        query = query.where(FigureMonthRow.station_id.in_(wanted))
    found = {
        station: dict(zip(MONTH_COLUMNS, (int(v or 0) for v in values), strict=True))
        for station, *values in session.execute(query)
    }
    zero = dict.fromkeys(MONTH_COLUMNS, 0)
    rows = [MonthRow(sid, name, found.get(sid, zero)) for sid, name in stations]
    totals = {c: sum(r.values[c] for r in rows) for c in MONTH_COLUMNS}
    return MonthReport(month, title, rows, totals)


def this_month(day: str) -> str:
    return day[:7]


def valid_month(text: str | None, default: str) -> str:
    """The month asked for, or ``default`` when none or not a month."""
    if not text:
        return default
    try:
        month_days(text)
    except ValueError:
        return default
    return text


def is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
