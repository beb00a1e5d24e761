"""The station's monthly report (月报 / 台账): who came, how often, for what, and when.

The visits of the period are read once, in station-day order from the covering index
``ix_visit_report`` (migration 0007), and counted here; a month among a million visits
takes about a second on a busy 2-core machine. Voided visits are left out (their number
is shown). Definitions, as the report prints them:

- people: distinct members, plus each anonymous visit (an unregistered visitor cannot be
  told apart from the next one);
- returning visitors (回头客): members who came on more than one day of the period; their
  share is of the distinct members who came;
- visitors by occupation: the member's occupation, or the one noted for an anonymous visit;
- new members: registered at this station in the period; cards printed: prints and
  reprints of member cards in the period.
"""

from __future__ import annotations

import calendar
import json
import os
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput
from desktop.domain.report import DayFigures, MonthlyReport, Tally
from desktop.i18n import tr
from desktop.printing.monthly_report import summary_lines
from desktop.services.reports.exports import check_range
from desktop.services.reports.spreadsheets import Table, write_tables
from desktop.storage.uow import UnitOfWork


def parse_month(text_value: str) -> tuple[date, date]:
    """``2025-03`` (or ``2025-3``, ``2025年3月``) -> its first and last day."""
    cleaned = text_value.strip().replace("年", "-").replace("月", "").replace("/", "-")
    try:
        year_text, month_text = cleaned.split("-")
        year, month = int(year_text), int(month_text)
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput("report.bad_month", field="month", text=text_value[:20]) from None
    return first, date(year, month, calendar.monthrange(year, month)[1])


def _utc_bound(day: date) -> str:
    """The UTC moment at which the station's local ``day`` begins."""
    return to_iso(datetime.combine(day, time()).astimezone())


def period_title(start: date, end: date) -> str:
    last = calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and end == date(start.year, start.month, last):
        return tr("report.title_month", year=start.year, month=start.month)
    return tr("report.title_range", start=start.isoformat(), end=end.isoformat())


class _Tally:
    """Visits and distinct people of one service, occupation or tag, as rows are read."""

    __slots__ = ("anonymous", "members", "visits")

    def __init__(self) -> None:
        self.visits = 0
        self.anonymous = 0
        self.members: set[str] = set()

    def add(self, member_id: str | None) -> None:
        self.visits += 1
        if member_id is None:
            self.anonymous += 1
        else:
            self.members.add(member_id)

    def add_member(self, member_id: str, visits: int) -> None:
        self.visits += visits
        self.members.add(member_id)


def _tally(tallies: dict[str, _Tally], key: str) -> _Tally:
    found = tallies.get(key)
    if found is None:
        found = tallies[key] = _Tally()
    return found


def monthly_report(uow: UnitOfWork, start: date, end: date) -> MonthlyReport:
    """Figures of the period: one range scan over the visits, counted here.

    One pass instead of one aggregate query per table: each query would walk the same
    visits again (and probe the void table for each), which took seconds at a million.
    """
    check_range(start, end)
    bounds = {"start": start.isoformat(), "end": end.isoformat()}
    per_day: dict[str, list[Any]] = {}  # day -> [visits, members set, anonymous]
    member_seen: dict[str, list[Any]] = {}  # id -> [visits, days, occupation, tags]
    services: dict[str, _Tally] = {}
    occupations: dict[str, _Tally] = {}
    tags: dict[str, _Tally] = {}
    hours = [0] * 24
    anonymous = 0
    json_cache: dict[str, list[str]] = {}
    hour_cache: dict[str, int] = {}

    def listed(raw: str | None) -> list[str]:
        if not raw:
            return []
        found = json_cache.get(raw)
        if found is None:
            found = json_cache[raw] = [str(v) for v in json.loads(raw)]
        return found

    with uow.reading():
        run = uow.session.execute
        station = uow.device.get()
        rows = run(
            text(
                "SELECT v.local_date, v.member_id, substr(v.device_time, 1, 13), v.services, "
                "coalesce(v.occupation, m.occupation, ''), m.tags "
                "FROM visit v LEFT JOIN member m ON m.id = v.member_id "
                "WHERE v.local_date BETWEEN :start AND :end "
                # By rowid, which ix_visit_report carries: the visit table is not read.
                "AND v.rowid NOT IN (SELECT w.rowid FROM visit_void x "
                "JOIN visit w ON w.id = x.visit_id)"
            ),
            bounds,
        )
        # Per visit only what varies by visit; occupation and tags once per member after.
        for day, member_id, utc_hour, used, occupation, member_tags in rows:
            figures = per_day.get(day)
            if figures is None:
                figures = per_day[day] = [0, set(), 0]
            figures[0] += 1
            if member_id is None:
                figures[2] += 1
                anonymous += 1
                _tally(occupations, occupation).add(None)
            else:
                figures[1].add(member_id)
                seen = member_seen.get(member_id)
                if seen is None:
                    seen = member_seen[member_id] = [0, set(), occupation, member_tags]
                seen[0] += 1
                seen[1].add(day)
            for code in listed(used):
                _tally(services, code).add(member_id)
            hour = hour_cache.get(utc_hour)
            if hour is None:
                moment = datetime.fromisoformat(utc_hour + ":00:00+00:00")
                hour = hour_cache[utc_hour] = moment.astimezone().hour
            hours[hour] += 1
        for member_id, (count, _days, occupation, member_tags) in member_seen.items():
            _tally(occupations, occupation).add_member(member_id, count)
            for tag in listed(member_tags):
                _tally(tags, tag).add_member(member_id, count)
        voided = run(
            text(
                "SELECT count(*) FROM visit v JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date BETWEEN :start AND :end"
            ),
            bounds,
        ).scalar_one()
        moments = {"a": _utc_bound(start), "b": _utc_bound(end + timedelta(days=1))}
        new_members = run(
            text(
                "SELECT count(*) FROM member WHERE from_card = 0 "
                "AND device_time >= :a AND device_time < :b"
            ),
            moments,
        ).scalar_one()
        cards_printed = run(
            text(
                "SELECT count(*) FROM card_event WHERE kind IN ('printed', 'reprinted') "
                "AND device_time >= :a AND device_time < :b"
            ),
            moments,
        ).scalar_one()
        made_at = uow.now().astimezone()
    days = []
    day = start
    while day <= end:
        n, people, anon = per_day.get(day.isoformat(), (0, (), 0))
        days.append(DayFigures(day.isoformat(), n, len(people) + anon))
        day += timedelta(days=1)
    members_visiting = len(member_seen)
    returning = sum(1 for seen in member_seen.values() if len(seen[1]) > 1)
    visits = sum(figures[0] for figures in per_day.values())
    return MonthlyReport(
        station=station.station.name if station else "",
        union=station.station.union_name if station else "",
        start=start.isoformat(),
        end=end.isoformat(),
        title=period_title(start, end),
        visits=visits,
        people=members_visiting + anonymous,
        members_visiting=members_visiting,
        anonymous=anonymous,
        returning=returning,
        returning_share=returning / members_visiting if members_visiting else 0.0,
        voided=int(voided),
        new_members=int(new_members),
        cards_printed=int(cards_printed),
        days=tuple(days),
        services=_tallies(services, lambda code: tr("service." + code)),
        occupations=_tallies(occupations, lambda o: o or tr("report.not_given")),
        tags=_tallies(tags, lambda tag: tag),
        hours=tuple(hours),
        made_at=made_at.strftime("%Y-%m-%d %H:%M"),
    )


def _tallies(found: dict[str, _Tally], label: Callable[[str], str]) -> tuple[Tally, ...]:
    tallies = [
        Tally(key, label(key), t.visits, len(t.members) + t.anonymous) for key, t in found.items()
    ]
    return tuple(sorted(tallies, key=lambda t: (-t.visits, t.label)))


def report_tables(report: MonthlyReport) -> list[Table]:
    caption = f"{report.station}  {report.title}"
    visits_h, people_h = tr("report.col_visits"), tr("report.col_people")
    return [
        Table(
            tr("report.sheet_summary"),
            [tr("report.col_item"), tr("report.col_value")],
            [*summary_lines(report), (tr("report.made_at"), report.made_at)],
            caption,
        ),
        Table(
            tr("report.sheet_days"),
            [tr("report.col_day"), visits_h, people_h],
            [(d.day, d.visits, d.people) for d in report.days],
            caption,
        ),
        Table(
            tr("report.sheet_services"),
            [tr("report.col_service"), visits_h, people_h],
            [(t.label, t.visits, t.people) for t in report.services],
            caption,
        ),
        Table(
            tr("report.sheet_occupations"),
            [tr("report.col_occupation"), visits_h, people_h],
            [(t.label, t.visits, t.people) for t in report.occupations],
            caption,
        ),
        Table(
            tr("report.sheet_tags"),
            [tr("report.col_tag"), visits_h, people_h],
            [(t.label, t.visits, t.people) for t in report.tags],
            caption,
        ),
        Table(
            tr("report.sheet_hours"),
            [tr("report.col_hour"), visits_h],
            [(f"{h:02d}:00–{h:02d}:59", n) for h, n in enumerate(report.hours)],
            caption,
        ),
    ]


def write_report(report: MonthlyReport, out: str | os.PathLike[str]) -> Path:
    """The report as .xlsx (one sheet per table) or .pdf, by the file's suffix."""
    target = Path(out).expanduser()
    if target.suffix.lower() == ".pdf":
        from desktop.printing.monthly_report import monthly_report_pdf

        return _write_bytes(target, monthly_report_pdf(report))
    if target.suffix.lower() != ".xlsx":
        raise InvalidInput("report.out_format", field="out", path=target.name[:100])
    return write_tables(target, report_tables(report))


def _write_bytes(target: Path, data: bytes) -> Path:
    if target.is_dir():
        raise InvalidInput("sheet.out_is_folder", field="out", path=str(target)[:200])
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise InvalidInput("sheet.out_unwritable", field="out", path=str(target)[:200]) from None
    return target
