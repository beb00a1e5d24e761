"""Certificates issued by hand (an award, a course outside the training module): signed, so
an employer's phone and any station can check them; revocable with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.config import DeskSettings, verification_address
from desktop.domain.certificates import TITLES, check_hours
from desktop.domain.clock import local_date, to_iso
from desktop.domain.errors import InvalidInput, NotFound, RuleViolation
from desktop.domain.model import DeskContext, Role
from desktop.identity.keys import DeviceKeys
from desktop.identity.tokens import (
    CertificateVerdict,
    Verdict,
    verify_certificate,
)
from desktop.services.desk.operators import require_role
from desktop.storage.certificates.repositories import Certificates
from desktop.storage.certificates.tables import CertificateRow
from desktop.storage.desk.repositories import PublicKeys
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.uow import UnitOfWork
from sync.protocol.certificates import (
    CertificateFields,
    certificate_serial,
    certificate_url,
    hours_text,
    parse_certificate_serial,
    sign_certificate,
)
from sync.protocol.events.certificates import (
    CERTIFICATE_ISSUED,
    CERTIFICATE_REVOKED,
    CertificateIssued,
    CertificateRevoked,
)

PURPOSE_MAX = 200
HOURS_MAX = Decimal(10_000)


@dataclass(frozen=True)
class CertificateForm:
    member_id: str
    title: str
    purpose: str  # course name, or competition and award
    hours: str = ""  # typed; must be empty for an honour (domain.certificates)
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class IssuedCertificate:
    serial: str
    fields: CertificateFields
    url: str  # what the QR holds
    revoked: bool = False

    @property
    def offline_only(self) -> bool:
        """The QR holds no web address (the desk knew none when it was made): a phone cannot
        open it, any station checks it offline. Reprint once the address is known."""
        return not self.url.startswith(("https://", "http://"))


def verification_base(uow: UnitOfWork) -> str:
    """The public verification address certificates' QR codes lead to; "" when this desk
    knows none yet (never enrolled nor set, or an older desk's placeholder)."""
    return verification_address(DeskSettings.certificate_base_url.read(uow))


def _hours(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise InvalidInput("certificate.hours", field="hours") from None
    if not hours.is_finite() or hours <= 0 or hours > HOURS_MAX:
        raise InvalidInput("certificate.hours", field="hours")
    return Decimal(hours_text(hours))  # 40, not 4E+1, wherever it is shown or stored


def certificate_fields(row: CertificateRow) -> CertificateFields:
    """What the stored certificate says, as its signature covers it."""
    return CertificateFields(
        title=row.title,
        recipient_name=row.recipient_name,
        member_id=row.member_id,
        purpose=row.purpose,
        hours=None if row.hours is None else Decimal(hours_text(Decimal(row.hours))),
        issued_on=date.fromisoformat(row.issued_on),
        issuing_union=row.issuing_union,
        starts_on=date.fromisoformat(row.starts_on) if row.starts_on else None,
        ends_on=date.fromisoformat(row.ends_on) if row.ends_on else None,
    )


def known_address(uow: UnitOfWork) -> str:
    """The public verification address this desk knows ("" = none yet): screens say so
    before a certificate is printed with a QR only a station can check."""
    with uow.reading():
        return verification_base(uow)


def reprint(uow: UnitOfWork, serial: str) -> IssuedCertificate:
    """A certificate to print again under its own serial, with the same signed fields and
    signature; its QR leads to the address the desk knows now. A revoked one is refused."""
    issued = certificate(uow, serial)
    if issued.revoked:
        with uow.reading():
            row = uow.repo(Certificates).get(issued.serial)
            reason = (row.revoke_reason if row is not None else "") or ""
        raise RuleViolation("certificate.revoked", reason=reason)
    return issued


def issue_certificate(
    form: CertificateForm, uow: UnitOfWork, ctx: DeskContext, keys: DeviceKeys
) -> IssuedCertificate:
    with uow:
        issued = issue_in(form, uow, ctx, keys)
        uow.commit()
        return issued


def issue_in(
    form: CertificateForm, uow: UnitOfWork, ctx: DeskContext, keys: DeviceKeys
) -> IssuedCertificate:
    """Issue inside a unit of work the caller opened and commits (many in one transaction)."""
    title = " ".join(form.title.split())
    if title not in TITLES:
        raise InvalidInput("certificate.title", field="title", titles="、".join(TITLES))
    purpose = " ".join(form.purpose.split())
    if not purpose or len(purpose) > PURPOSE_MAX:
        raise InvalidInput("certificate.purpose", field="purpose", max=PURPOSE_MAX)
    hours = _hours(form.hours)
    check_hours(title, hours)
    if form.starts_on and form.ends_on and form.ends_on < form.starts_on:
        raise InvalidInput("certificate.dates", field="ends_on")
    member = uow.repo(MemberRepository).get(form.member_id)
    if member is None:
        raise NotFound("member.not_found", ref=form.member_id)
    device = uow.device.row()
    station = uow.device.station_row()
    assert device is not None and station is not None
    now = uow.now()
    serial = certificate_serial(device.code, device.next_certificate_seq)
    device.next_certificate_seq += 1
    fields = CertificateFields(
        title=title,
        recipient_name=member.name,
        member_id=member.id,
        purpose=purpose,
        hours=hours,
        issued_on=date.fromisoformat(local_date(now)),
        issuing_union=station.union_name or station.name,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
    )
    signature = sign_certificate(serial, fields, keys.private_key)
    at = to_iso(now)
    row = CertificateRow(
        serial=serial,
        member_id=member.id,
        title=title,
        recipient_name=member.name,
        purpose=purpose,
        hours=None if hours is None else str(hours),
        issued_on=fields.issued_on.isoformat(),
        issuing_union=fields.issuing_union,
        starts_on=form.starts_on.isoformat() if form.starts_on else None,
        ends_on=form.ends_on.isoformat() if form.ends_on else None,
        signature=signature,
        station_id=ctx.station_id,
        device_id=ctx.device_id,
        operator_id=ctx.operator_id,
        device_time=at,
    )
    uow.repo(Certificates).add(row)
    payload = CertificateIssued(
        serial=row.serial,
        member_id=row.member_id,
        title=row.title,
        recipient_name=row.recipient_name,
        purpose=row.purpose,
        hours=row.hours,
        issued_on=row.issued_on,
        issuing_union=row.issuing_union,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        signature=row.signature,
        station_id=row.station_id,
        device_id=row.device_id,
        operator_id=row.operator_id,
        device_time=row.device_time,
    )
    uow.outbox.append(CERTIFICATE_ISSUED, serial, payload, ctx, at)
    url = certificate_url(verification_base(uow), serial, signature)
    return IssuedCertificate(serial, fields, url)


def issuing_station_is(uow: UnitOfWork, row: CertificateRow, station_id: str) -> bool:
    """Whether ``station_id`` (as the server knows stations) issued the certificate: only a
    desk of that station (or HQ) may revoke it, here as at the server
    (``sync/server/rules/certificates.py``). This desk's own certificates are its station's
    (some were recorded under the station id it had before enrolling); a pulled one is the
    station's that pushed it."""
    device = uow.device.row()
    parsed = parse_certificate_serial(row.serial)
    if device is not None and parsed is not None and parsed[0] == device.code:
        return station_id == device.station_id
    return station_id == row.station_id


def revoke_certificate(serial: str, reason: str, uow: UnitOfWork, ctx: DeskContext) -> None:
    require_role(ctx, Role.LEAD)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("certificate.reason_required", field="reason")
    with uow:
        row = uow.repo(Certificates).get(serial.strip())
        if row is None:
            raise NotFound("certificate.not_found", serial=serial.strip()[:40])
        if row.revoked_at:
            raise RuleViolation("certificate.already_revoked")
        device = uow.device.row()
        if device is None or not issuing_station_is(uow, row, device.station_id):
            parsed = parse_certificate_serial(row.serial)
            raise RuleViolation(
                "certificate.not_issuer",
                serial=row.serial,
                device=parsed[0] if parsed else "",
                union=row.issuing_union,
            )
        at = to_iso(uow.now())
        reason = reason[:200]
        row.revoked_at, row.revoke_reason = at, reason
        uow.outbox.append(
            CERTIFICATE_REVOKED, row.serial, CertificateRevoked(reason=reason), ctx, at
        )
        uow.commit()


def certificate(uow: UnitOfWork, serial: str) -> IssuedCertificate:
    with uow.reading():
        row = uow.repo(Certificates).get(serial.strip())
        if row is None:
            raise NotFound("certificate.not_found", serial=serial.strip()[:40])
        url = certificate_url(verification_base(uow), row.serial, row.signature)
        return IssuedCertificate(
            row.serial, certificate_fields(row), url, revoked=bool(row.revoked_at)
        )


def verify_certificate_text(uow: UnitOfWork, text: str) -> tuple[CertificateVerdict, str | None]:
    """The verdict on a scanned certificate link, and the revocation reason if revoked.

    A certificate of a device revoked since is checked with that device's key all the same:
    this desk holds only certificates the server received, and the server takes nothing
    from a device once revoked, so each was issued before the revocation and stays valid
    (``device_revoked_at`` tells the screen to say so). One this desk does not hold is
    UNKNOWN_CERTIFICATE, as before."""
    with uow.reading():

        def fields_for(serial: str) -> CertificateFields | None:
            row = uow.repo(Certificates).get(serial)
            return None if row is None else certificate_fields(row)

        keys = uow.repo(PublicKeys).key_even_if_revoked
        verdict = verify_certificate(text, fields_for, keys)
        revoked = None
        if verdict.verdict is Verdict.VALID and verdict.serial:
            row = uow.repo(Certificates).get(verdict.serial)
            if row is not None and row.revoked_at:
                revoked = row.revoke_reason or ""
        return verdict, revoked


def device_revoked_at(uow: UnitOfWork, device_code: str | None) -> str | None:
    """When the server revoked the device a certificate names (UTC ISO), or None."""
    if not device_code:
        return None
    with uow.reading():
        return uow.repo(PublicKeys).revoked_at(device_code)
