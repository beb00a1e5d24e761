"""Exports of members and visits to .xlsx or .csv, with the columns a person chooses.

ID numbers never leave in the clear: the store does not hold them, and an export shows only
their last four characters. Phone numbers are masked (``138****8000``) unless an admin asks
for them in full; that choice is written to the audit trail with the file's name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop.domain.clock import to_iso
from desktop.domain.errors import InvalidInput
from desktop.domain.model import DeskContext, Role
from desktop.domain.people import mask_phone
from desktop.i18n import join, tr
from desktop.services.desk.operators import require_role
from desktop.services.reports.spreadsheets import Table, output_kind, write_tables
from desktop.storage.uow import UnitOfWork

MEMBER_COLUMNS: tuple[str, ...] = (
    "member_number",
    "name",
    "phone",
    "id_last4",
    "occupation",
    "employer",
    "union_branch",
    "tags",
    "registered_at",
    "active",
)
VISIT_COLUMNS: tuple[str, ...] = (
    "time",
    "member_number",
    "name",
    "phone",
    "occupation",
    "services",
    "operator",
    "voided",
)
MAX_RANGE_DAYS = 3660


@dataclass(frozen=True)
class ExportRequest:
    out: str
    columns: tuple[str, ...] = ()  # empty: every column
    show_phones: bool = False  # admins only; audited


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    columns: tuple[str, ...]
    phones_shown: bool


def column_title(column: str) -> str:
    return tr("field." + column) if column in MEMBER_COLUMNS else tr("export.col_" + column)


def _columns(asked: Sequence[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not asked:
        return allowed
    unknown = [c for c in asked if c not in allowed]
    if unknown:
        raise InvalidInput(
            "export.unknown_column",
            field="columns",
            column=unknown[0][:40],
            known=", ".join(allowed),
        )
    return tuple(dict.fromkeys(asked))


def _check(request: ExportRequest, ctx: DeskContext) -> None:
    output_kind(request.out)  # refuses a wrong suffix before any work
    if request.show_phones:
        require_role(ctx, Role.ADMIN)


def _audit(
    uow: UnitOfWork, ctx: DeskContext, what: str, result: ExportResult, **detail: Any
) -> None:
    if not result.phones_shown and what != "members":
        return
    with uow:
        uow.audit.record(
            "export_unmasked_phones" if result.phones_shown else f"export_{what}",
            ctx.operator_id,
            to_iso(uow.now()),
            what=what,
            file=Path(result.path).name,
            rows=result.rows,
            columns=list(result.columns),
            **detail,
        )
        uow.commit()


def _phone(value: str | None, show: bool) -> str:
    if not value:
        return ""
    return value if show else mask_phone(value)


def export_members(request: ExportRequest, uow: UnitOfWork, ctx: DeskContext) -> ExportResult:
    """The member register as a file: an admin's task (the README says so), audited."""
    require_role(ctx, Role.ADMIN)
    _check(request, ctx)
    columns = _columns(request.columns, MEMBER_COLUMNS)
    count = 0

    def rows(found: Any) -> Iterator[list[Any]]:
        nonlocal count
        for row in found:
            values = {
                "member_number": row.member_number,
                "name": row.name,
                "phone": _phone(row.phone, request.show_phones),
                "id_last4": row.id_last4 or "",
                "occupation": row.occupation,
                "employer": row.employer,
                "union_branch": row.union_branch,
                "tags": join(json.loads(row.tags)),
                "registered_at": _local_time(row.registered_at),
                "active": tr("export.active") if row.active else tr("export.inactive"),
            }
            count += 1
            yield [values[c] for c in columns]

    with uow.reading():
        found = uow.session.execute(
            text(
                "SELECT member_number, name, phone, id_last4, occupation, employer, "
                "union_branch, tags, strftime('%Y-%m-%d %H:%M', device_time, 'localtime') "
                "AS registered_at, active FROM member WHERE from_card = 0 ORDER BY rowid"
            )
        )
        table = Table(tr("export.members_sheet"), [column_title(c) for c in columns], rows(found))
        path = write_tables(request.out, [table])
    result = ExportResult(str(path), count, columns, request.show_phones)
    _audit(uow, ctx, "members", result)
    return result


def _local_time(text_value: str | None) -> datetime | str:
    """``2025-03-01 12:40`` (station time, from SQLite) as a time a workbook can sort."""
    if not text_value:
        return ""
    return datetime.strptime(text_value, "%Y-%m-%d %H:%M")


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("export.range", field="to")
    if (end - start).days > MAX_RANGE_DAYS:
        raise InvalidInput("export.range_too_long", field="to", days=MAX_RANGE_DAYS)


def export_visits(
    request: ExportRequest, start: date, end: date, uow: UnitOfWork, ctx: DeskContext
) -> ExportResult:
    """Visits whose station day lies from ``start`` to ``end`` (both included)."""
    _check(request, ctx)
    check_range(start, end)
    columns = _columns(request.columns, VISIT_COLUMNS)
    count = 0
    service_names: dict[str, str] = {}

    def services(raw: str) -> str:
        names = []
        for code in json.loads(raw):
            if code not in service_names:
                service_names[code] = tr("service." + code)
            names.append(service_names[code])
        return join(names)

    def rows(found: Any) -> Iterator[list[Any]]:
        nonlocal count
        for row in found:
            voided = ""
            if row.void_reason is not None:
                voided = tr("export.voided", reason=row.void_reason)
            values = {
                "time": _local_time(row.time),
                "member_number": row.member_number or "",
                "name": row.name or tr("export.anonymous"),
                "phone": _phone(row.phone, request.show_phones),
                "occupation": row.occupation or "",
                "services": services(row.services),
                "operator": row.operator or "",
                "voided": voided,
            }
            count += 1
            yield [values[c] for c in columns]

    with uow.reading():
        found = uow.session.execute(
            text(
                "SELECT strftime('%Y-%m-%d %H:%M', v.device_time, 'localtime') AS time, "
                "m.member_number, m.name, m.phone, COALESCE(v.occupation, m.occupation) "
                "AS occupation, v.services, o.name AS operator, x.reason AS void_reason "
                "FROM visit v LEFT JOIN member m ON m.id = v.member_id "
                "LEFT JOIN operator o ON o.id = v.operator_id "
                "LEFT JOIN visit_void x ON x.visit_id = v.id "
                "WHERE v.local_date BETWEEN :start AND :end ORDER BY v.local_date, v.device_time"
            ),
            {"start": start.isoformat(), "end": end.isoformat()},
        )
        title = tr("export.visits_sheet")
        caption_rows = rows(found)
        table = Table(title, [column_title(c) for c in columns], caption_rows)
        path = write_tables(request.out, [table])
    result = ExportResult(str(path), count, columns, request.show_phones)
    _audit(uow, ctx, "visits", result, start=start.isoformat(), end=end.isoformat())
    return result


def default_name(what: str, start: date | None = None, end: date | None = None) -> str:
    """A file name to suggest: 会员名单-2025-03-01.xlsx, 到访记录-2025-03-01至2025-03-31.xlsx."""
    if what == "members":
        return f"{tr('export.members_sheet')}-{date.today().isoformat()}.xlsx"
    span = f"{start}{tr('export.range_to')}{end}" if start and end else date.today().isoformat()
    return f"{tr('export.visits_sheet')}-{span}.xlsx"
