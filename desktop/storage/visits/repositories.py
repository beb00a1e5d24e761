"""What the visits area needs of the store: check-ins and voids, with their tallies."""

from __future__ import annotations

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from desktop.storage.visits import tallies
from desktop.storage.visits.tables import VisitRow, VisitVoidRow


class VisitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: VisitRow) -> None:
        """Record a visit, and count it in its day's tallies (`tallies`)."""
        self.session.add(row)
        tallies.count(
            self.session,
            row.id,
            row.local_date,
            row.device_time,
            row.member_id,
            row.occupation,
            row.services,
            1,
        )

    def row(self, visit_id: str) -> VisitRow | None:
        return self.session.get(VisitRow, visit_id)

    def void_of(self, visit_id: str) -> VisitVoidRow | None:
        return self.session.scalars(
            select(VisitVoidRow).where(VisitVoidRow.visit_id == visit_id)
        ).first()

    def add_void(self, row: VisitVoidRow, visit: VisitRow) -> None:
        """Void ``visit`` (not voided yet: the caller checks), taking it out of the tallies."""
        self.session.add(row)
        tallies.count(
            self.session,
            visit.id,
            visit.local_date,
            visit.device_time,
            visit.member_id,
            visit.occupation,
            visit.services,
            -1,
        )

    def last_standing_for(self, member_id: str) -> VisitRow | None:
        """The member's visit recorded last on this device and not voided.

        By insertion order (rowid; visits are never deleted), not by device time: a clock
        that was put right must not make an older visit look like the latest.
        """
        query = (
            select(VisitRow)
            .outerjoin(VisitVoidRow, VisitVoidRow.visit_id == VisitRow.id)
            .where(VisitRow.member_id == member_id, VisitVoidRow.id.is_(None))
            .order_by(literal_column("visit.rowid").desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def count_standing_for(self, member_id: str) -> int:
        query = (
            select(func.count())
            .select_from(VisitRow)
            .outerjoin(VisitVoidRow, VisitVoidRow.visit_id == VisitRow.id)
            .where(VisitRow.member_id == member_id, VisitVoidRow.id.is_(None))
        )
        return int(self.session.scalar(query) or 0)
