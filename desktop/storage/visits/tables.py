"""Tables of the visits area: check-ins (immutable events) and their voids."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
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
