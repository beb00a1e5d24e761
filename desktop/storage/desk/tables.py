"""Tables of the desk itself: station, this device, operators, settings, audit log and the
register of devices' public keys.

Conventions for every area: ids are UUIDv7 text made on the device; times are UTC ISO text
(``desktop.domain.clock.to_iso``); every record says which station, device and operator
made it and the device's own time. Events are never updated or deleted. The schema itself
changes only through Alembic (``desktop/storage/migrations``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class StationRow(Base):
    __tablename__ = "station"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    union_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[str] = mapped_column(String(27))


class DeviceRow(Base):
    """This device. Exactly one row: the device identity made at first start."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("station.id"))
    next_member_seq: Mapped[int] = mapped_column(Integer, default=1)
    next_certificate_seq: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[str] = mapped_column(String(27))


class OperatorRow(Base):
    __tablename__ = "operator"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    pin_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("station.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[str] = mapped_column(String(27))
    version: Mapped[int] = mapped_column(Integer, default=1)


class SettingRow(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class AuditRow(Base):
    """Actions that are not records themselves: sign-ins, locks, settings, operator changes."""

    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    device_time: Mapped[str] = mapped_column(String(27))


class DeviceKeyRow(Base):
    """Public keys of devices that sign cards and certificates: this one's and, via sync,
    everyone else's. A revoked device's cards no longer verify."""

    __tablename__ = "device_key"

    device_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    source: Mapped[str] = mapped_column(String(10))  # "own" or "pulled"
    registered_at: Mapped[str] = mapped_column(String(27))
    revoked_at: Mapped[str | None] = mapped_column(String(27), default=None)
    # The station the server enrolled the device for (empty: this desk's own key, or pulled
    # before desks kept it): what screens show instead of the code.
    station_name: Mapped[str] = mapped_column(String(100), default="")
