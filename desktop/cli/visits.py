"""`waystation` verbs of visits: checkin [REF | --anonymous], visit void ID --reason,
visits today. (``visits export`` is the reports area's.)"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, EXIT_REPEAT, Output, context, member_json
from desktop.domain.clock import SECONDS, shown
from desktop.domain.errors import AppError
from desktop.domain.model import SERVICES
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's verbs; each sets `run=cmd_...(desk, args, out) -> int`."""
    p = verbs.add_parser("checkin", parents=[common], help=tr("cli.help.checkin"))
    p.add_argument("ref", nargs="?", default="")
    p.add_argument("--service", action="append", choices=SERVICES, default=None)
    p.add_argument("--confirm-repeat", action="store_true", help=tr("cli.help.confirm_repeat"))
    p.add_argument("--anonymous", action="store_true", help=tr("cli.help.anonymous"))
    p.add_argument("--occupation", default="")
    p.set_defaults(run=cmd_checkin)

    visit = verbs.add_parser("visit", parents=[common], help=tr("cli.help.visit"))
    vverbs = visit.add_subparsers(dest="visit_verb", required=True)
    p = vverbs.add_parser("void", parents=[common], help=tr("cli.help.visit_void"))
    p.add_argument("id")
    p.add_argument("--reason", required=True)
    p.set_defaults(run=cmd_visit_void)

    visits = verbs.add_parser("visits", parents=[common], help=tr("cli.help.visits"))
    sverbs = visits.add_subparsers(dest="visits_verb", required=True)
    p = sverbs.add_parser("today", parents=[common], help=tr("cli.help.visits_today"))
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(run=cmd_visits_today)


def _default_services(desk: Desk) -> tuple[str, ...]:
    from desktop.services.desk.settings import read_settings

    return read_settings(desk.uow()).default_services


def cmd_checkin(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.visits import checkin

    ctx = context(desk, args)
    services = tuple(args.service) if args.service else _default_services(desk)
    if args.anonymous:
        visit_id = checkin.check_in_anonymous(args.occupation, services, desk.uow(), ctx)
        data = {"status": "recorded", "visit_id": visit_id, "anonymous": True, "services": services}
        out.emit(data, tr("cli.checked_in_anonymous", occupation=args.occupation or "-"))
        return EXIT_OK
    if not args.ref.strip():
        raise AppError("member.ref_empty")
    result = checkin.check_in(
        checkin.CheckIn(member_ref=args.ref, services=services, confirm_repeat=args.confirm_repeat),
        desk.uow(),
        ctx,
    )
    data = {
        "status": result.status.value,
        "visit_id": result.visit_id,
        "visit_number": result.visit_number,
        "services": result.services,
        "member": member_json(result.member),
        "minutes_since_last": result.minutes_since_last,
    }
    if result.status is checkin.CheckInStatus.REPEAT:
        text = tr("checkin.repeat", name=result.member.name, minutes=result.minutes_since_last or 0)
        out.emit(data, text + "\n" + tr("cli.confirm_repeat_hint"))
        return EXIT_REPEAT
    text = tr("checkin.recorded", name=result.member.name, n=result.visit_number)
    out.emit(data, f"{text}  ({result.visit_id})")
    return EXIT_OK


def cmd_visit_void(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.visits import checkin

    ctx = context(desk, args)
    void_id = checkin.void_visit(args.id, args.reason, desk.uow(), ctx)
    out.emit({"void_id": void_id, "visit_id": args.id}, tr("cli.visit_voided"))
    return EXIT_OK


def cmd_visits_today(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.visits import queries as visit_queries

    summary = visit_queries.today_summary(desk.uow())
    latest = visit_queries.recent_visits(desk.uow(), limit=max(1, min(args.limit, 1000)))
    lines = [tr("cli.today", day=summary.date, visits=summary.visits, people=summary.people)]
    for service, count in summary.per_service.items():
        lines.append(f"  {tr('service.' + service)}: {count}")
    for v in latest:
        who = v.member_name or tr("checkin.anonymous_visitor", occupation=v.occupation or "-")
        mark = "  " + tr("cli.voided", reason=v.void_reason) if v.voided else ""
        lines.append(f"{shown(v.device_time, SECONDS)}  {who}  {v.id}{mark}")
    out.emit({"summary": summary, "visits": latest}, "\n".join(lines))
    return EXIT_OK
