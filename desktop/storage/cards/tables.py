"""Tables of the cards area: one row per card serial and the card's immutable events."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class CardRow(Base):
    """A member card: one serial per member, printed (and reprinted) under that serial until
    it is reported lost; a reissue gets the next serial."""

    __tablename__ = "card"
    __table_args__ = (UniqueConstraint("member_id", "serial"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("member.id"), index=True)
    serial: Mapped[int] = mapped_column(Integer)
    device_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10))  # active, lost, replaced
    printed_count: Mapped[int] = mapped_column(Integer, default=0)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))


class CardEventRow(Base):
    """What happened to a card: issued, printed, reprinted (with a reason), lost. Immutable."""

    __tablename__ = "card_event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("card.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200))
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
