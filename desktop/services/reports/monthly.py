"""The station's monthly report (月报 / 台账): who came, how often, for what, and when.

The figures are counted by SQLite in one statement: the period's visits are read once from
the covering index ``ix_visit_report`` (migration 0007) into a materialised table, and every
breakdown is a GROUP BY over it (json_each for services and tags); Python only labels the
rows. A month of 85,000 visits among a million, and a whole year, are counted without a
Python loop over the visits (``python -m bench.monthly_report``). Voided visits are left out
(their number is shown).

What it covers: this station's own records. A desk also holds members and card events that
other stations made and it pulled; new members and printed cards are counted only where this
station made them. Visits are never pulled (each desk records its own), so every visit in the
desk's database is this station's. Definitions, as the report prints them:

- people: distinct members, plus each anonymous visit (an unregistered visitor cannot be
  told apart from the next one);
- returning visitors (回头客): members who came on more than one day of the period; their
  share is of the distinct members who came;
- visitors by occupation: the member's occupation, or the one noted for an anonymous visit;
- new members: registered at this station in the period; cards printed: prints and
  reprints of member cards at this station in the period.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import text

from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput
from desktop.domain.report import DayFigures, MonthlyReport, Tally
from desktop.i18n import tr
from desktop.services.reports.exports import check_range
from desktop.services.reports.spreadsheets import Percent, Table, write_tables
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


# Every breakdown of the period in one statement: (kind, key, visits, people, extra).
# ``v`` is the period's visits, voids left out (by rowid, which ix_visit_report carries, so
# the visit table itself is not read); ``pm`` one row per member who came, with the
# member's occupation and tags read once per member rather than once per visit.
_FIGURES_SQL = """
WITH v AS MATERIALIZED (
    SELECT local_date AS day, member_id, substr(device_time, 1, 13) AS utc_hour, services,
        coalesce(occupation, '') AS occupation
    FROM visit
    WHERE local_date BETWEEN :start AND :end
        AND rowid NOT IN (SELECT w.rowid FROM visit_void x JOIN visit w ON w.id = x.visit_id)
),
pm AS MATERIALIZED (
    SELECT p.member_id, p.visits, p.came_again, coalesce(m.occupation, '') AS occupation,
        coalesce(m.tags, '[]') AS tags
    FROM (
        SELECT member_id, count(*) AS visits, min(day) < max(day) AS came_again
        FROM v WHERE member_id IS NOT NULL GROUP BY member_id
    ) p LEFT JOIN member m ON m.id = p.member_id
),
-- A few distinct lists of services and of tags: each is parsed once, not once a row.
service_codes AS MATERIALIZED (
    SELECT s.services, j.value AS code
    FROM (SELECT DISTINCT services FROM v) s, json_each(s.services) j
    WHERE json_valid(s.services)
),
tag_names AS MATERIALIZED (
    SELECT t.tags, j.value AS tag
    FROM (SELECT DISTINCT tags FROM pm) t, json_each(t.tags) j
    WHERE json_valid(t.tags)
)
SELECT 'day', day, count(*), count(DISTINCT member_id) + count(*) - count(member_id), 0
    FROM v GROUP BY day
UNION ALL
SELECT 'hour', utc_hour, count(*), 0, 0 FROM v GROUP BY utc_hour
UNION ALL
SELECT 'service', code, sum(n), count(member_id) + sum(iif(member_id IS NULL, n, 0)), 0
    FROM (  -- one sort by (code, member) rather than a sort and a distinct set per code
        SELECT c.code, v.member_id, count(*) AS n
        FROM v JOIN service_codes c ON c.services = v.services GROUP BY c.code, v.member_id
    ) GROUP BY code
UNION ALL
SELECT 'occupation', occupation, sum(visits), count(*), 0 FROM (
    SELECT occupation, visits FROM pm
    UNION ALL SELECT occupation, 1 FROM v WHERE member_id IS NULL
) GROUP BY occupation
UNION ALL
SELECT 'tag', t.tag, sum(pm.visits), count(*), 0
    FROM pm JOIN tag_names t ON t.tags = pm.tags GROUP BY t.tag
UNION ALL
SELECT 'members', '', count(*), sum(came_again), 0 FROM pm
UNION ALL
SELECT 'anonymous', '', count(*) - count(member_id), 0, 0 FROM v
"""


def _local_hours(utc_hours: Iterable[tuple[str, int]]) -> tuple[int, ...]:
    """Visits per hour of the station's day, from visits per UTC hour (``2026-03-01T08``)."""
    hours = [0] * 24
    for utc_hour, visits in utc_hours:
        moment = datetime.fromisoformat(utc_hour + ":00:00+00:00")
        hours[moment.astimezone().hour] += visits
    return tuple(hours)


def monthly_report(uow: UnitOfWork, start: date, end: date) -> MonthlyReport:
    """This station's figures of the period, counted by SQL aggregation."""
    check_range(start, end)
    bounds = {"start": start.isoformat(), "end": end.isoformat()}
    groups: dict[str, list[tuple[str, int, int]]] = {}
    totals: dict[str, tuple[int, int]] = {}
    with uow.reading():
        run = uow.session.execute
        device = uow.device.get()
        station_id = device.station.id if device else ""
        for kind, key, visits, people, _extra in run(text(_FIGURES_SQL), bounds):
            if kind in ("members", "anonymous"):
                totals[kind] = (int(visits or 0), int(people or 0))
            else:
                groups.setdefault(kind, []).append((str(key), int(visits), int(people)))
        voided = run(
            text(
                "SELECT count(*) FROM visit v JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date BETWEEN :start AND :end"
            ),
            bounds,
        ).scalar_one()
        moments = {
            "a": _utc_bound(start),
            "b": _utc_bound(end + timedelta(days=1)),
            "station": station_id,
        }
        new_members = run(
            text(
                "SELECT count(*) FROM member WHERE from_card = 0 AND station_id = :station "
                "AND device_time >= :a AND device_time < :b"
            ),
            moments,
        ).scalar_one()
        cards_printed = run(
            text(
                "SELECT count(*) FROM card_event WHERE kind IN ('printed', 'reprinted') "
                "AND station_id = :station AND device_time >= :a AND device_time < :b"
            ),
            moments,
        ).scalar_one()
        made_at = uow.now().astimezone()
    per_day = {day: (visits, people) for day, visits, people in groups.get("day", [])}
    days = []
    day = start
    while day <= end:
        visits, people = per_day.get(day.isoformat(), (0, 0))
        days.append(DayFigures(day.isoformat(), visits, people))
        day += timedelta(days=1)
    members_visiting, returning = totals.get("members", (0, 0))
    anonymous = totals.get("anonymous", (0, 0))[0]
    return MonthlyReport(
        station=device.station.name if device else "",
        union=(device.station.union_name or "") if device else "",
        start=start.isoformat(),
        end=end.isoformat(),
        title=period_title(start, end),
        visits=sum(d.visits for d in days),
        people=members_visiting + anonymous,
        members_visiting=members_visiting,
        anonymous=anonymous,
        returning=returning,
        returning_share=returning / members_visiting if members_visiting else 0.0,
        voided=int(voided),
        new_members=int(new_members),
        cards_printed=int(cards_printed),
        days=tuple(days),
        services=_tallies(groups.get("service", []), lambda code: tr("service." + code)),
        occupations=_tallies(groups.get("occupation", []), lambda o: o or tr("report.not_given")),
        tags=_tallies(groups.get("tag", []), lambda tag: tag),
        hours=_local_hours((h, n) for h, n, _ in groups.get("hour", [])),
        made_at=made_at.strftime("%Y-%m-%d %H:%M"),
    )


def _tallies(found: list[tuple[str, int, int]], label: Callable[[str], str]) -> tuple[Tally, ...]:
    tallies = [Tally(key, label(key), visits, people) for key, visits, people in found]
    return tuple(sorted(tallies, key=lambda t: (-t.visits, t.label)))


def summary_values(report: MonthlyReport) -> list[tuple[str, object]]:
    """The headline figures for a workbook: numbers as numbers, the share as a percentage,
    the time it was made as a time, and what the report covers."""
    return [
        (tr("report.visits"), report.visits),
        (tr("report.people"), report.people),
        (tr("report.members_visiting"), report.members_visiting),
        (tr("report.anonymous"), report.anonymous),
        (tr("report.returning_members"), report.returning),
        (tr("report.returning_share"), Percent(report.returning_share)),
        (tr("report.new_members"), report.new_members),
        (tr("report.cards_printed"), report.cards_printed),
        (tr("report.voided"), report.voided),
        (tr("report.made_at"), datetime.strptime(report.made_at, "%Y-%m-%d %H:%M")),
        (tr("report.scope_short"), tr("report.scope", station=report.station)),
    ]


def report_tables(report: MonthlyReport) -> list[Table]:
    caption = f"{report.station}  {report.title}"
    visits_h, people_h = tr("report.col_visits"), tr("report.col_people")
    return [
        Table(
            tr("report.sheet_summary"),
            [tr("report.col_item"), tr("report.col_value")],
            summary_values(report),
            caption,
        ),
        Table(
            tr("report.sheet_days"),
            [tr("report.col_day"), visits_h, people_h],
            [(date.fromisoformat(d.day), d.visits, d.people) for d in report.days],
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
