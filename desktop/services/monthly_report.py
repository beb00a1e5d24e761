"""The station's monthly report (月报 / 台账): who came, how often, for what, and when.

Everything is counted by SQL aggregates over the visit table's ``local_date`` index, so a
month among a million visits takes a fraction of a second. Voided visits are left out
(their number is shown). Definitions, as the report prints them:

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
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput
from desktop.domain.report import DayFigures, MonthlyReport, Tally, summary_lines
from desktop.i18n import tr
from desktop.services.exports import check_range
from desktop.services.spreadsheets import Table, write_tables
from desktop.storage.uow import UnitOfWork

# Visits of this period, not voided.
_STANDING = (
    "FROM visit v LEFT JOIN visit_void x ON x.visit_id = v.id "
    "WHERE v.local_date BETWEEN :start AND :end AND x.id IS NULL"
)


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


def monthly_report(uow: UnitOfWork, start: date, end: date) -> MonthlyReport:
    check_range(start, end)
    bounds = {"start": start.isoformat(), "end": end.isoformat()}
    with uow.reading():
        run = uow.session.execute
        station = uow.device.get()
        visits, members_visiting, anonymous = run(
            text(
                "SELECT count(*), count(DISTINCT v.member_id), "
                f"coalesce(sum(v.member_id IS NULL), 0) {_STANDING}"
            ),
            bounds,
        ).one()
        per_day = {
            str(day): (int(n), int(people) + int(anon))
            for day, n, people, anon in run(
                text(
                    "SELECT v.local_date, count(*), count(DISTINCT v.member_id), "
                    f"coalesce(sum(v.member_id IS NULL), 0) {_STANDING} GROUP BY v.local_date"
                ),
                bounds,
            )
        }
        returning = run(
            text(
                f"SELECT count(*) FROM (SELECT v.member_id {_STANDING} "
                "AND v.member_id IS NOT NULL GROUP BY v.member_id "
                "HAVING count(DISTINCT v.local_date) > 1)"
            ),
            bounds,
        ).scalar_one()
        services = run(
            text(
                "SELECT s.value, count(*), count(DISTINCT v.member_id) "
                "+ coalesce(sum(v.member_id IS NULL), 0) "
                "FROM visit v JOIN json_each(v.services) s "
                "LEFT JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date BETWEEN :start AND :end AND x.id IS NULL "
                "GROUP BY s.value"
            ),
            bounds,
        ).all()
        occupations = run(
            text(
                "SELECT coalesce(v.occupation, m.occupation, '') AS o, count(*), "
                "count(DISTINCT v.member_id) + coalesce(sum(v.member_id IS NULL), 0) "
                "FROM visit v LEFT JOIN member m ON m.id = v.member_id "
                "LEFT JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date BETWEEN :start AND :end AND x.id IS NULL GROUP BY o"
            ),
            bounds,
        ).all()
        tags = run(
            text(
                "SELECT t.value, count(*), count(DISTINCT v.member_id) "
                "FROM visit v JOIN member m ON m.id = v.member_id JOIN json_each(m.tags) t "
                "LEFT JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date BETWEEN :start AND :end AND x.id IS NULL GROUP BY t.value"
            ),
            bounds,
        ).all()
        hours: dict[int, int] = dict(
            run(
                text(
                    "SELECT CAST(strftime('%H', v.device_time, 'localtime') AS INTEGER) AS h, "
                    f"count(*) {_STANDING} GROUP BY h"
                ),
                bounds,
            ).all()
        )
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
        made_at = datetime.fromisoformat(to_iso(uow.now()).replace("Z", "+00:00")).astimezone()
    days = []
    day = start
    while day <= end:
        n, people = per_day.get(day.isoformat(), (0, 0))
        days.append(DayFigures(day.isoformat(), n, people))
        day += timedelta(days=1)
    members_visiting = int(members_visiting)
    return MonthlyReport(
        station=station.station.name if station else "",
        union=station.station.union_name if station else "",
        start=start.isoformat(),
        end=end.isoformat(),
        title=period_title(start, end),
        visits=int(visits),
        people=members_visiting + int(anonymous),
        members_visiting=members_visiting,
        anonymous=int(anonymous),
        returning=int(returning),
        returning_share=int(returning) / members_visiting if members_visiting else 0.0,
        voided=int(voided),
        new_members=int(new_members),
        cards_printed=int(cards_printed),
        days=tuple(days),
        services=_tallies(services, lambda code: tr("service." + code)),
        occupations=_tallies(occupations, lambda o: o or tr("report.not_given")),
        tags=_tallies(tags, lambda tag: tag),
        hours=tuple(int(hours.get(h, 0)) for h in range(24)),
        made_at=made_at.strftime("%Y-%m-%d %H:%M"),
    )


def _tallies(rows: Iterable[Any], label: Callable[[str], str]) -> tuple[Tally, ...]:
    found = [Tally(str(key), label(str(key)), int(n), int(people)) for key, n, people in rows]
    return tuple(sorted(found, key=lambda t: (-t.visits, t.label)))


# --- the report as a workbook ----------------------------------------------------------------


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
