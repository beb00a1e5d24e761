"""What the members area needs of the store, in the domain's words."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.domain.model import (
    Member,
)
from desktop.storage.members.tables import MemberRevisionRow, MemberRow, MemberSearchKeyRow


def to_member(row: MemberRow) -> Member:
    return Member(
        id=row.id,
        member_number=row.member_number,
        name=row.name,
        phone=row.phone,
        occupation=row.occupation,
        employer=row.employer,
        union_branch=row.union_branch,
        tags=tuple(json.loads(row.tags)),
        id_last4=row.id_last4,
        id_hash=row.id_hash,
        consent_at=row.consent_at,
        active=row.active,
        deactivated_reason=row.deactivated_reason,
        version=row.version,
        registered_at=row.device_time,
        station_id=row.station_id,
    )


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: MemberRow, keys: Iterable[str]) -> None:
        self.session.add(row)
        self.session.flush()
        self.replace_keys(row.id, keys)

    def replace_keys(self, member_id: str, keys: Iterable[str]) -> None:
        self.session.execute(
            delete(MemberSearchKeyRow).where(MemberSearchKeyRow.member_id == member_id)
        )
        self.session.add_all(
            MemberSearchKeyRow(key=key, member_id=member_id) for key in sorted(set(keys)) if key
        )

    def add_revision(self, row: MemberRow, operator_id: str | None, at: str) -> None:
        data = {c.name: getattr(row, c.name) for c in MemberRow.__table__.columns}
        self.session.add(
            MemberRevisionRow(
                member_id=row.id,
                version=row.version,
                data=json.dumps(data, ensure_ascii=False),
                operator_id=operator_id,
                device_time=at,
            )
        )

    def row(self, member_id: str) -> MemberRow | None:
        return self.session.get(MemberRow, member_id)

    def get(self, member_id: str) -> Member | None:
        row = self.row(member_id)
        return None if row is None else to_member(row)

    def by_number(self, member_number: str) -> Member | None:
        row = self.session.scalars(
            select(MemberRow).where(MemberRow.member_number == member_number)
        ).first()
        return None if row is None else to_member(row)

    def by_phone(self, phone: str) -> list[Member]:
        rows = self.session.scalars(select(MemberRow).where(MemberRow.phone == phone).limit(20))
        return [to_member(row) for row in rows]

    def by_id_hash(self, id_hash: str) -> list[Member]:
        rows = self.session.scalars(select(MemberRow).where(MemberRow.id_hash == id_hash).limit(20))
        return [to_member(row) for row in rows]

    def by_name_and_phone_tail(self, name: str, tail: str) -> list[Member]:
        rows = self.session.scalars(
            select(MemberRow).where(MemberRow.phone_tail == tail, MemberRow.name == name).limit(20)
        )
        return [to_member(row) for row in rows]

    def many(self, ids: Sequence[str]) -> list[Member]:
        """Members by id, in the order of ``ids``."""
        if not ids:
            return []
        rows = {
            row.id: row
            for row in self.session.scalars(select(MemberRow).where(MemberRow.id.in_(ids)))
        }
        return [to_member(rows[i]) for i in ids if i in rows]
