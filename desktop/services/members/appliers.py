"""Appliers of pulled member events, in bulk (a first pull brings them by the hundred
thousand).

See desktop.services.sync.replication for the rules every applier follows."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from desktop.domain.people import normalise_member_number, phone_tail
from desktop.domain.pinyin import sort_key
from desktop.services.members.commands import KEYS_VERSION, search_keys
from desktop.services.sync.replication import BatchApplier, PulledEvent
from desktop.storage.members.bulk import MEMBER_COLUMNS, existing_members, insert_members
from desktop.storage.members.repositories import MemberRepository
from desktop.storage.members.tables import MemberRow
from desktop.storage.sync.repositories import PushResults
from desktop.storage.uow import UnitOfWork
from sync.protocol import EventKind
from sync.protocol.events.members import MEMBER_KINDS, MemberPayload


def _member_fields(member: MemberPayload) -> dict[str, Any]:
    """A pulled member's columns, for a member this desk holds already."""
    phone = member.phone or None
    return {
        "member_number": member.member_number,
        "name": member.name,
        "phone": phone,
        "phone_tail": _tail(phone),
        "occupation": member.occupation,
        "employer": member.employer,
        "union_branch": member.union_branch,
        "tags": _tags(member.tags),
        "id_hash": member.id_hash or None,
        "id_last4": member.id_last4 or None,
        "consent_at": member.consent_at or None,
        "active": member.active,
        "deactivated_reason": member.deactivated_reason or None,
        "version": member.version,
    }


def _tail(phone: str | None) -> str | None:
    if phone is None:
        return None
    if phone.isascii() and phone.isdigit():
        return phone[-4:]  # as every desk stores it: 11 ASCII digits
    return phone_tail(phone)


def _tags(tags: tuple[str, ...]) -> str:
    return json.dumps(list(tags), ensure_ascii=False) if tags else "[]"


@lru_cache(maxsize=200_000)
def _name_keys(name: str) -> tuple[tuple[str, ...], str]:
    """Search keys and sort key of a name (names repeat: computed once per name)."""
    return tuple(sorted(search_keys(name, ""))), sort_key(name)


def _keys_of(member: MemberPayload) -> tuple[tuple[str, ...], str]:
    """The keys the registering desk sent (same keys version), else computed here."""
    if member.keys_version == KEYS_VERSION and member.name_sort:
        return member.name_keys, member.name_sort
    return _name_keys(member.name)


def _new_row(event: PulledEvent, member: MemberPayload, name_sort: str) -> tuple[Any, ...]:
    """A member this desk does not hold yet, in ``MEMBER_COLUMNS`` order (runs once per
    member on a first pull of hundreds of thousands: kept plain)."""
    phone = member.phone or None
    return (
        event.entity_id,
        member.member_number,
        member.name,
        name_sort,
        phone,
        _tail(phone),
        member.occupation,
        member.employer,
        member.union_branch,
        _tags(member.tags),
        member.id_hash or None,
        member.id_last4 or None,
        member.consent_at or None,
        member.active,
        member.deactivated_reason or None,
        member.version,
        event.station_id,
        event.device_id,
        event.operator_id,
        event.device_time,
        event.received_at,
        False,  # from_card
        None,  # merged_into
    )


_NUMBER = MEMBER_COLUMNS.index("member_number")
_VERSION = MEMBER_COLUMNS.index("version")
_AUTHOR = slice(MEMBER_COLUMNS.index("station_id"), MEMBER_COLUMNS.index("updated_at"))


def _members(uow: UnitOfWork, events: list[tuple[PulledEvent, MemberPayload]]) -> None:
    """New members in bulk (a first pull brings hundreds of thousands); members this desk
    already holds one by one, by the rules of ``_member``."""
    connection = uow.session.connection()
    existing = existing_members(connection, list({event.entity_id for event, _m in events}))
    # A page may hold an entity twice (registered, then edited): the newest version is kept,
    # with the author and device time of the first.
    queued: dict[str, tuple[tuple[Any, ...], tuple[str, ...]]] = {}
    for event, member in events:
        entity = event.entity_id
        if entity in existing:
            _member(uow, event, member)
            continue
        if not member.name or not member.member_number:
            continue
        earlier = queued.get(entity)
        if earlier is not None and member.version <= earlier[0][_VERSION]:
            continue
        name_keys, name_sort = _keys_of(member)
        row = _new_row(event, member, name_sort)
        if earlier is not None:
            row = (*row[: _AUTHOR.start], *earlier[0][_AUTHOR], *row[_AUTHOR.stop :])
        queued[entity] = (row, name_keys)
    if not queued:
        return
    keys: list[tuple[str, str]] = []
    for entity, (row, name_keys) in queued.items():
        number_key = normalise_member_number(row[_NUMBER]).lower()
        for key in {*name_keys, number_key}:
            if key:
                keys.append((key[:60], entity))
    insert_members(connection, [row for row, _keys in queued.values()], keys)


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
