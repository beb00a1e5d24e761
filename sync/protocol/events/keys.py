"""Device keys and revocations: said only by the server (signed with its key), believed by
desks only when the signature verifies with the key they pinned at enrolment."""

from __future__ import annotations

from sync.protocol.contract import (
    Author,
    DeviceCode,
    Id,
    Moment,
    Payload,
    Text60,
    Text100,
    Uuid,
    declare,
)


class DeviceEnrolled(Payload, frozen=True, kw_only=True):
    device_id: Uuid
    device_code: DeviceCode
    public_key: Text60  # base64 of the 32 raw Ed25519 bytes
    station_id: Id
    station_name: Text100 = ""


class DeviceRevoked(Payload, frozen=True, kw_only=True):
    device_id: Uuid
    device_code: DeviceCode
    revoked_at: Moment | None = None  # the server's time (older servers did not send it)


DEVICE_ENROLLED = declare("device.enrolled", DeviceEnrolled, author=Author.SERVER, dataset="keys")
DEVICE_REVOKED = declare("device.revoked", DeviceRevoked, author=Author.SERVER, dataset="keys")
