"""SQLAlchemy mapping of the local store. The schema itself changes only through Alembic.

Conventions: ids are UUIDv7 text made on the device; times are UTC ISO text
(``desktop.domain.clock.to_iso``); every record says which station, device and operator
made it and the device's own time. Events (visits, voids) are never updated or deleted.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


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


class AuditRow(Base):
    """Actions that are not records themselves: sign-ins, locks, settings, operator changes."""

    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    device_time: Mapped[str] = mapped_column(String(27))


class MemberRow(Base):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_phone", "phone"),
        Index("ix_member_phone_tail", "phone_tail"),
        Index("ix_member_id_hash", "id_hash"),
        Index("ix_member_name_sort", "name_sort"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    name_sort: Mapped[str] = mapped_column(String(120), default="")  # pinyin, for 按姓名排序
    phone: Mapped[str | None] = mapped_column(String(11))
    phone_tail: Mapped[str | None] = mapped_column(String(4))
    occupation: Mapped[str] = mapped_column(String(30), default="")
    employer: Mapped[str] = mapped_column(String(100), default="")
    union_branch: Mapped[str] = mapped_column(String(100), default="")
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    id_hash: Mapped[str | None] = mapped_column(String(64))
    id_last4: Mapped[str | None] = mapped_column(String(4))
    consent_at: Mapped[str | None] = mapped_column(String(27))
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    updated_at: Mapped[str] = mapped_column(String(27))
    # Known here only from a valid card scanned at this desk (registered at another
    # station): a placeholder until sync brings the record; never pushed itself.
    from_card: Mapped[bool] = mapped_column(default=False)
    # Set when a station lead merged this record into another (the same person registered
    # twice): kept with its visits, hidden from search, found under the record kept.
    merged_into: Mapped[str | None] = mapped_column(String(36), default=None)


class MemberSearchKeyRow(Base):
    """Lowercase keys a person may type (pinyin, initials, name, given name, member number).

    A prefix range scan on (key) answers search-as-you-type with an index lookup.
    """

    __tablename__ = "member_search_key"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    member_id: Mapped[str] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MemberRevisionRow(Base):
    """Each version of a member as it was saved, for the audit trail of edits."""

    __tablename__ = "member_revision"

    member_id: Mapped[str] = mapped_column(ForeignKey("member.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))


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


class DeviceKeyRow(Base):
    """Public keys of devices that sign cards and certificates: this one's and, via sync,
    everyone else's. A revoked device's cards no longer verify."""

    __tablename__ = "device_key"

    device_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    source: Mapped[str] = mapped_column(String(10))  # "own" or "pulled"
    registered_at: Mapped[str] = mapped_column(String(27))
    revoked_at: Mapped[str | None] = mapped_column(String(27), default=None)


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


from desktop.storage import schema_aid as _aid  # noqa: E402,F401  (the aid area's tables)
from desktop.storage import schema_reports as _schema_reports  # noqa: E402, F401 (reports)
from desktop.storage import schema_training  # noqa: E402,F401  (training tables)
