"""`waystation` verbs of members: member add|edit|find|show|deactivate|reactivate.

(``member import`` and ``member export`` are the reports area's.)
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, Output, context, find_one, member_json, member_line
from desktop.domain.model import Member
from desktop.i18n import join, tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk
    from desktop.services.members import commands as members


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's verbs; each sets `run=cmd_...(desk, args, out) -> int`."""
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


def _member_fields(p: argparse.ArgumentParser, name_required: bool) -> None:
    p.add_argument("--name", required=name_required)
    p.add_argument("--phone")
    p.add_argument("--occupation")
    p.add_argument("--employer")
    p.add_argument("--union-branch")
    p.add_argument("--tag", action="append", help=tr("cli.help.tag"))
    p.add_argument("--id-number", help=tr("cli.help.id_number"))
    p.add_argument("--no-consent", action="store_true", help=tr("cli.help.no_consent"))


def _form(args: argparse.Namespace, base: Member | None = None) -> members.MemberForm:
    from desktop.services.members import commands as members

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
    from desktop.services.members import commands as members

    ctx = context(desk, args)
    member = members.register_member(
        _form(args), desk.uow(), ctx, confirm_duplicates=args.allow_same_phone
    )
    out.emit(member_json(member), tr("cli.member_added", line=member_line(member)))
    return EXIT_OK


def cmd_member_edit(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.members import commands as members

    ctx = context(desk, args)
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
    from desktop.services.members import queries as member_queries

    found = member_queries.search_members(
        desk.uow(), args.query, limit=max(1, min(args.limit, 500))
    )
    text = "\n".join(member_line(m) for m in found) or tr("cli.nothing_found")
    out.emit([member_json(m) for m in found], text)
    return EXIT_OK


def cmd_member_show(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.visits import queries as visit_queries

    member = find_one(desk, args.ref)
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
    from desktop.services.members import commands as members

    ctx = context(desk, args)
    current = members.resolve_member(desk.uow(), args.ref)
    member = members.set_member_active(current.id, False, args.reason, desk.uow(), ctx)
    out.emit(member_json(member), tr("cli.member_deactivated", reason=member.deactivated_reason))
    return EXIT_OK


def cmd_member_reactivate(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.members import commands as members

    ctx = context(desk, args)
    current = members.resolve_member(desk.uow(), args.ref)
    member = members.set_member_active(current.id, True, "", desk.uow(), ctx)
    out.emit(member_json(member), tr("cli.member_saved", line=member_line(member)))
    return EXIT_OK
