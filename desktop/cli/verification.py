"""`waystation verify TEXT | --image FILE.png`: what a card's or certificate's QR code says.

Exit status 0 when every code found is valid, else 1 (refused).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop.cli.certificates import certificate_fields
from desktop.cli.common import EXIT_OK, EXIT_REFUSED, Output
from desktop.domain.certificates import shown_hours
from desktop.domain.errors import InvalidInput
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.bootstrap import Desk
    from desktop.services.cards.verification import Scan


def register(verbs: Any, common: argparse.ArgumentParser) -> None:
    """Add this area's verb; it sets `run=cmd_verify(desk, args, out) -> int`."""
    p = verbs.add_parser("verify", parents=[common], help=tr("cli.help.verify"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("text", nargs="?")
    which.add_argument("--image", metavar="FILE.png", help=tr("cli.help.verify_image"))
    p.set_defaults(run=cmd_verify)


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
    from sync.protocol.certificates import hours_text

    contents: dict[str, Any] | None = None
    if found.certificate_serial is not None:
        contents = {"serial": found.certificate_serial, "device": found.device_code}
        if found.fields is not None:
            recorded = found.fields
            hours = shown_hours(recorded.title, recorded.hours)  # none on an honour
            contents.update(certificate_fields(recorded))
            contents.update(revoked=found.revoked, revoke_reason=found.revoked_reason)
            contents.update(device_revoked_at=found.device_revoked_at)
            said = {
                "title": recorded.title,
                "recipient": recorded.recipient_name,
                "purpose": recorded.purpose,
                "issued_on": recorded.issued_on.isoformat(),
                "issuer": recorded.issuing_union,
                "serial": found.certificate_serial,
            }
            if hours is None:  # no hours stated, as on the paper
                lines.append(tr("cli.verify_certificate_contents_no_hours", **said))
            else:
                lines.append(tr("cli.verify_certificate_contents", hours=hours_text(hours), **said))
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
        "device_revoked_at": found.device_revoked_at,
        "message": lines[0],
        "contents": contents,
    }


def cmd_verify(desk: Desk, args: argparse.Namespace, out: Output) -> int:
    from desktop.services.cards import verification
    from desktop.services.cards.verification import ScanKind

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
