"""Tables of the visits area: check-ins (immutable events) and their voids."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class VisitRow(Base):
    """A check-in: an immutable event. ``member_id`` is empty for an anonymous count."""

    __tablename__ = "visit"
    __table_args__ = (
        Index("ix_visit_member_time", "member_id", "device_time"),
        Index("ix_visit_local_date", "local_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("member.id"))
    occupation: Mapped[str | None] = mapped_column(String(30))
    services: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of service codes
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    local_date: Mapped[str] = mapped_column(String(10))


class VisitVoidRow(Base):
    """Voids a mistaken visit, with the reason. At most one per visit."""

    __tablename__ = "visit_void"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))


class VisitTallyRow(Base):
    """Per-day tallies of standing (not voided) visits: a projection the monthly report reads
    instead of the visits themselves. Kept up to date by `VisitRepository.add` / `add_void`
    in the visit's own transaction; `tallies.rebuild` makes it again from the visits (the
    migration that added it, and bulk loaders that write visits with plain SQL).

    ``kind`` and ``key`` (see `tallies.Kind`): ``visits``, ``anonymous``, ``voided`` and
    ``people`` (members with a standing visit that day) with key ''; ``hour`` with the local
    hour ``00``..``23``; ``service`` and ``service_anonymous`` with a service code;
    ``occupation_anonymous`` with the occupation noted for an anonymous visit.
    """

    __tablename__ = "visit_tally"
    __table_args__ = ({"sqlite_with_rowid": False},)

    local_date: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    key: Mapped[str] = mapped_column(String(30), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)
