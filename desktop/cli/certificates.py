"""`waystation` verbs of certificates: print certificate (issue, or reprint by serial),
certificate reprint SERIAL --out (the same certificate, its QR leading to the address the
desk knows now), certificate revoke SERIAL --reason."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, Output, context, find_one, optional_day, pdf_out, sub_verbs
from desktop.domain.certificates import TITLES, shown_hours
from desktop.domain.errors import InvalidInput
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's verbs; each sets `run=cmd_...(desk, args, out) -> int`."""
    p = sub_verbs(verbs.choices["print"]).add_parser(
        "certificate", parents=[common], help=tr("cli.help.print_cert")
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--member", metavar="REF")
    which.add_argument("--serial", help=tr("cli.help.cert_serial"))
    p.add_argument("--title", help=" | ".join(TITLES))
    p.add_argument("--for", dest="for_text", help=tr("cli.help.cert_for"))
    p.add_argument("--hours", default="", help=tr("cli.help.cert_hours"))
    p.add_argument("--from", dest="starts_on", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="ends_on", metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_certificate)

    cert = verbs.add_parser("certificate", parents=[common], help=tr("cli.help.certificate"))
    ceverbs = cert.add_subparsers(dest="certificate_verb", required=True)
    p = ceverbs.add_parser("reprint", parents=[common], help=tr("cli.help.cert_reprint"))
    p.add_argument("serial")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(run=cmd_print_certificate)
    p = ceverbs.add_parser("revoke", parents=[common], help=tr("cli.help.cert_revoke"))
    p.add_argument("serial")
    p.add_argument("--reason", required=True)
    p.set_defaults(run=cmd_certificate_revoke)


def cmd_print_certificate(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.certificates import commands as certificates

    ctx = context(desk, args)
    with pdf_out(args.out) as write:
        if getattr(args, "serial", None):
            issued = certificates.reprint(desk.uow(), args.serial)
        else:
            if not getattr(args, "title", None) or not getattr(args, "for_text", None):
                raise InvalidInput("cli.certificate_needs", field="title")
            member = find_one(desk, args.member)
            form = certificates.CertificateForm(
                member_id=member.id,
                title=args.title,
                purpose=args.for_text,
                hours=args.hours,
                starts_on=optional_day(args.starts_on, "from"),
                ends_on=optional_day(args.ends_on, "to"),
            )
            issued = certificates.issue_certificate(form, desk.uow(), ctx, desk.keys)
        from desktop.services.cards import printouts

        write(printouts.certificate_pdf_for(desk.uow(), issued))
    data: dict[str, Any] = {
        "out": str(Path(args.out).expanduser()),
        "serial": issued.serial,
        "url": issued.url,
        "fields": certificate_fields(issued.fields),
        "pages": 1,
        # No public address known: the QR is one only a station checks (offline).
        "offline_only": issued.offline_only,
    }
    text = tr("cli.certificate_printed", serial=issued.serial, out=str(data["out"]))
    text += "\n" + issued.url
    if issued.offline_only:
        data["warning"] = tr("certificate.no_verify_url")
        text += "\n" + data["warning"]
    out.emit(data, text)
    return EXIT_OK


def cmd_certificate_revoke(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.certificates import commands as certificates

    ctx = context(desk, args)
    certificates.revoke_certificate(args.serial, args.reason, desk.uow(), ctx)
    serial = args.serial.strip()
    out.emit({"serial": serial, "revoked": True}, tr("cli.certificate_revoked", serial=serial))
    return EXIT_OK


def certificate_fields(recorded: Any) -> dict[str, Any]:
    """A certificate's recorded fields as JSON (``print certificate``, ``verify``); no hours
    where the paper states none (an honour)."""
    from sync.protocol.certificates import hours_text

    hours = shown_hours(recorded.title, recorded.hours)
    return {
        "title": recorded.title,
        "recipient": recorded.recipient_name,
        "member_id": recorded.member_id,
        "purpose": recorded.purpose,
        "hours": None if hours is None else hours_text(hours),
        "issued_on": recorded.issued_on.isoformat(),
        "issuing_union": recorded.issuing_union,
        "starts_on": recorded.starts_on.isoformat() if recorded.starts_on else None,
        "ends_on": recorded.ends_on.isoformat() if recorded.ends_on else None,
    }
