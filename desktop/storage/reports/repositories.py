"""What imports, exports and reports need of the store: bulk writes and set lookups."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from desktop.domain.ids import new_id
from desktop.domain.model import DeskContext
from desktop.storage.members.tables import MemberRevisionRow, MemberRow, MemberSearchKeyRow
from desktop.storage.sync.outbox import payload_json
from desktop.storage.sync.tables import OutboxRow
from sync.protocol import EventKind
from sync.protocol.contract import Payload

P = TypeVar("P", bound=Payload)


def _table(row: type[Any]) -> Table:
    return cast(Table, row.__table__)


@dataclass(frozen=True)
class KnownMember:
    """What matching an imported row against the register needs of a member."""

    id: str
    phone: str | None
    id_hash: str | None
    name: str
    member_number: str


@dataclass
class MemberIndex:
    """Existing members by phone, by ID hash, and (for members with neither) by name."""

    by_phone: dict[str, list[KnownMember]]
    by_id_hash: dict[str, list[KnownMember]]
    by_bare_name: dict[str, list[KnownMember]]


class Rosters:
    def __init__(self, session: Session) -> None:
        self.session = session

    def member_index(self) -> MemberIndex:
        """One pass over the register instead of three queries per imported row."""
        index = MemberIndex({}, {}, {})
        query = select(
            MemberRow.id,
            MemberRow.phone,
            MemberRow.id_hash,
            MemberRow.name,
            MemberRow.member_number,
        ).where(MemberRow.from_card.is_(False))
        for member_id, phone, id_hash, name, number in self.session.execute(query):
            self.remember(index, KnownMember(member_id, phone, id_hash, name, number))
        return index

    @staticmethod
    def remember(index: MemberIndex, known: KnownMember) -> None:
        if known.phone:
            index.by_phone.setdefault(known.phone, []).append(known)
        if known.id_hash:
            index.by_id_hash.setdefault(known.id_hash, []).append(known)
        if not known.phone and not known.id_hash:
            index.by_bare_name.setdefault(known.name, []).append(known)

    def rows(self, ids: Sequence[str]) -> dict[str, MemberRow]:
        if not ids:
            return {}
        query = select(MemberRow).where(MemberRow.id.in_(ids))
        return {row.id: row for row in self.session.scalars(query)}

    def add_members(
        self,
        members: Sequence[dict[str, Any]],
        keys: Sequence[dict[str, str]],
        operator_id: str | None,
        at: str,
    ) -> None:
        """New members with their search keys and first revision, as executemany inserts."""
        if not members:
            return
        # Core inserts of the tables (plain executemany), not ORM bulk inserts of the classes.
        connection = self.session.connection()
        connection.execute(insert(_table(MemberRow)), list(members))
        if keys:
            connection.execute(insert(_table(MemberSearchKeyRow)), list(keys))
        connection.execute(
            insert(_table(MemberRevisionRow)),
            [
                {
                    "member_id": m["id"],
                    "version": m["version"],
                    "data": json.dumps(m, ensure_ascii=False),
                    "operator_id": operator_id,
                    "device_time": at,
                }
                for m in members
            ],
        )

    def append_events(
        self,
        kind: EventKind[P],
        events: Sequence[tuple[str, P]],
        ctx: DeskContext,
        at: str,
    ) -> None:
        """Outbox rows of one kind, (entity id, payload) each, in one insert; the same rows
        as Outbox.append."""
        if not events:
            return
        self.session.connection().execute(
            insert(_table(OutboxRow)),
            [
                {
                    "event_id": new_id(),
                    "kind": kind.name,
                    "entity_id": entity_id,
                    "payload": payload_json(kind, payload),
                    "station_id": ctx.station_id,
                    "device_id": ctx.device_id,
                    "operator_id": ctx.operator_id or None,
                    "device_time": at,
                }
                for entity_id, payload in events
            ],
        )
