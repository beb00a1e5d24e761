"""Appliers of pulled member events, in bulk (a first pull brings them by the hundred
thousand).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from desktop.domain.people import normalise_member_number, phone_tail
from desktop.domain.pinyin import sort_key
from desktop.services.members.commands import KEYS_VERSION, search_keys
from desktop.services.sync.replication import BatchApplier, PulledEvent, optional_text_of, text_of
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.members.tables import MemberRow
from desktop.storage.sync.repositories import PushResults
from desktop.storage.uow import UnitOfWork


def _member_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """A pulled member's columns, each clipped to its size (runs once per member on a first
    pull of hundreds of thousands: kept plain)."""
    phone = optional_text_of(payload, "phone", 11)
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
        "member_number": text_of(payload, "member_number", 20),
        "name": text_of(payload, "name", 50),
        "phone": phone,
        "phone_tail": tail,
        "occupation": text_of(payload, "occupation", 30),
        "employer": text_of(payload, "employer", 100),
        "union_branch": text_of(payload, "union_branch", 100),
        "tags": tags_text,
        "id_hash": optional_text_of(payload, "id_hash", 64),
        "id_last4": optional_text_of(payload, "id_last4", 4),
        "consent_at": optional_text_of(payload, "consent_at", 27),
        "active": payload.get("active") is not False,
        "deactivated_reason": optional_text_of(payload, "deactivated_reason", 200),
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
    row = uow.repo(MemberRepository).row(event.entity_id)
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
        uow.repo(MemberRepository).add(row, search_keys(row.name, row.member_number))
        return
    placeholder = row.from_card
    if not placeholder:
        if fields["version"] <= row.version:
            return  # this desk has this version or a newer one
        if uow.repo(PushResults).entity_pending(row.id):
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
    uow.repo(MemberRepository).replace_keys(
        row.id, () if row.merged_into else search_keys(row.name, row.member_number)
    )


BATCH_APPLIERS: dict[str, BatchApplier] = dict.fromkeys(MEMBER_KINDS, _members)
