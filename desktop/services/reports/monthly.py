"""The station's monthly report (月报 / 台账): who came, how often, for what, and when.

The figures are counted by SQLite, never by a Python loop over the visits: the per-day
tallies (``visit_tally``, kept with every visit and void; `desktop.storage.visits.tallies`)
give visits and people per day, hours, services and anonymous visitors; one pass over the
period's visits grouped by member (the covering index ``ix_visit_report``) gives what must
count each member once over the whole period: members who came, returning visitors, people
per service, occupation and tag. Python only labels and adds up a few dozen rows.
``python -m bench.monthly_report`` measures a month of 85,000 visits among a million and a
whole year. Voided visits are left out (their number is shown).

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
import json
import os
from collections.abc import Callable
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
from desktop.storage.visits.tallies import Kind


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


# The period's tallies (`desktop.storage.visits.tallies`): the figures of each day, and the
# hours, services and anonymous visitors summed over the period.
_TALLIES_SQL = """
SELECT kind, key, iif(kind IN ('visits', 'anonymous', 'people'), local_date, '') AS day,
    sum(visits)
FROM visit_tally WHERE local_date BETWEEN :start AND :end
GROUP BY kind, key, day
"""

# What needs each member once over the whole period (people are not the sum of the days'
# people): one row per member who came, from the covering index ix_visit_report, with a
# flag per service the member used (`{flags}`: ``max(instr(services, :s0) > 0)``, ...); the
# members are then grouped by occupation and tags, read once per member.
_MEMBERS_SQL = """
WITH pm AS MATERIALIZED (
    SELECT member_id, count(*) AS visits, min(local_date) < max(local_date) AS came_again{flags}
    FROM visit
    WHERE local_date BETWEEN :start AND :end AND member_id IS NOT NULL
        AND rowid NOT IN (SELECT w.rowid FROM visit_void x JOIN visit w ON w.id = x.visit_id)
    GROUP BY member_id
)
SELECT coalesce(m.occupation, '') AS occupation, coalesce(m.tags, '[]') AS tags,
    count(*), sum(pm.visits), sum(pm.came_again){sums}
FROM pm LEFT JOIN member m ON m.id = pm.member_id
GROUP BY 1, 2
"""


def _members_sql(services: list[str]) -> tuple[str, dict[str, str]]:
    """The per-member statement with one flag per service code (bound, never spliced)."""
    names = [f"s{i}" for i in range(len(services))]
    flags = "".join(f", max(instr(services, :{n}) > 0) AS {n}" for n in names)
    sums = "".join(f", sum(pm.{n})" for n in names)
    quoted = {n: json.dumps(code) for n, code in zip(names, services, strict=True)}
    return _MEMBERS_SQL.format(flags=flags, sums=sums), quoted


def monthly_report(uow: UnitOfWork, start: date, end: date) -> MonthlyReport:
    """This station's figures of the period, counted by SQL aggregation."""
    check_range(start, end)
    bounds = {"start": start.isoformat(), "end": end.isoformat()}
    per_day: dict[str, dict[str, int]] = {}
    summed: dict[str, dict[str, int]] = {}
    with uow.reading():
        run = uow.session.execute
        device = uow.device.get()
        station_id = device.station.id if device else ""
        for kind, key, day_text, visits in run(text(_TALLIES_SQL), bounds):
            if day_text:
                per_day.setdefault(str(day_text), {})[str(kind)] = int(visits)
            else:
                summed.setdefault(str(kind), {})[str(key)] = int(visits)
        services = sorted(k for k, n in summed.get(Kind.SERVICE, {}).items() if n > 0)
        members_sql, quoted = _members_sql(services)
        member_groups = run(text(members_sql), {**bounds, **quoted}).all()
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
    days = []
    day = start
    while day <= end:
        figures = per_day.get(day.isoformat(), {})
        anonymous_that_day = figures.get(Kind.ANONYMOUS, 0)
        days.append(
            DayFigures(
                day.isoformat(),
                figures.get(Kind.VISITS, 0),
                figures.get(Kind.PEOPLE, 0) + anonymous_that_day,
            )
        )
        day += timedelta(days=1)
    anonymous = sum(d.get(Kind.ANONYMOUS, 0) for d in per_day.values())
    # Members, by occupation and by tag: (visits, people); services: people.
    occupations: dict[str, list[int]] = {}
    tags: dict[str, list[int]] = {}
    service_people = dict.fromkeys(services, 0)
    members_visiting = returning = 0
    for occupation, tag_list, people, visits, came_again, *flags in member_groups:
        members_visiting += people
        returning += came_again or 0
        _add(occupations, str(occupation), visits, people)
        for tag in _tags(str(tag_list)):
            _add(tags, tag, visits, people)
        for code, used in zip(services, flags, strict=True):
            service_people[code] += used or 0
    for occupation, visits in summed.get(Kind.OCCUPATION_ANONYMOUS, {}).items():
        _add(occupations, occupation, visits, visits)  # each anonymous visit one person
    anonymous_by_service = summed.get(Kind.SERVICE_ANONYMOUS, {})
    hours = summed.get(Kind.HOUR, {})
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
        voided=sum(summed.get(Kind.VOIDED, {}).values()),
        new_members=int(new_members),
        cards_printed=int(cards_printed),
        days=tuple(days),
        services=_tallies(
            [
                (code, summed[Kind.SERVICE][code], people + anonymous_by_service.get(code, 0))
                for code, people in service_people.items()
            ],
            lambda code: tr("service." + code),
        ),
        occupations=_tallies(
            [(o, v, p) for o, (v, p) in occupations.items() if v > 0],
            lambda o: o or tr("report.not_given"),
        ),
        tags=_tallies([(t, v, p) for t, (v, p) in tags.items() if v > 0], lambda tag: tag),
        hours=tuple(hours.get(f"{h:02d}", 0) for h in range(24)),
        made_at=made_at.strftime("%Y-%m-%d %H:%M"),
    )


def _add(into: dict[str, list[int]], key: str, visits: int, people: int) -> None:
    figures = into.setdefault(key, [0, 0])
    figures[0] += visits
    figures[1] += people


def _tags(tag_list: str) -> list[str]:
    """A member's tags (stored as a JSON list); anything else counts as none."""
    try:
        found = json.loads(tag_list)
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [t for t in dict.fromkeys(found) if isinstance(t, str)]


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
