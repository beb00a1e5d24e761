"""The server's own tables (never the desk's): stations, devices, the event log, conflicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
ServerSeq = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class MetaRow(Base):
    """``epoch`` (this database's identity) and ``id_hash_key`` (the organisation's)."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class StationRow(Base):
    __tablename__ = "station"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The district union the station belongs to ("" for none): a district viewer of the HQ
    # console sees only its own union's stations.
    union_name: Mapped[str] = mapped_column(String(100), default="", index=True)


class EnrolmentCodeRow(Base):
    """One-time codes; only their hash is kept."""

    __tablename__ = "enrolment_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("station.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    used_by: Mapped[str | None] = mapped_column(String(36), default=None)


class DeviceRow(Base):
    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("station.id"), index=True)
    # The station id the desk made at its own setup, before it knew the server's.
    local_station_id: Mapped[str] = mapped_column(String(36))
    public_key: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    events: Mapped[int] = mapped_column(BigInteger, default=0)
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class EventRow(Base):
    """Every event any desk made, once, in order of receipt (``server_seq``)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_dataset_seq", "dataset", "server_seq"),
        Index("ix_event_device_seq", "device_id", "seq"),
        {"sqlite_autoincrement": True},
    )

    server_seq: Mapped[int] = mapped_column(ServerSeq, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    station_id: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    dataset: Mapped[str | None] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    payload_hash: Mapped[str] = mapped_column(String(64))
    # Server-authored events: the server key's signature (sync.protocol.signing), base64.
    signature: Mapped[str | None] = mapped_column(String(100), default=None)


class ConflictRow(Base):
    __tablename__ = "conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What clashed, e.g. the two member ids in order: one conflict per subject and kind.
    subject: Mapped[str] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    event_a: Mapped[str] = mapped_column(String(36))
    event_b: Mapped[str] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text)  # JSON: protocol.ConflictOpened
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    resolution: Mapped[str | None] = mapped_column(Text, default=None)  # JSON


class MemberIndexRow(Base):
    """Who is who, to find the same person registered at two desks."""

    __tablename__ = "member_index"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    station_id: Mapped[str] = mapped_column(String(36))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    merged_into: Mapped[str | None] = mapped_column(String(36), default=None)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class OperatorIndexRow(Base):
    """Operators' names, so that a conflict names people, not ids."""

    __tablename__ = "operator_index"

    operator_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))


class HandoutIndexRow(Base):
    """Handouts by person and campaign, to check a campaign's limits across desks."""

    __tablename__ = "handout_index"
    __table_args__ = (Index("ix_handout_index_member", "member_id", "campaign_id"),)

    handout_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    member_id: Mapped[str] = mapped_column(String(36))
    campaign_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    local_date: Mapped[str] = mapped_column(String(10))
    server_seq: Mapped[int] = mapped_column(BigInteger)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)


class CentralRow(Base):
    """What HQ made centrally (``sync.server.central``): items, campaigns, courses and their
    sessions, each as the payload last sent to the desks (its newest version). A desk may
    not push an edit of one of these (ingest refuses ``central_record``)."""

    __tablename__ = "central_record"
    __table_args__ = (Index("ix_central_record_kind", "kind", "name"),)

    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # item, campaign, course, session
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[str | None] = mapped_column(String(36), default=None)  # a session's course
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON of the newest version
    version: Mapped[int] = mapped_column(Integer, default=1)
    made_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccountRow(Base):
    """A named account of the HQ console (sync/server/web/hq/auth.py): argon2 hash only."""

    __tablename__ = "hq_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # hq_admin | district_viewer
    union_name: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class ConsoleSessionRow(Base):
    """A signed-in browser: only the hash of the cookie's token is kept."""

    __tablename__ = "hq_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("hq_account.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(60), default="")


class LoginFailureRow(Base):
    """Wrong passwords counted per account name and per address (``what:who``), shared by
    every server process, so that a pause holds behind a load balancer too."""

    __tablename__ = "hq_login_failure"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paused_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class AuditRow(Base):
    """Every change made through the console or the server's CLI: who, what, when."""

    __tablename__ = "hq_audit"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(ServerSeq, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(60))  # account name, or "cli"
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    station_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    address: Mapped[str] = mapped_column(String(60), default="")


class CertificateIndexRow(Base):
    """Every certificate the desks issued, by serial, as the public page shows it: the
    signed fields (``payload``, the ``certificate.issued`` payload as canonical JSON), when
    the server received it and, once its station revoked it, when (the desk's time) and
    why. ``payload`` is None when a revocation arrived before the certificate itself
    (pushed by another desk of its station)."""

    __tablename__ = "certificate_index"

    serial: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str | None] = mapped_column(String(36), default=None)
    device_id: Mapped[str | None] = mapped_column(String(36), default=None)
    station_id: Mapped[str | None] = mapped_column(String(36), default=None)
    payload: Mapped[str | None] = mapped_column(Text, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoke_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    # When the server received the certificate (its own clock; None for one indexed before
    # server migration 0008 whose event was gone): compared with its device's revocation.
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
