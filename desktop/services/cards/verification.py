"""One answer to "what is this scanned code worth here, and what does it say?", for the
verify screen and the command line alike: a card or a certificate, the verdict in a message
code, and the signed contents as labelled rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop.domain.certificates import shown_hours
from desktop.domain.clock import shown
from desktop.identity.tokens import (
    CertificateLink,
    Problem,
    Verdict,
    parse,
)
from desktop.services.cards import identity
from desktop.services.certificates import commands as certificates
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol.certificates import (
    CertificateFields,
    hours_text,
)

# What a certificate's verdict says when its device was revoked since.
DEVICE_REVOKED_MESSAGES = {
    Verdict.VALID: "verify.certificate_valid_device_revoked",
    Verdict.UNKNOWN_CERTIFICATE: "verify.unknown_certificate_device_revoked",
}


class ScanKind(StrEnum):
    CARD = "card"
    CERTIFICATE = "certificate"


@dataclass(frozen=True)
class Scan:
    """A verdict on scanned text and what the code carries.

    For a card the contents are what it says (checked unless the device is unknown); name
    and number are this station's record of that member, if it has one. For a certificate
    ``fields`` are this station's record, the signature having matched it.
    """

    kind: ScanKind
    verdict: Verdict
    problem: Problem | None
    accepted: bool  # the desk takes it: a valid card (or unknown device if so configured)
    message_code: str
    message_params: dict[str, Any] = field(default_factory=dict, hash=False)
    member_id: str | None = None
    member_name: str | None = None
    member_number: str | None = None
    card_serial: int | None = None
    device_code: str | None = None
    certificate_serial: str | None = None
    fields: CertificateFields | None = None
    revoked_reason: str | None = None  # a genuine certificate that was withdrawn
    # The issuing device was revoked since (server time, UTC ISO): a certificate this desk
    # holds was received by the server before that and stays valid; say so.
    device_revoked_at: str | None = None

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID and self.revoked_reason is None

    @property
    def revoked(self) -> bool:
        return self.revoked_reason is not None

    @property
    def rows(self) -> tuple[tuple[str, str], ...]:
        """The contents as (label message code, value) rows, empty values left out. The
        member's id is not one: a person reads the name and number (``member_id`` is there
        for scripts); ``scan.device`` holds the code, which the screen names."""
        if self.kind is ScanKind.CARD:
            rows = [
                ("scan.member_name", self.member_name or ""),
                ("scan.member_number", self.member_number or ""),
                ("scan.card_serial", "" if self.card_serial is None else str(self.card_serial)),
                ("scan.device", self.device_code or ""),
            ]
        else:
            rows = [*_certificate_rows(self.fields)]
            rows += [
                ("scan.certificate_serial", self.certificate_serial or ""),
                ("scan.device", self.device_code or ""),
                ("scan.device_revoked_at", shown(self.device_revoked_at)),
                ("scan.revoked_reason", self.revoked_reason or ""),
            ]
        return tuple((label, value) for label, value in rows if value)


def _certificate_rows(fields: CertificateFields | None) -> list[tuple[str, str]]:
    if fields is None:
        return []
    start, end = fields.starts_on, fields.ends_on
    dates = ""
    if start or end:
        dates = f"{start.isoformat() if start else '-'} ~ {end.isoformat() if end else '-'}"
    return [
        ("scan.title", fields.title),
        ("scan.recipient", fields.recipient_name),
        ("scan.purpose", fields.purpose),
        ("scan.hours", hours_text(shown_hours(fields.title, fields.hours))),
        ("scan.dates", dates),
        ("scan.issued_on", fields.issued_on.isoformat()),
        ("scan.issuing_union", fields.issuing_union),
    ]


def scan(uow: UnitOfWork, text: str) -> Scan:
    """What scanned or pasted ``text`` is worth at this desk; never raises on any text.

    A certificate link is checked as a certificate; anything else as a member card (so that
    garbage gets the card's "not recognised" answer).
    """
    if isinstance(parse(text), CertificateLink):
        return _certificate(uow, text)
    return _card(uow, text)


def _card(uow: UnitOfWork, text: str) -> Scan:
    verdict = identity.verify_card_text(uow, text)
    name = number = None
    if verdict.member_id is not None and verdict.member_known:
        with uow.reading():
            member = uow.repo(MemberRepository).get(verdict.member_id)
        if member is not None:
            name, number = member.name, member.member_number
    return Scan(
        kind=ScanKind.CARD,
        verdict=verdict.verdict,
        problem=verdict.problem,
        accepted=identity.accepted(uow, verdict),
        message_code=verdict.message_code,
        message_params=verdict.message_params,
        member_id=verdict.member_id,
        member_name=name,
        member_number=number,
        card_serial=verdict.serial,
        device_code=verdict.device_code,
    )


def _certificate(uow: UnitOfWork, text: str) -> Scan:
    verdict, revoked = certificates.verify_certificate_text(uow, text)
    code, params = verdict.message_code, verdict.message_params
    device_revoked = certificates.device_revoked_at(uow, verdict.device_code)
    if revoked is not None:  # genuine, but withdrawn: that is the verdict to read
        code, params = "certificate.revoked", {"reason": revoked}
    elif device_revoked is not None and verdict.verdict in DEVICE_REVOKED_MESSAGES:
        code = DEVICE_REVOKED_MESSAGES[verdict.verdict]
        params = {**params, "revoked_at": shown(device_revoked)}
    return Scan(
        kind=ScanKind.CERTIFICATE,
        verdict=verdict.verdict,
        problem=verdict.problem,
        accepted=verdict.verdict is Verdict.VALID and revoked is None,
        message_code=code,
        message_params=params,
        member_id=verdict.fields.member_id if verdict.fields else None,
        device_code=verdict.device_code,
        certificate_serial=verdict.serial,
        fields=verdict.fields,
        revoked_reason=revoked,
        device_revoked_at=device_revoked,
    )
