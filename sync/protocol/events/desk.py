"""A desk's own setup and its operators: pushed to the server only (it names operators in
conflicts). ``device.created`` is the desk's own record of its setup, made before it knows
any server: desk-authored, never pulled, unlike the server's ``device.enrolled``."""

from __future__ import annotations

from sync.protocol.contract import (
    Author,
    DeviceCode,
    Id,
    Payload,
    Text20,
    Text60,
    Text100,
    declare,
)


class StationCreated(Payload, frozen=True, kw_only=True):
    name: Text100
    kind: Text20
    union_name: Text100 = ""


class DeviceCreated(Payload, frozen=True, kw_only=True):
    code: DeviceCode
    station_id: Id


class OperatorChanged(Payload, frozen=True, kw_only=True):
    """A new operator (name and role), a renamed one, or one (de)activated (``active``)."""

    name: Text60 | None = None
    role: Text20 | None = None
    active: bool | None = None


STATION_CREATED = declare("station.created", StationCreated, author=Author.DESK)
DEVICE_CREATED = declare("device.created", DeviceCreated, author=Author.DESK)
OPERATOR_CREATED = declare("operator.created", OperatorChanged, author=Author.DESK)
OPERATOR_UPDATED = declare("operator.updated", OperatorChanged, author=Author.DESK)
