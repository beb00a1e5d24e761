"""`waystation` verbs of member cards: print cards, print calibration, card lost|reissue.

The ``print`` verb is this area's; certificates and training add their printouts to it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, Output, context, find_one, member_json, pdf_out, station
from desktop.domain.errors import InvalidInput, RuleViolation
from desktop.domain.model import Member
from desktop.i18n import join, tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk

LAYOUTS = ("cr80", "a4-10up")


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's verbs; each sets `run=cmd_...(desk, args, out) -> int`."""
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


def _card_members(desk: Desk, args: argparse.Namespace) -> list[Member]:
    """The members whose cards are to be printed, in the order asked, each once."""
    from desktop.services.cards import commands as cards
    from desktop.services.members import commands as members
    from desktop.services.members import queries as member_queries

    if args.member:
        chosen = [find_one(desk, ref) for ref in args.member]
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
    from desktop.storage.cards.repositories import Cards

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
    from desktop.services.cards import commands as cards
    from desktop.services.cards import printouts

    ctx = context(desk, args)
    here = station(desk)
    with pdf_out(args.out) as write:
        chosen = _card_members(desk, args)
        _check_card_job(desk, chosen, args.reprint_reason)
        printed = [
            cards.card_to_print(m.id, desk.uow(), ctx, desk.keys, args.reprint_reason)
            for m in chosen
        ]
        faces = [compose.card_face(card, here) for card in printed]
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


def cmd_print_calibration(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.printing import calibration_page

    with pdf_out(args.out) as write:
        write(calibration_page())
    data = {"out": str(Path(args.out).expanduser()), "pages": 1}
    out.emit(data, tr("cli.calibration_printed", out=data["out"]))
    return EXIT_OK


def cmd_card_lost(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.cards import commands as cards

    ctx = context(desk, args)
    member = find_one(desk, args.ref)
    serial = cards.report_lost(member.id, args.reason, desk.uow(), ctx)
    data = {"member": member_json(member), "serial": serial, "status": "lost"}
    out.emit(data, tr("cli.card_lost", name=member.name, serial=serial))
    return EXIT_OK


def cmd_card_reissue(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.cards import commands as cards

    ctx = context(desk, args)
    member = find_one(desk, args.ref)
    serial = cards.reissue(member.id, desk.uow(), ctx)
    data = {"member": member_json(member), "serial": serial, "status": "active"}
    out.emit(data, tr("cli.card_reissued", name=member.name, serial=serial))
    return EXIT_OK
