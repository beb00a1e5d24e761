"""HQ revokes a certificate (``waystation-server certificate revoke SERIAL --reason``).

A certificate is revoked by a desk of the station that issued it (the server refuses any
other desk's, ``rules/certificates.py``) or by HQ, for instance when a device was stolen and
certificates it issued before it was revoked must go too. HQ's revocation is the same
``certificate.revoked`` a desk makes (``Author.EITHER``), made by the server and signed with
its key: every desk pulls it with the certificates dataset and applies it after checking the
signature. The public page reads it from ``certificate_index`` at once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync.protocol.certificates import parse_certificate_serial
from sync.protocol.events.certificates import CERTIFICATE_REVOKED, CertificateRevoked
from sync.server import log
from sync.server.admin import AdminError
from sync.server.figures.projection import Fact, project
from sync.server.models import CertificateIndexRow
from sync.server.signing import ServerKey

REASON_MAX = 200


def revoke(session: Session, serial: str, reason: str, key: ServerKey) -> CertificateIndexRow:
    """Revoke a certificate the server holds; AdminError when it holds none, the reason is
    missing or it was revoked already (the first revocation stands)."""
    serial = serial.strip().upper()
    reason = " ".join(reason.split())
    if not reason:
        raise AdminError("reason_required", "give the reason for revoking (--reason)")
    if len(reason) > REASON_MAX:
        raise AdminError("reason_too_long", f"the reason takes at most {REASON_MAX} characters")
    row = None
    if parse_certificate_serial(serial) is not None:
        row = session.get(CertificateIndexRow, serial, with_for_update=True)
    if row is None or row.payload is None:
        raise AdminError("not_found", f"no certificate {serial[:40]} has reached the server", 404)
    if row.revoked_at is not None:
        raise AdminError("already_revoked", f"certificate {serial} was revoked already", 409)
    payload = CertificateRevoked(reason=reason)
    event = log.server_event(CERTIFICATE_REVOKED, serial, payload, key, row.station_id or "")
    row.revoked_at = event["device_time"]
    row.revoke_reason = reason
    log.append(session, [event])
    if row.station_id:  # the console counts it at the issuing station, as a desk's
        fact = Fact(
            CERTIFICATE_REVOKED.name,
            event["event_id"],
            serial,
            row.station_id,
            event["device_time"],
            payload,
        )
        project(session, [fact])
    session.flush()
    return row
