"""The ``waystation`` command line: every desk flow as a verb, with ``--json`` output.

Exit status: 0 done; 1 refused with a message (bad input, a rule, not found);
2 wrong usage; 3 check-in not recorded because the member checked in moments ago;
4 the data folder cannot be used (damaged, full disk, read-only: desktop/storage/faults.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from desktop import i18n
from desktop.bootstrap import Desk, open_desk
from desktop.domain.clock import local_date
from desktop.domain.errors import (
    AppError,
    InvalidInput,
    NotFound,
    RuleViolation,
    SetupRequired,
    StorageFault,
)
from desktop.domain.model import SERVICES, DeskContext, Member, Operator, Role, StationKind
from desktop.domain.people import mask_phone
from desktop.i18n import join, tr
from desktop.services.cards import commands as cards
from desktop.services.cards import verification
from desktop.services.cards.verification import Scan, ScanKind
from desktop.services.certificates import commands as certificates
from desktop.services.desk import operators, setup
from desktop.services.desk.settings import OPTIONS, DeskSettings, read_settings, save_settings
from desktop.services.members import commands as members
from desktop.services.members import queries as member_queries
from desktop.services.visits import checkin
from desktop.services.visits import queries as visit_queries
from desktop.storage.cards.repositories import Cards
from desktop.storage.faults import storage_fault

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_REPEAT, EXIT_STORAGE = 0, 1, 2, 3, 4
LAYOUTS = ("cr80", "a4-10up")

VERBS = (
    "init",
    "member",
    "checkin",
    "visit",
    "visits",
    "operator",
    "settings",
    "demo",
    "print",
    "card",
    "certificate",
    "verify",
)


class Output:
    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def emit(self, data: Any, text: str) -> None:
        if self.as_json:
            print(json.dumps(_plain(data), ensure_ascii=False, indent=2))
        else:
            print(text)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def member_json(member: Member, show_phone: bool = False) -> dict[str, Any]:
    """A member as scripts see it: phone masked unless asked; never an ID hash."""
    data = _plain(member)
    data.pop("id_hash", None)
    if member.phone and not show_phone:
        data["phone"] = mask_phone(member.phone)
    return dict(data)


def member_line(member: Member) -> str:
    phone = mask_phone(member.phone) if member.phone else "-"
    state = "" if member.active else "  " + tr("cli.deactivated")
    return f"{member.member_number}  {member.name}  {phone}  {member.occupation or '-'}{state}"


def build_parser(areas: Sequence[Any] = ()) -> argparse.ArgumentParser:
    # Global options may stand before or after the verb; SUPPRESS keeps a sub-parser from
    # overwriting a value given before the verb with its own default.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--home", help=tr("cli.help.home"))
    common.add_argument("--lang", choices=i18n.LANGUAGES, help=tr("cli.help.lang"))
    common.add_argument("--json", action="store_true", help=tr("cli.help.json"))
    common.add_argument("--operator", help=tr("cli.help.operator"))

    parser = argparse.ArgumentParser(prog="waystation", parents=[common])
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("init", parents=[common], help=tr("cli.help.init"))
    p.add_argument("--station-name", required=True)
    p.add_argument("--kind", choices=[k.value for k in StationKind], default="station")
    p.add_argument("--union", default="", help=tr("cli.help.union"))
    p.add_argument("--admin-name", default="")
    p.add_argument("--admin-pin", default="", help=tr("cli.help.admin_pin"))
    p.set_defaults(run=cmd_init)

    member = verbs.add_parser("member", parents=[common], help=tr("cli.help.member"))
    mverbs = member.add_subparsers(dest="member_verb", required=True)
    p = mverbs.add_parser("add", parents=[common], help=tr("cli.help.member_add"))
    _member_fields(p, name_required=True)
    p.add_argument("--allow-same-phone", action="store_true", help=tr("cli.help.same_phone"))
    p.set_defaults(run=cmd_member_add)
    p = mverbs.add_parser("edit", parents=[common], help=tr("cli.help.member_edit"))
    p.add_argument("ref")
    _member_fields(p, name_required=False)
    p.add_argument("--allow-same-phone", action="store_true", help=tr("cli.help.same_phone"))
    p.add_argument("--clear-id-number", action="store_true", help=tr("cli.help.clear_id"))
    p.set_defaults(run=cmd_member_edit)
    p = mverbs.add_parser("find", parents=[common], help=tr("cli.help.member_find"))
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(run=cmd_member_find)
    p = mverbs.add_parser("show", parents=[common], help=tr("cli.help.member_show"))
    p.add_argument("ref")
    p.set_defaults(run=cmd_member_show)
    p = mverbs.add_parser("deactivate", parents=[common], help=tr("cli.help.member_deactivate"))
    p.add_argument("ref")
    p.add_argument("--reason", required=True)
    p.set_defaults(run=cmd_member_deactivate)
    p = mverbs.add_parser("reactivate", parents=[common], help=tr("cli.help.member_reactivate"))
    p.add_argument("ref")
    p.set_defaults(run=cmd_member_reactivate)

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

    op = verbs.add_parser("operator", parents=[common], help=tr("cli.help.operator_verb"))
    overbs = op.add_subparsers(dest="operator_verb", required=True)
    p = overbs.add_parser("list", parents=[common])
    p.set_defaults(run=cmd_operator_list)
    p = overbs.add_parser("add", parents=[common])
    p.add_argument("--name", required=True)
    p.add_argument("--role", choices=[r.value for r in Role], default="attendant")
    p.add_argument("--pin", required=True)
    p.set_defaults(run=cmd_operator_add)
    p = overbs.add_parser("edit", parents=[common], help=tr("cli.help.operator_edit"))
    p.add_argument("name")
    p.add_argument("--new-name")
    p.add_argument("--role", choices=[r.value for r in Role])
    p.add_argument("--pin", default="", help=tr("cli.help.operator_pin"))
    p.set_defaults(run=cmd_operator_edit)
    for verb, active in (("deactivate", False), ("reactivate", True)):
        p = overbs.add_parser(verb, parents=[common])
        p.add_argument("name")
        p.set_defaults(run=cmd_operator_active, active=active)

    settings = verbs.add_parser("settings", parents=[common], help=tr("cli.help.settings"))
    sverbs2 = settings.add_subparsers(dest="settings_verb", required=True)
    p = sverbs2.add_parser("show", parents=[common])
    p.set_defaults(run=cmd_settings_show)
    p = sverbs2.add_parser("set", parents=[common], help=tr("cli.help.settings_set"))
    p.add_argument("key", choices=[f.name for f in fields(DeskSettings)])
    p.add_argument("value")
    p.set_defaults(run=cmd_settings_set)

    p = verbs.add_parser("backup", parents=[common], help=tr("cli.help.backup"))
    p.add_argument("--out", default=None, help=tr("cli.help.backup_out"))
    p.add_argument("--if-due", action="store_true", help=tr("cli.help.backup_if_due"))
    p.set_defaults(run=cmd_backup)
    p = verbs.add_parser("restore", parents=[common], help=tr("cli.help.restore"))
    p.add_argument("backup", metavar="BACKUP", help=tr("cli.help.restore_backup"))
    p.set_defaults(run=cmd_restore, without_desk=True)

    p = verbs.add_parser("demo", parents=[common], help=tr("cli.help.demo"))
    p.add_argument("--members", type=_count, default=1000)
    p.add_argument("--visits", type=_count, default=0)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--add", action="store_true", help=tr("cli.help.demo_add"))
    p.set_defaults(run=cmd_demo)

    _printing_verbs(verbs, common)
    # Each area keeps its verbs in its own module; imported here because they use this one.
    # Areas outside desktop/ (sync's verbs: sync.client.cli) come in from the entry point.
    from desktop.cli import aid as cli_aid
    from desktop.cli import reports as cli_reports
    from desktop.cli import training as cli_training

    for area in (cli_training, cli_aid, cli_reports, *areas):
        area.register(verbs, common)
    return parser


def _printing_verbs(verbs: Any, common: argparse.ArgumentParser) -> None:
    """``print``, ``card``, ``certificate`` and ``verify``: member cards and certificates."""
    printing = verbs.add_parser("print", parents=[common], help=tr("cli.help.print"))
    pverbs = printing.add_subparsers(dest="print_verb", required=True)
    p = pverbs.add_parser("cards", parents=[common], help=tr("cli.help.print_cards"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--member", action="append", metavar="REF", help=tr("cli.help.refs"))
    which.add_argument("--unprinted", action="store_true", help=tr("cli.help.unprinted"))
    which.add_argument("--all", action="store_true", help=tr("cli.help.all_members"))
    p.add_argument("--layout", choices=LAYOUTS, required=True, help=tr("cli.help.layout"))
    p.add_argument("--backs", action="store_true", help=tr("cli.help.backs"))
    p.add_argument("--reprint-reason", default="", help=tr("cli.help.reprint_reason"))
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_cards)
    p = pverbs.add_parser("certificate", parents=[common], help=tr("cli.help.print_cert"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--member", metavar="REF")
    which.add_argument("--serial", help=tr("cli.help.cert_serial"))
    p.add_argument("--title", help=" | ".join(certificates.TITLES))
    p.add_argument("--for", dest="for_text", help=tr("cli.help.cert_for"))
    p.add_argument("--hours", default="", help=tr("cli.help.cert_hours"))
    p.add_argument("--from", dest="starts_on", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends_on", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_certificate)
    p = pverbs.add_parser("signin-sheet", parents=[common], help=tr("cli.help.print_signin"))
    p.add_argument("--member", action="append", required=True, metavar="REF")
    p.add_argument("--title", default="")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_signin)
    p = pverbs.add_parser("calibration", parents=[common], help=tr("cli.help.print_calibration"))
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_calibration)

    card = verbs.add_parser("card", parents=[common], help=tr("cli.help.card"))
    cverbs = card.add_subparsers(dest="card_verb", required=True)
    p = cverbs.add_parser("lost", parents=[common], help=tr("cli.help.card_lost"))
    p.add_argument("ref")
    p.add_argument("--reason", default="")
    p.set_defaults(run=cmd_card_lost)
    p = cverbs.add_parser("reissue", parents=[common], help=tr("cli.help.card_reissue"))
    p.add_argument("ref")
    p.set_defaults(run=cmd_card_reissue)

    cert = verbs.add_parser("certificate", parents=[common], help=tr("cli.help.certificate"))
    ceverbs = cert.add_subparsers(dest="certificate_verb", required=True)
    p = ceverbs.add_parser("revoke", parents=[common], help=tr("cli.help.cert_revoke"))
    p.add_argument("serial")
    p.add_argument("--reason", required=True)
    p.set_defaults(run=cmd_certificate_revoke)

    p = verbs.add_parser("verify", parents=[common], help=tr("cli.help.verify"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("text", nargs="?")
    which.add_argument("--image", metavar="FILE.png", help=tr("cli.help.verify_image"))
    p.set_defaults(run=cmd_verify)


def _count(text: str) -> int:
    """A whole number ≥ 0 (argparse turns the ValueError into a usage message)."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _member_fields(p: argparse.ArgumentParser, name_required: bool) -> None:
    p.add_argument("--name", required=name_required)
    p.add_argument("--phone")
    p.add_argument("--occupation")
    p.add_argument("--employer")
    p.add_argument("--union-branch")
    p.add_argument("--tag", action="append", help=tr("cli.help.tag"))
    p.add_argument("--id-number", help=tr("cli.help.id_number"))
    p.add_argument("--no-consent", action="store_true", help=tr("cli.help.no_consent"))


# --- verbs ------------------------------------------------------------------------------


def _context(desk: Desk, args: argparse.Namespace) -> DeskContext:
    """Who the CLI records as: --operator / WAYSTATION_OPERATOR, else the first admin.

    The command line runs with the rights of whoever may read the data folder, so it does
    not ask for a PIN; records still name an operator.
    """
    device = desk.device()
    if device is None:
        raise SetupRequired()
    name = args.operator or os.environ.get("WAYSTATION_OPERATOR")
    uow = desk.uow()
    who = operators.operator_by_name(uow, name) if name else operators.first_admin(uow)
    return DeskContext(device.station.id, device.id, who.id, who.role)


def cmd_init(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    pin = args.admin_pin or f"{secrets.randbelow(10**6):06d}"
    device, admin = setup.set_up_station(
        setup.StationSetup(
            station_name=args.station_name,
            kind=StationKind(args.kind),
            union_name=args.union,
            admin_name=args.admin_name or tr("setup.default_admin_name"),
            admin_pin=pin,
        ),
        desk.uow(),
    )
    desk.register_own_key()
    data = {
        "station": device.station,
        "device_id": device.id,
        "device_code": device.code,
        "admin": admin,
        "home": str(desk.paths.home),
    }
    if not args.admin_pin:
        data["admin_pin"] = pin
    text = tr("cli.init_done", station=device.station.name, code=device.code, admin=admin.name)
    if not args.admin_pin:
        text += "\n" + tr("cli.init_pin", pin=pin)
    out.emit(data, text)
    return EXIT_OK


def _form(args: argparse.Namespace, base: Member | None = None) -> members.MemberForm:
    def pick(value: str | None, current: str) -> str:
        return current if value is None else value

    return members.MemberForm(
        name=pick(args.name, base.name if base else ""),
        phone=pick(args.phone, (base.phone or "") if base else ""),
        occupation=pick(args.occupation, base.occupation if base else ""),
        employer=pick(args.employer, base.employer if base else ""),
        union_branch=pick(args.union_branch, base.union_branch if base else ""),
        tags=tuple(args.tag) if args.tag is not None else (base.tags if base else ()),
        id_number=_id_number(args.id_number),
        # A script run by an admin asserts the person agreed (on the paper form, say).
        consent=not args.no_consent,
        clear_id_number=getattr(args, "clear_id_number", False),
    )


def _id_number(value: str | None) -> str:
    """``--id-number -`` reads it from standard input, keeping it out of shell history."""
    if value == "-":
        return sys.stdin.readline().strip()
    return value or ""


def cmd_member_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    member = members.register_member(
        _form(args), desk.uow(), ctx, confirm_duplicates=args.allow_same_phone
    )
    out.emit(member_json(member), tr("cli.member_added", line=member_line(member)))
    return EXIT_OK


def cmd_member_edit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    current = members.resolve_member(desk.uow(), args.ref)
    member = members.update_member(
        current.id,
        _form(args, current),
        current.version,
        desk.uow(),
        ctx,
        confirm_duplicates=args.allow_same_phone,
    )
    out.emit(member_json(member), tr("cli.member_saved", line=member_line(member)))
    return EXIT_OK


def cmd_member_find(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    found = member_queries.search_members(
        desk.uow(), args.query, limit=max(1, min(args.limit, 500))
    )
    text = "\n".join(member_line(m) for m in found) or tr("cli.nothing_found")
    out.emit([member_json(m) for m in found], text)
    return EXIT_OK


def _find_one(desk: Desk, ref: str) -> Member:
    """The member a REF names exactly, or else the only one a search for it finds."""
    try:
        return members.resolve_member(desk.uow(), ref)
    except NotFound:
        found = member_queries.search_members(desk.uow(), ref, limit=2)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RuleViolation("cli.ambiguous_ref", ref=ref[:40]) from None
        raise


def cmd_member_show(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    member = _find_one(desk, args.ref)
    visits = visit_queries.member_visit_count(desk.uow(), member.id)
    data = {**member_json(member), "visits": visits}
    lines = [
        member_line(member),
        tr("cli.member_detail", employer=member.employer or "-", branch=member.union_branch or "-"),
        tr("cli.member_tags", tags=join(member.tags) or "-"),
        tr("cli.member_visits", n=visits),
    ]
    if member.id_last4:
        lines.append(tr("cli.member_id_last4", last4=member.id_last4))
    if not member.active:
        lines.append(tr("cli.member_deactivated", reason=member.deactivated_reason or ""))
    out.emit(data, "\n".join(lines))
    return EXIT_OK


def cmd_member_deactivate(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    current = members.resolve_member(desk.uow(), args.ref)
    member = members.set_member_active(current.id, False, args.reason, desk.uow(), ctx)
    out.emit(member_json(member), tr("cli.member_deactivated", reason=member.deactivated_reason))
    return EXIT_OK


def cmd_member_reactivate(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    current = members.resolve_member(desk.uow(), args.ref)
    member = members.set_member_active(current.id, True, "", desk.uow(), ctx)
    out.emit(member_json(member), tr("cli.member_saved", line=member_line(member)))
    return EXIT_OK


def _default_services(desk: Desk) -> tuple[str, ...]:
    return read_settings(desk.uow()).default_services


def cmd_checkin(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
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
    ctx = _context(desk, args)
    void_id = checkin.void_visit(args.id, args.reason, desk.uow(), ctx)
    out.emit({"void_id": void_id, "visit_id": args.id}, tr("cli.visit_voided"))
    return EXIT_OK


def cmd_visits_today(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    summary = visit_queries.today_summary(desk.uow())
    latest = visit_queries.recent_visits(desk.uow(), limit=max(1, min(args.limit, 1000)))
    lines = [tr("cli.today", day=summary.date, visits=summary.visits, people=summary.people)]
    for service, count in summary.per_service.items():
        lines.append(f"  {tr('service.' + service)}: {count}")
    for v in latest:
        who = v.member_name or tr("checkin.anonymous_visitor", occupation=v.occupation or "-")
        mark = "  " + tr("cli.voided", reason=v.void_reason) if v.voided else ""
        lines.append(f"{v.device_time[11:19]}Z  {who}  {v.id}{mark}")
    out.emit({"summary": summary, "visits": latest}, "\n".join(lines))
    return EXIT_OK


def cmd_operator_list(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    found = operators.list_operators(desk.uow(), include_inactive=True)
    text = "\n".join(
        f"{o.name}  {tr('role.' + o.role.value)}"
        + ("" if o.active else "  " + tr("cli.deactivated"))
        for o in found
    )
    out.emit(found, text)
    return EXIT_OK


def cmd_operator_add(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    form = operators.OperatorForm(name=args.name, role=Role(args.role), pin=args.pin)
    added = operators.add_operator(form, desk.uow(), ctx)
    out.emit(added, tr("cli.operator_added", name=added.name))
    return EXIT_OK


def _operator_named(desk: Desk, name: str) -> Operator:
    for operator in operators.list_operators(desk.uow(), include_inactive=True):
        if operator.name == " ".join(name.split()):
            return operator
    raise NotFound("operator.not_found")


def cmd_operator_edit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    current = _operator_named(desk, args.name)
    form = operators.OperatorForm(
        name=args.new_name or current.name,
        role=Role(args.role) if args.role else current.role,
        pin=args.pin,
    )
    saved = operators.update_operator(current.id, form, desk.uow(), ctx)
    out.emit(saved, tr("cli.operator_saved", name=saved.name))
    return EXIT_OK


def cmd_operator_active(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    current = _operator_named(desk, args.name)
    saved = operators.set_operator_active(current.id, args.active, desk.uow(), ctx)
    out.emit(saved, tr("cli.operator_saved", name=saved.name))
    return EXIT_OK


def _settings_lines(values: DeskSettings) -> str:
    lines = []
    for field in fields(DeskSettings):
        value = getattr(values, field.name)
        shown = join(value) if isinstance(value, tuple) else str(value)
        lines.append(f"{field.name}  {tr(OPTIONS[field.name].title)}: {shown}")
    return "\n".join(lines)


def cmd_settings_show(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    values = read_settings(desk.uow())
    out.emit(values, _settings_lines(values))
    return EXIT_OK


def _setting_value(current: object, text: str) -> object:
    """Typed like the setting: lists comma-separated (，、 too), numbers, on/off."""
    if isinstance(current, bool):
        lowered = text.strip().lower()
        if lowered not in {"on", "off", "true", "false", "1", "0", "yes", "no"}:
            raise InvalidInput("cli.setting_bool", field="value")
        return lowered in {"on", "true", "1", "yes"}
    if isinstance(current, int):
        try:
            return int(text.strip())
        except ValueError:
            raise InvalidInput("cli.setting_int", field="value") from None
    if isinstance(current, tuple):
        return tuple(p.strip() for p in re.split(r"[,，、]", text) if p.strip())
    return text.strip()


def cmd_settings_set(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    current = read_settings(desk.uow())
    value = _setting_value(getattr(current, args.key), args.value)
    changes: dict[str, Any] = {args.key: value}
    saved = save_settings(replace(current, **changes), desk.uow(), ctx)
    out.emit(saved, _settings_lines(saved))
    return EXIT_OK


def cmd_backup(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.desk import backups

    if args.if_due:  # for a daily scheduled task; the folder and count are the settings'
        made = backups.back_up_if_due(desk.paths, desk.uow())
        text = tr("cli.backup_done", path=str(made)) if made else tr("cli.backup_not_due")
        out.emit({"backup": str(made) if made else None}, text)
        return EXIT_OK
    folder = Path(args.out) if args.out else None
    target = backups.back_up(desk.paths, folder, desk.uow(), _context(desk, args))
    out.emit({"backup": str(target)}, tr("cli.backup_done", path=str(target)))
    return EXIT_OK


def cmd_restore(home: str | None, args: argparse.Namespace, out: Output) -> int:
    """Runs without opening the desk: its database may be the damaged thing."""
    from desktop.backup import restore_backup
    from desktop.paths import resolve_home

    info, aside = restore_backup(resolve_home(home), Path(args.backup))
    out.emit(
        {"restored": info, "kept_aside": str(aside)},
        tr(
            "cli.restored",
            path=info.path,
            made_at=info.made_at,
            members=info.members,
            aside=str(aside),
        ),
    )
    return EXIT_OK


def cmd_demo(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop import demo

    ctx = _context(desk, args)
    result = demo.generate(
        desk,
        ctx,
        members=args.members,
        visits=args.visits,
        seed=args.seed,
        add_to_existing=args.add,
    )
    out.emit(result, tr("cli.demo_done", members=result.members, visits=result.visits))
    return EXIT_OK


# --- printing, cards, certificates, verifying --------------------------------------------


@contextmanager
def _pdf_out(target: str) -> Iterator[Callable[[bytes], None]]:
    """Check ``--out`` before any work is done; yield a function that puts the PDF there.

    The PDF is written to a temporary file beside the target and renamed over it, so a
    failure at any point (a refusal, a full disk) leaves no partial file behind.
    """
    path = Path(target).expanduser()
    if path.is_dir():
        raise InvalidInput("cli.out_is_folder", field="out", path=target[:200])
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed or removed below)
            dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp", delete=False
        )
    except OSError:
        raise InvalidInput("cli.out_unwritable", field="out", path=target[:200]) from None
    temporary = Path(handle.name)
    written = False

    def write(data: bytes) -> None:
        nonlocal written
        try:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(temporary, path)
        except OSError:
            raise InvalidInput("cli.out_unwritable", field="out", path=target[:200]) from None
        written = True

    try:
        yield write
    finally:
        handle.close()
        if not written:
            temporary.unlink(missing_ok=True)


def _station(desk: Desk) -> Any:
    device = desk.device()
    if device is None:
        raise SetupRequired()
    return device.station


def _today(desk: Desk) -> date:
    with desk.uow().reading() as uow:
        return date.fromisoformat(local_date(uow.now()))


def _card_members(desk: Desk, args: argparse.Namespace) -> list[Member]:
    """The members whose cards are to be printed, in the order asked, each once."""
    if args.member:
        chosen = [_find_one(desk, ref) for ref in args.member]
    else:
        if args.unprinted:
            ids = cards.unprinted_member_ids(desk.uow())
        else:
            ids = member_queries.member_ids(desk.uow())
        chosen = [members.resolve_member(desk.uow(), member_id) for member_id in ids]
        chosen = [m for m in chosen if m.active]
    unique = list({m.id: m for m in chosen}.values())  # each once, first place kept
    if not unique:
        raise RuleViolation("cli.no_cards_to_print")
    return unique


def _names(names: list[str], most: int = 10) -> str:
    return join(names[:most]) + ("…" if len(names) > most else "")


def _check_card_job(desk: Desk, chosen: list[Member], reason: str) -> None:
    """Refuse the whole job, before any card is marked printed, if one card would be refused."""
    inactive = [m.name for m in chosen if not m.active]
    if inactive:
        raise RuleViolation("cli.cards_deactivated", names=_names(inactive), n=len(inactive))
    with desk.uow().reading() as uow:
        device = uow.device.get()
        assert device is not None
        printed, foreign = [], []
        for member in chosen:
            card = uow.repo(Cards).current(member.id)
            if card is not None and card.device_code != device.code:
                foreign.append(member.name)
            elif card is not None and card.printed_count > 0:
                printed.append(member.name)
    if foreign:
        raise RuleViolation("cli.cards_other_device", names=_names(foreign), n=len(foreign))
    if printed and not " ".join(reason.split()):
        raise InvalidInput(
            "cli.cards_need_reason",
            field="reprint_reason",
            names=_names(printed),
            n=len(printed),
        )


def cmd_print_cards(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.printing import compose
    from desktop.services.cards import printouts

    ctx = _context(desk, args)
    station = _station(desk)
    with _pdf_out(args.out) as write:
        chosen = _card_members(desk, args)
        _check_card_job(desk, chosen, args.reprint_reason)
        printed = [
            cards.card_to_print(m.id, desk.uow(), ctx, desk.keys, args.reprint_reason)
            for m in chosen
        ]
        faces = [compose.card_face(card, station) for card in printed]
        layout = "cr80" if args.layout == "cr80" else "a4"
        write(printouts.render_cards(faces, layout, args.backs, desk.uow()))
        per_sheet = 1 if layout == "cr80" else 10
        pages = -(-len(faces) // per_sheet) * (2 if args.backs else 1)
    result = {
        "out": str(Path(args.out).expanduser()),
        "layout": args.layout,
        "pages": pages,
        "cards": [
            {
                "member_id": c.member.id,
                "member_number": c.member.member_number,
                "name": c.member.name,
                "serial": c.serial,
                "reprint": c.reprint,
            }
            for c in printed
        ],
    }
    reprints = sum(c.reprint for c in printed)
    text = tr("cli.cards_printed", n=len(printed), pages=pages, out=result["out"])
    if reprints:
        text += "\n" + tr("cli.cards_reprinted", n=reprints)
    out.emit(result, text)
    return EXIT_OK


def _day_argument(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("cli.bad_date", field=field, text=text[:40]) from None


def cmd_print_certificate(desk: Desk, args: argparse.Namespace, out: Output) -> int:

    ctx = _context(desk, args)
    with _pdf_out(args.out) as write:
        if args.serial:
            issued = certificates.certificate(desk.uow(), args.serial)
            if issued.revoked:
                _, reason = certificates.verify_certificate_text(desk.uow(), issued.url)
                raise RuleViolation("certificate.revoked", reason=reason or "")
        else:
            if not args.title or not args.for_text:
                raise InvalidInput("cli.certificate_needs", field="title")
            member = _find_one(desk, args.member)
            form = certificates.CertificateForm(
                member_id=member.id,
                title=args.title,
                purpose=args.for_text,
                hours=args.hours,
                starts_on=_day_argument(args.starts_on, "from"),
                ends_on=_day_argument(args.ends_on, "to"),
            )
            issued = certificates.issue_certificate(form, desk.uow(), ctx, desk.keys)
        from desktop.services.cards import printouts

        write(printouts.certificate_pdf_for(desk.uow(), issued))
    data = {
        "out": str(Path(args.out).expanduser()),
        "serial": issued.serial,
        "url": issued.url,
        "fields": _certificate_fields(issued.fields),
        "pages": 1,
    }
    text = tr("cli.certificate_printed", serial=issued.serial, out=data["out"])
    out.emit(data, text + "\n" + issued.url)
    return EXIT_OK


def cmd_print_signin(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.printing import compose, signin_sheet_pdf
    from desktop.printing.signin_sheet import page_count

    station = _station(desk)
    with _pdf_out(args.out) as write:
        people = [_find_one(desk, ref) for ref in args.member]
        sheet = compose.signin_sheet(args.title, people, _today(desk), subtitle=station.name)
        write(signin_sheet_pdf(sheet))
    data = {
        "out": str(Path(args.out).expanduser()),
        "pages": page_count(sheet),
        "people": [{"name": n, "member_number": number} for n, number in sheet.people],
    }
    out.emit(data, tr("cli.signin_printed", n=len(people), out=data["out"]))
    return EXIT_OK


def cmd_print_calibration(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.printing import calibration_page

    with _pdf_out(args.out) as write:
        write(calibration_page())
    data = {"out": str(Path(args.out).expanduser()), "pages": 1}
    out.emit(data, tr("cli.calibration_printed", out=data["out"]))
    return EXIT_OK


def cmd_card_lost(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    member = _find_one(desk, args.ref)
    serial = cards.report_lost(member.id, args.reason, desk.uow(), ctx)
    data = {"member": member_json(member), "serial": serial, "status": "lost"}
    out.emit(data, tr("cli.card_lost", name=member.name, serial=serial))
    return EXIT_OK


def cmd_card_reissue(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    member = _find_one(desk, args.ref)
    serial = cards.reissue(member.id, desk.uow(), ctx)
    data = {"member": member_json(member), "serial": serial, "status": "active"}
    out.emit(data, tr("cli.card_reissued", name=member.name, serial=serial))
    return EXIT_OK


def cmd_certificate_revoke(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    ctx = _context(desk, args)
    certificates.revoke_certificate(args.serial, args.reason, desk.uow(), ctx)
    serial = args.serial.strip()
    out.emit({"serial": serial, "revoked": True}, tr("cli.certificate_revoked", serial=serial))
    return EXIT_OK


def _certificate_fields(recorded: Any) -> dict[str, Any]:
    return {
        "title": recorded.title,
        "recipient": recorded.recipient_name,
        "member_id": recorded.member_id,
        "purpose": recorded.purpose,
        "hours": None if recorded.hours is None else str(recorded.hours),
        "issued_on": recorded.issued_on.isoformat(),
        "issuing_union": recorded.issuing_union,
        "starts_on": recorded.starts_on.isoformat() if recorded.starts_on else None,
        "ends_on": recorded.ends_on.isoformat() if recorded.ends_on else None,
    }


def _scanned_texts(args: argparse.Namespace) -> list[str]:
    if args.image is None:
        return [args.text]
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(args.image) as image:
            image.load()
            found = zxingcpp.read_barcodes(image.convert("L"))
    except (OSError, UnidentifiedImageError, ValueError):
        raise InvalidInput("cli.image_unreadable", field="image", path=args.image[:200]) from None
    texts = [code.text for code in found if code.text]
    if not texts:
        raise InvalidInput("cli.image_no_code", field="image", path=args.image[:200])
    return texts


def _card_result(found: Scan, lines: list[str]) -> dict[str, Any]:
    contents: dict[str, Any] | None = None
    if found.member_id is not None:
        contents = {"member_id": found.member_id, "serial": found.card_serial}
        contents["device"] = found.device_code
        who = found.member_id
        if found.member_name is not None:
            contents.update(name=found.member_name, member_number=found.member_number)
            who = f"{found.member_name}  {found.member_number}"
        lines.append(
            tr(
                "cli.verify_card_contents",
                who=who,
                serial=found.card_serial,
                device=found.device_code,
            )
        )
    return {
        "kind": "card",
        "valid": found.valid,
        "accepted": found.accepted,
        "verdict": found.verdict.value,
        "problem": found.problem.value if found.problem else None,
        "message": lines[0],
        "contents": contents,
    }


def _certificate_result(found: Scan, lines: list[str]) -> dict[str, Any]:
    contents: dict[str, Any] | None = None
    if found.certificate_serial is not None:
        contents = {"serial": found.certificate_serial, "device": found.device_code}
        if found.fields is not None:
            recorded = found.fields
            contents.update(_certificate_fields(recorded))
            contents.update(revoked=found.revoked, revoke_reason=found.revoked_reason)
            lines.append(
                tr(
                    "cli.verify_certificate_contents",
                    title=recorded.title,
                    recipient=recorded.recipient_name,
                    purpose=recorded.purpose,
                    hours="-" if recorded.hours is None else str(recorded.hours),
                    issued_on=recorded.issued_on.isoformat(),
                    issuer=recorded.issuing_union,
                    serial=found.certificate_serial,
                )
            )
            if recorded.starts_on or recorded.ends_on:
                start, end = recorded.starts_on, recorded.ends_on
                lines.append(
                    tr(
                        "cli.verify_certificate_dates",
                        start=start.isoformat() if start else "-",
                        end=end.isoformat() if end else "-",
                    )
                )
    return {
        "kind": "certificate",
        "valid": found.valid,
        "verdict": found.verdict.value,
        "problem": found.problem.value if found.problem else None,
        "revoked": found.revoked,
        "message": lines[0],
        "contents": contents,
    }


def cmd_verify(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    results, blocks = [], []
    for text in _scanned_texts(args):
        found = verification.scan(desk.uow(), text)
        lines = [tr(found.message_code, **found.message_params)]
        if found.kind is ScanKind.CERTIFICATE:
            result = _certificate_result(found, lines)
        else:
            result = _card_result(found, lines)
        results.append(result)
        blocks.append("\n".join(lines))
    data: Any = results if args.image is not None else results[0]
    out.emit(data, "\n\n".join(blocks))
    return EXIT_OK if all(r["valid"] for r in results) else EXIT_REFUSED


# --- entry ------------------------------------------------------------------------------


def _language_from(argv: Sequence[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _unreadable_argument(argv: Sequence[str]) -> str | None:
    """An argument that is not valid text (a lone surrogate from a broken terminal)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")[:40]
    return None


def main(argv: Sequence[str] | None = None, areas: Sequence[Any] = ()) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = _unreadable_argument(argv)
    if bad is not None:
        i18n.set_language(os.environ.get("WAYSTATION_LANG") or "zh")
        print(tr("cli.error_prefix") + tr("input.bad_text", text=bad), file=sys.stderr)
        return EXIT_USAGE
    i18n.set_language(_language_from(argv) or os.environ.get("WAYSTATION_LANG") or "zh")
    args = build_parser(areas).parse_args(argv)
    for option, default in (("home", None), ("lang", None), ("json", False), ("operator", None)):
        if not hasattr(args, option):
            setattr(args, option, default)
    out = Output(args.json)
    run: Callable[[Desk, argparse.Namespace, Output], int] = args.run
    try:
        if getattr(args, "without_desk", False):
            return int(args.run(args.home, args, out))
        desk = open_desk(args.home)
    except AppError as error:
        return _refused(error, args.json)
    try:
        if args.run is not cmd_init and desk.device() is None:
            raise SetupRequired()
        return run(desk, args, out)
    except AppError as error:
        return _refused(error, args.json)
    except (DBAPIError, OSError) as error:  # a disk that filled up or failed mid-verb
        fault = storage_fault(error, desk.paths.home)
        if fault is None:
            raise
        return _refused(fault, args.json)
    finally:
        desk.close()


def _refused(error: AppError, as_json: bool) -> int:
    message = i18n.describe(error)
    if as_json:
        print(
            json.dumps(
                {"error": error.code, "message": message, **_plain(error.params)},
                ensure_ascii=False,
            ),
            file=sys.stderr,
        )
    else:
        print(tr("cli.error_prefix") + message, file=sys.stderr)
    return EXIT_STORAGE if isinstance(error, StorageFault) else EXIT_REFUSED
