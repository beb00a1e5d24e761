"""Appliers of pulled member events, in bulk (a first pull brings them by the hundred
thousand).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

import json
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import select

from desktop.domain.people import normalise_member_number, phone_tail
from desktop.domain.pinyin import sort_key
from desktop.services.members.commands import KEYS_VERSION, search_keys
from desktop.services.sync.replication import BatchApplier, PulledEvent
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.members.tables import MemberRow
from desktop.storage.sync.repositories import PushResults
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.members import MEMBER_KINDS, MemberPayload


def _member_fields(member: MemberPayload) -> dict[str, Any]:
    """A pulled member's columns (runs once per member on a first pull of hundreds of
    thousands: kept plain)."""
    phone = member.phone or None
    if phone is None:
        tail = None
    elif phone.isascii() and phone.isdigit():
        tail = phone[-4:]  # as every desk stores it: 11 ASCII digits
    else:
        tail = phone_tail(phone)
    return {
        "member_number": member.member_number,
        "name": member.name,
        "phone": phone,
        "phone_tail": tail,
        "occupation": member.occupation,
        "employer": member.employer,
        "union_branch": member.union_branch,
        "tags": json.dumps(list(member.tags), ensure_ascii=False) if member.tags else "[]",
        "id_hash": member.id_hash or None,
        "id_last4": member.id_last4 or None,
        "consent_at": member.consent_at or None,
        "active": member.active,
        "deactivated_reason": member.deactivated_reason or None,
        "version": member.version,
    }


@lru_cache(maxsize=200_000)
def _name_keys(name: str) -> tuple[tuple[str, ...], str]:
    """Search keys and sort key of a name (names repeat: computed once per name)."""
    return tuple(sorted(search_keys(name, ""))), sort_key(name)


def _keys_of(member: MemberPayload) -> tuple[tuple[str, ...], str]:
    """The keys the registering desk sent (same keys version), else computed here."""
    if member.keys_version == KEYS_VERSION and member.name_sort:
        return member.name_keys, member.name_sort
    return _name_keys(member.name)


def _members(uow: UnitOfWork, events: list[tuple[PulledEvent, MemberPayload]]) -> None:
    """New members in bulk (a first pull brings hundreds of thousands); members this desk
    already holds one by one, by the rules of ``_member``."""
    ids = list({event.entity_id for event, _member in events})
    existing: set[str] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        existing.update(uow.session.scalars(select(MemberRow.id).where(MemberRow.id.in_(chunk))))
    queued: dict[str, dict[str, Any]] = {}
    for event, member in events:
        if event.entity_id in existing:
            _member(uow, event, member)
            continue
        fields = _member_fields(member)
        if not fields["name"] or not fields["member_number"]:
            continue
        earlier = queued.get(event.entity_id)
        if earlier is not None:
            if fields["version"] > earlier["version"]:
                keys_of_name, name_sort = _keys_of(member)
                earlier.update(
                    fields, updated_at=event.received_at, _keys=keys_of_name, name_sort=name_sort
                )
            continue
        keys_of_name, name_sort = _keys_of(member)
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
    values = itemgetter(*columns)
    connection = uow.session.connection()
    connection.exec_driver_sql(
        f"INSERT INTO member ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [values(row) for row in rows],
    )
    keys.sort()  # in key order: each leaf of the key index is visited once, not per key
    connection.exec_driver_sql(
        "INSERT OR IGNORE INTO member_search_key (key, member_id) VALUES (?, ?)", keys
    )


def _member(uow: UnitOfWork, event: PulledEvent, member: MemberPayload) -> None:
    fields = _member_fields(member)
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


BATCH_APPLIERS: dict[EventKind[Any], BatchApplier] = dict.fromkeys(MEMBER_KINDS, _members)
