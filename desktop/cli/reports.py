"""`waystation` verbs of the reports area, added to other areas' verbs.

member import FILE [--sheet S] [--mapping JSON] [--on-match update|skip] [--rejects FILE]
member export --out FILE [--columns a,b] [--show-phones]
visits export --from D --to D --out FILE [--columns a,b] [--show-phones]
report month YYYY-MM --out FILE.pdf|FILE.xlsx
report range --from D --to D --out FILE.pdf|FILE.xlsx
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import context, day, sub_verbs
from desktop.domain.errors import InvalidInput
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's sub-parsers; each sets `run=cmd_...(desk, args, out) -> int`."""
    member = sub_verbs(verbs.choices["member"])
    p = member.add_parser("import", parents=[common], help=tr("cli.help.member_import"))
    p.add_argument("file")
    p.add_argument("--sheet", default=None)
    p.add_argument("--header-row", type=int, default=None, help=tr("cli.help.header_row"))
    p.add_argument("--mapping", default=None, help=tr("cli.help.import_mapping"))
    p.add_argument("--on-match", choices=("update", "skip"), default="update")
    p.add_argument("--rejects", default=None, metavar="FILE.xlsx")
    p.add_argument("--no-consent", action="store_true", help=tr("cli.help.import_no_consent"))
    p.set_defaults(run=cmd_member_import)
    p = member.add_parser("export", parents=[common], help=tr("cli.help.member_export"))
    _export_options(p)
    p.set_defaults(run=cmd_member_export)

    visits = sub_verbs(verbs.choices["visits"])
    p = visits.add_parser("export", parents=[common], help=tr("cli.help.visits_export"))
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    _export_options(p)
    p.set_defaults(run=cmd_visits_export)

    rverbs = sub_verbs(verbs.choices["report"])
    p = rverbs.add_parser("month", parents=[common], help=tr("cli.help.report_month"))
    p.add_argument("month", metavar="YYYY-MM")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx")
    p.set_defaults(run=cmd_report)
    p = rverbs.add_parser("range", parents=[common], help=tr("cli.help.report_range"))
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx")
    p.set_defaults(run=cmd_report, month=None)


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.csv")
    p.add_argument("--columns", default="", help=tr("cli.help.export_columns"))
    p.add_argument("--show-phones", action="store_true", help=tr("cli.help.show_phones"))


def _columns(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in re.split(r"[,，、]", text) if c.strip())


def cmd_member_import(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.services.reports import imports

    ctx = context(desk, args)
    mapping = None
    if args.mapping:
        layout = imports.inspect(args.file, args.sheet, args.header_row)
        mapping = imports.mapping_from_json(args.mapping, layout.headings)
    options = imports.ImportOptions(
        sheet=args.sheet,
        mapping=mapping,
        on_match=args.on_match,
        header_row=args.header_row,
        consent=not args.no_consent,
    )
    result = imports.import_members(args.file, options, desk.uow(), ctx)
    rejects = imports.write_rejects(result, args.rejects or imports.rejects_path(args.file))

    def listed(problems: tuple[imports.RowProblem, ...]) -> list[dict[str, Any]]:
        return [{"row": p.row, "reason": p.code, "message": p.reason()} for p in problems]

    data = {
        "file": str(args.file),
        "sheet": result.sheet,
        "header_row": result.header_row,
        "rows": result.rows,
        "imported": result.imported,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": len(result.skipped),
        "refused": len(result.refused),
        "blank_rows": result.blank,
        "rejects_file": str(rejects) if rejects else None,
        "refused_rows": listed(result.refused),
        "skipped_rows": listed(result.skipped),
    }
    lines = [
        tr(
            "cli.import_done",
            rows=result.rows,
            imported=result.imported,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=len(result.skipped),
            refused=len(result.refused),
        )
    ]
    lines += [tr("cli.import_row", row=p.row, reason=p.reason()) for p in result.refused[:50]]
    if len(result.refused) > 50:
        lines.append(tr("cli.import_more", n=len(result.refused) - 50))
    if rejects:
        lines.append(tr("cli.import_rejects", path=str(rejects)))
    out.emit(data, "\n".join(lines))
    return 0


def _export_result(out: Any, result: Any) -> int:
    data = {
        "out": result.path,
        "rows": result.rows,
        "columns": list(result.columns),
        "phones_shown": result.phones_shown,
    }
    out.emit(data, tr("cli.export_done", rows=result.rows, out=result.path))
    return 0


def cmd_member_export(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.services.reports import exports

    ctx = context(desk, args)
    request = exports.ExportRequest(args.out, _columns(args.columns), args.show_phones)
    return _export_result(out, exports.export_members(request, desk.uow(), ctx))


def cmd_visits_export(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.services.reports import exports

    ctx = context(desk, args)
    start, end = day(args.start, "from"), day(args.end, "to")
    request = exports.ExportRequest(args.out, _columns(args.columns), args.show_phones)
    return _export_result(out, exports.export_visits(request, start, end, desk.uow(), ctx))


def cmd_report(desk: Desk, args: argparse.Namespace, out: Any) -> int:
    from desktop.services.reports import monthly as monthly_report

    if args.month is not None:
        start, end = monthly_report.parse_month(args.month)
    else:
        start, end = day(args.start, "from"), day(args.end, "to")
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise InvalidInput("report.out_format", field="out", path=Path(args.out).name[:100])
    report = monthly_report.monthly_report(desk.uow(), start, end)
    path = monthly_report.write_report(report, args.out)
    data = {
        "out": str(path),
        "start": report.start,
        "end": report.end,
        "visits": report.visits,
        "people": report.people,
        "members_visiting": report.members_visiting,
        "anonymous": report.anonymous,
        "returning": report.returning,
        "returning_share": round(report.returning_share, 4),
        "new_members": report.new_members,
        "cards_printed": report.cards_printed,
        "voided": report.voided,
        "services": {t.key: t.visits for t in report.services},
        "days": [{"day": d.day, "visits": d.visits, "people": d.people} for d in report.days],
    }
    text = tr("cli.report_done", title=report.title, visits=report.visits, out=str(path))
    out.emit(data, text)
    return 0
