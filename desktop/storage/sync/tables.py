"""Tables of sync: the outbox (every write's event, in the writer's transaction), sync state,
pull cursors and conflicts."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class OutboxRow(Base):
    """Every write appends one row here in the same transaction; sync pushes them in order.

    ``seq`` is the device's monotonically increasing sequence (AUTOINCREMENT: never reused).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "pushed_at", "seq"),
        Index("ix_outbox_entity", "entity_id"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    pushed_at: Mapped[str | None] = mapped_column(String(27), default=None)
    # Set when pushed: accepted or duplicate (stored on the server), or quarantined (refused
    # by the server; kept here with the reason, never blocking the events behind it).
    result: Mapped[str | None] = mapped_column(String(12), default=None, index=True)
    reason: Mapped[str | None] = mapped_column(String(120), default=None)
    server_seq: Mapped[int | None] = mapped_column(Integer, default=None)


class SyncStateRow(Base):
    """What this desk knows of its server: address, station, epoch, last sync, last error."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncCursorRow(Base):
    """Where this desk stands in each pull dataset: the server's opaque cursor."""

    __tablename__ = "sync_cursor"

    dataset: Mapped[str] = mapped_column(String(20), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text)
    applied: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[str] = mapped_column(String(27))


class ConflictRow(Base):
    """A clash the server found between records of several desks, as pulled; resolved here
    or at another desk with a note."""

    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_status", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # open, resolved
    detail: Mapped[str] = mapped_column(Text)  # JSON: sync.protocol.ConflictOpened
    opened_at: Mapped[str] = mapped_column(String(27))
    resolved_at: Mapped[str | None] = mapped_column(String(27), default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    resolution: Mapped[str | None] = mapped_column(Text, default=None)  # JSON
    # The stations of the records in conflict, space-separated: a desk lists its own.
    stations: Mapped[str] = mapped_column(Text, default="", server_default="")


class PulledQuarantineRow(Base):
    """A pulled event this desk did not apply: its kind is unknown here, its payload does not
    match its kind's declaration, or it is a kind only the server may make and its signature
    does not verify with the server key pinned at enrolment. Kept with the reason (shown on
    the sync screen); the pull goes on past it."""

    __tablename__ = "pulled_quarantine"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_seq: Mapped[int] = mapped_column(Integer)
    dataset: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[str] = mapped_column(String(27))
    reason: Mapped[str] = mapped_column(String(120))
    payload: Mapped[str] = mapped_column(Text)  # JSON, as pulled
    quarantined_at: Mapped[str] = mapped_column(String(27))
