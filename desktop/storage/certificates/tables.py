"""Tables of the certificates area: every signed field of a certificate and its signature."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class CertificateRow(Base):
    """A certificate as issued: every field its signature covers, and the signature."""

    __tablename__ = "certificate"

    serial: Mapped[str] = mapped_column(String(24), primary_key=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("member.id"), index=True)
    title: Mapped[str] = mapped_column(String(40))
    recipient_name: Mapped[str] = mapped_column(String(50))
    purpose: Mapped[str] = mapped_column(String(200))
    hours: Mapped[str | None] = mapped_column(String(12))  # exact decimal text
    issued_on: Mapped[str] = mapped_column(String(10))
    issuing_union: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[str | None] = mapped_column(String(10))
    ends_on: Mapped[str | None] = mapped_column(String(10))
    signature: Mapped[str] = mapped_column(String(110))
    revoked_at: Mapped[str | None] = mapped_column(String(27), default=None)
    revoke_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
