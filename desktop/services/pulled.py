"""Appliers for the core datasets: device keys, members, cards, certificates, conflicts.

See desktop.services.replication for the rules every applier follows.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from desktop.domain.people import normalise_member_number, phone_tail
from desktop.domain.pinyin import sort_key
from desktop.services import syncing
from desktop.services.members import KEYS_VERSION, search_keys
from desktop.services.replication import PulledEvent, applier, batch_applier
from desktop.storage.schema import (
    CardEventRow,
    CardRow,
    CertificateRow,
    ConflictRow,
    DeviceKeyRow,
    MemberRow,
)
from desktop.storage.uow import UnitOfWork

CARD_STATUS = {"lost": "lost", "replaced": "replaced"}


def _text(payload: dict[str, Any], key: str, limit: int, default: str = "") -> str:
    value = payload.get(key)
    return value[:limit] if isinstance(value, str) else default


def _optional(payload: dict[str, Any], key: str, limit: int) -> str | None:
    value = payload.get(key)
    return value[:limit] if isinstance(value, str) and value else None


# --- device keys ----------------------------------------------------------------------------


@applier("device.enrolled")
def _device_enrolled(uow: UnitOfWork, event: PulledEvent) -> None:
    code = _text(event.payload, "device_code", 8)
    try:
        key = base64.b64decode(_text(event.payload, "public_key", 60), validate=True)
    except (binascii.Error, ValueError):
        return
    if not code or len(key) != 32:
        return
    row = uow.session.get(DeviceKeyRow, code)
    if row is None:
        uow.session.add(
            DeviceKeyRow(
                device_code=code, public_key=key, source="pulled", registered_at=event.device_time
            )
        )
    # A code already known with another key is not replaced: cards it signed keep their owner.


@applier("device.revoked")
def _device_revoked(uow: UnitOfWork, event: PulledEvent) -> None:
    row = uow.session.get(DeviceKeyRow, _text(event.payload, "device_code", 8))
    if row is not None and row.source != "own" and row.revoked_at is None:
        row.revoked_at = event.device_time


# --- members --------------------------------------------------------------------------------


def _member_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """A pulled member's columns, each clipped to its size (runs once per member on a first
    pull of hundreds of thousands: kept plain)."""
    phone = _optional(payload, "phone", 11)
    tags = payload.get("tags")
    if not tags:
        tags_text = "[]"
    else:
        kept = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        tags_text = json.dumps(kept, ensure_ascii=False)
    if phone is None:
        tail = None
    elif phone.isascii() and phone.isdigit():
        tail = phone[-4:]  # as every desk stores it: 11 ASCII digits
    else:
        tail = phone_tail(phone)
    version = payload.get("version")
    return {
        "member_number": _text(payload, "member_number", 20),
        "name": _text(payload, "name", 50),
        "phone": phone,
        "phone_tail": tail,
        "occupation": _text(payload, "occupation", 30),
        "employer": _text(payload, "employer", 100),
        "union_branch": _text(payload, "union_branch", 100),
        "tags": tags_text,
        "id_hash": _optional(payload, "id_hash", 64),
        "id_last4": _optional(payload, "id_last4", 4),
        "consent_at": _optional(payload, "consent_at", 27),
        "active": payload.get("active") is not False,
        "deactivated_reason": _optional(payload, "deactivated_reason", 200),
        "version": version if isinstance(version, int) and version > 0 else 1,
    }


MEMBER_KINDS = ("member.registered", "member.updated", "member.deactivated", "member.reactivated")


@lru_cache(maxsize=200_000)
def _name_keys(name: str) -> tuple[tuple[str, ...], str]:
    """Search keys and sort key of a name (names repeat: computed once per name)."""
    return tuple(sorted(search_keys(name, ""))), sort_key(name)


def _keys_of(payload: dict[str, Any], name: str) -> tuple[tuple[str, ...], str]:
    """The keys the registering desk sent (same keys version), else computed here."""
    sent, sort = payload.get("name_keys"), payload.get("name_sort")
    if (
        payload.get("keys_version") == KEYS_VERSION
        and isinstance(sent, list)
        and isinstance(sort, str)
        and all(isinstance(key, str) for key in sent)
    ):
        return tuple(key[:60] for key in sent), sort[:120]
    return _name_keys(name)


@batch_applier(*MEMBER_KINDS)
def _members(uow: UnitOfWork, events: list[PulledEvent]) -> None:
    """New members in bulk (a first pull brings hundreds of thousands); members this desk
    already holds one by one, by the rules of ``_member``."""
    ids = list({event.entity_id for event in events})
    existing: set[str] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        existing.update(uow.session.scalars(select(MemberRow.id).where(MemberRow.id.in_(chunk))))
    queued: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.entity_id in existing:
            _member(uow, event)
            continue
        fields = _member_fields(event.payload)
        if not fields["name"] or not fields["member_number"]:
            continue
        earlier = queued.get(event.entity_id)
        if earlier is not None:
            if fields["version"] > earlier["version"]:
                keys_of_name, name_sort = _keys_of(event.payload, fields["name"])
                earlier.update(
                    fields, updated_at=event.received_at, _keys=keys_of_name, name_sort=name_sort
                )
            continue
        keys_of_name, name_sort = _keys_of(event.payload, fields["name"])
        queued[event.entity_id] = {
            "name_sort": name_sort,
            "_keys": keys_of_name,
            "id": event.entity_id,
            "station_id": event.station_id,
            "device_id": event.device_id,
            "operator_id": event.operator_id,
            "device_time": event.device_time,
            "updated_at": event.received_at,
            "from_card": False,
            "merged_into": None,
            **fields,
        }
    if not queued:
        return
    keys: list[tuple[str, str]] = []
    for row in queued.values():
        name_keys = row.pop("_keys")
        number_key = normalise_member_number(row["member_number"]).lower()
        for key in {*name_keys, number_key}:
            if key:
                keys.append((key[:60], row["id"]))
    rows = list(queued.values())
    columns = list(rows[0])
    connection = uow.session.connection()
    connection.exec_driver_sql(
        f"INSERT INTO member ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(row[column] for column in columns) for row in rows],
    )
    connection.exec_driver_sql(
        "INSERT OR IGNORE INTO member_search_key (key, member_id) VALUES (?, ?)", keys
    )


def _member(uow: UnitOfWork, event: PulledEvent) -> None:
    fields = _member_fields(event.payload)
    if not fields["name"] or not fields["member_number"]:
        return
    row = uow.members.row(event.entity_id)
    if row is None:
        row = MemberRow(
            id=event.entity_id,
            name_sort=sort_key(fields["name"]),
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id,
            device_time=event.device_time,
            updated_at=event.received_at,
            from_card=False,
            **fields,
        )
        uow.members.add(row, search_keys(row.name, row.member_number))
        return
    placeholder = row.from_card
    if not placeholder:
        if fields["version"] <= row.version:
            return  # this desk has this version or a newer one
        if uow.push_results.entity_pending(row.id):
            return  # a change made here is on its way; it reaches every desk after this one
    for key, value in fields.items():
        setattr(row, key, value)
    row.name_sort = sort_key(row.name)
    row.updated_at = event.received_at
    if placeholder:
        row.from_card = False
        row.station_id = event.station_id
        row.device_id = event.device_id
        row.operator_id = event.operator_id
        row.device_time = event.device_time
    uow.session.flush()
    uow.members.replace_keys(
        row.id, () if row.merged_into else search_keys(row.name, row.member_number)
    )


# --- cards ----------------------------------------------------------------------------------


@applier("card.issued", "card.printed", "card.reprinted", "card.lost", "card.replaced")
def _card(uow: UnitOfWork, event: PulledEvent) -> None:
    member_id = _text(event.payload, "member_id", 36)
    serial = event.payload.get("serial")
    if not member_id or not isinstance(serial, int) or uow.members.row(member_id) is None:
        return
    kind = event.kind.split(".", 1)[1]
    card = uow.session.get(CardRow, event.entity_id)
    if card is None:
        card = CardRow(
            id=event.entity_id,
            member_id=member_id,
            serial=serial,
            device_code=_text(event.payload, "device_code", 8),
            status="active",
            printed_count=0,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id or "",
            device_time=event.device_time,
        )
        uow.cards.add(card)
    if kind in CARD_STATUS:
        card.status = CARD_STATUS[kind]
    elif kind in ("printed", "reprinted"):
        card.printed_count += 1
    if uow.session.get(CardEventRow, event.event_id) is None:
        uow.cards.add_event(
            CardEventRow(
                id=event.event_id,
                card_id=card.id,
                kind=kind,
                reason=_optional(event.payload, "reason", 200),
                station_id=event.station_id,
                device_id=event.device_id,
                operator_id=event.operator_id or "",
                device_time=event.device_time,
            )
        )


# --- certificates ---------------------------------------------------------------------------


@applier("certificate.issued")
def _certificate_issued(uow: UnitOfWork, event: PulledEvent) -> None:
    p = event.payload
    serial = _text(p, "serial", 24) or event.entity_id
    if uow.certificates.get(serial) is not None:
        return
    member_id = _optional(p, "member_id", 36)
    if member_id is not None and uow.members.row(member_id) is None:
        member_id = None
    uow.certificates.add(
        CertificateRow(
            serial=serial,
            member_id=member_id,
            title=_text(p, "title", 40),
            recipient_name=_text(p, "recipient_name", 50),
            purpose=_text(p, "purpose", 200),
            hours=_optional(p, "hours", 12),
            issued_on=_text(p, "issued_on", 10),
            issuing_union=_text(p, "issuing_union", 100),
            starts_on=_optional(p, "starts_on", 10),
            ends_on=_optional(p, "ends_on", 10),
            signature=_text(p, "signature", 110),
            revoked_at=None,
            revoke_reason=None,
            station_id=event.station_id,
            device_id=event.device_id,
            operator_id=event.operator_id or "",
            device_time=event.device_time,
        )
    )


@applier("certificate.revoked")
def _certificate_revoked(uow: UnitOfWork, event: PulledEvent) -> None:
    row = uow.certificates.get(event.entity_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = event.device_time
        row.revoke_reason = _optional(event.payload, "reason", 200) or "-"


# --- conflicts ------------------------------------------------------------------------------


@applier("conflict.opened")
def _conflict_opened(uow: UnitOfWork, event: PulledEvent) -> None:
    conflict_id = _text(event.payload, "conflict_id", 36)
    if not conflict_id or uow.conflicts.get(conflict_id) is not None:
        return
    uow.conflicts.add(
        ConflictRow(
            id=conflict_id,
            kind=_text(event.payload, "conflict_kind", 40),
            status="open",
            detail=json.dumps(event.payload, ensure_ascii=False),
            opened_at=event.received_at,
            stations=" ".join(
                sorted(
                    {
                        str(record.get("station_id"))
                        for record in event.payload.get("records", [])
                        if isinstance(record, dict)
                    }
                )
            ),
        )
    )


@applier("conflict.resolved")
def _conflict_resolved(uow: UnitOfWork, event: PulledEvent) -> None:
    row = uow.conflicts.get(_text(event.payload, "conflict_id", 36))
    if row is None or row.status == "resolved":
        return
    row.status = "resolved"
    row.note = _text(event.payload, "note", 500)
    row.resolved_at = event.device_time
    row.resolution = json.dumps(event.payload, ensure_ascii=False)
    if event.payload.get("action") == "merge":
        merge_from = _text(event.payload, "merge_from", 36)
        merge_into = _text(event.payload, "merge_into", 36)
        if merge_from and merge_into:
            syncing.merge_members(uow, merge_from, merge_into)
