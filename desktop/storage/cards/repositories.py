"""What the cards area needs of the store: cards by serial and their events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.storage.cards.tables import CardEventRow, CardRow
from desktop.storage.members.tables import MemberRow


class Cards:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_member(self, member_id: str) -> list[CardRow]:
        query = select(CardRow).where(CardRow.member_id == member_id).order_by(CardRow.serial)
        return list(self.session.scalars(query))

    def current(self, member_id: str) -> CardRow | None:
        cards = [c for c in self.of_member(member_id) if c.status == "active"]
        return cards[-1] if cards else None

    def is_blocked(self, member_id: str, serial: int) -> bool:
        row = self.session.scalars(
            select(CardRow).where(CardRow.member_id == member_id, CardRow.serial == serial)
        ).first()
        return row is not None and row.status != "active"

    def add(self, row: CardRow) -> None:
        self.session.add(row)
        self.session.flush()  # its events refer to it; no relationship() orders the inserts

    def add_event(self, row: CardEventRow) -> None:
        self.session.add(row)

    def members_without_printed_card(self, limit: int | None = None) -> list[str]:
        # Printed = the current (active) card was printed; a reissued card waits again.
        printed = select(CardRow.member_id).where(
            CardRow.printed_count > 0, CardRow.status == "active"
        )
        query = (
            select(MemberRow.id)
            .where(MemberRow.active.is_(True), MemberRow.id.not_in(printed))
            .order_by(MemberRow.device_time)
        )
        if limit:
            query = query.limit(limit)
        return list(self.session.scalars(query))
