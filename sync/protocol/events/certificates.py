"""Certificates: issued (every field its signature covers, and the signature) and revoked
(entity id: the serial). A revocation is made at a desk of the station that issued the
certificate (the server refuses any other desk's, ``sync/server/rules/certificates.py``), or
by HQ as the server, signed with its key (``Author.EITHER``)."""

from __future__ import annotations

from sync.protocol.contract import (
    Author,
    Day,
    HoursText,
    Id,
    Moment,
    Payload,
    Text40,
    Text50,
    Text100,
    Text120,
    Text200,
    declare,
    hours_ok,
)


class CertificateIssued(Payload, frozen=True, kw_only=True):
    serial: Text40
    title: Text100
    recipient_name: Text50
    purpose: Text200
    issued_on: Day
    issuing_union: Text100
    signature: Text120
    member_id: Id | None = None
    hours: HoursText | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    revoked_at: Moment | None = None
    revoke_reason: Text200 | None = None
    station_id: Id | None = None
    device_id: Id | None = None
    operator_id: Id | None = None
    device_time: Moment | None = None

    def __post_init__(self) -> None:
        if not hours_ok(self.hours):
            raise ValueError("hours out of range")


class CertificateRevoked(Payload, frozen=True, kw_only=True):
    reason: Text200 = ""


CERTIFICATE_ISSUED = declare(
    "certificate.issued", CertificateIssued, author=Author.DESK, dataset="certificates"
)
CERTIFICATE_REVOKED = declare(
    "certificate.revoked", CertificateRevoked, author=Author.EITHER, dataset="certificates"
)
