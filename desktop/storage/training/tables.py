"""Training: courses and their sessions (entities with a version), enrolments, attendance
marks (immutable events) and the certificates issued for a course.

Member ids are not foreign keys here: a mark or an enrolment pulled from another desk may
name a member whose record has not arrived yet.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base


class CourseRow(Base):
    __tablename__ = "course"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(30), default="")
    organiser: Mapped[str] = mapped_column(String(100), default="")
    venue: Mapped[str] = mapped_column(String(100), default="")
    teacher: Mapped[str] = mapped_column(String(50), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # 0 = no limit
    starts_on: Mapped[str | None] = mapped_column(String(10))
    ends_on: Mapped[str | None] = mapped_column(String(10))
    hours: Mapped[str] = mapped_column(String(12), default="0")  # exact decimal text
    rule_kind: Mapped[str] = mapped_column(String(8), default="share")
    rule_minimum: Mapped[str] = mapped_column(String(12), default="0.8")
    late_counts: Mapped[str] = mapped_column(String(8), default="full")
    grace_minutes: Mapped[int] = mapped_column(Integer, default=10)
    walk_ins: Mapped[str] = mapped_column(String(8), default="offer")
    certificate_title: Mapped[str] = mapped_column(String(40), default="结业证书")
    cancelled: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))  # SERVER_DEVICE_ID: made at HQ
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    updated_at: Mapped[str] = mapped_column(String(27))
    # JSON list of the station ids taking part (a course made at HQ); []: every station.
    stations: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class CourseSessionRow(Base):
    __tablename__ = "course_session"
    __table_args__ = (Index("ix_course_session_course", "course_id", "on_date", "starts_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"))
    on_date: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[str] = mapped_column(String(5))  # HH:MM, the station's local time
    ends_at: Mapped[str] = mapped_column(String(5))
    hours: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(String(100), default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[str | None] = mapped_column(String(27), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    updated_at: Mapped[str] = mapped_column(String(27))


class EnrolmentRow(Base):
    """A person on a course's roster (or its waitlist, or withdrawn): one row per person."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("course_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"))
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    member_name: Mapped[str] = mapped_column(String(50))
    member_number: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))  # enrolled, waitlisted, withdrawn
    walk_in: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(10), default="desk")  # desk, import, door
    version: Mapped[int] = mapped_column(Integer, default=1)
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
    updated_at: Mapped[str] = mapped_column(String(27))


class AttendanceMarkRow(Base):
    """One attendance mark: immutable. Which one counts: desktop.domain.training.resolve."""

    __tablename__ = "attendance_mark"
    __table_args__ = (Index("ix_attendance_session_member", "session_id", "member_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("course_session.id"))
    course_id: Mapped[str] = mapped_column(String(36), index=True)
    member_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(8))  # door, desk, close, paper, grid
    supersedes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of mark ids
    station_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(36))
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))


class CourseCertificateRow(Base):
    """Which certificate (``certificate.serial``) was issued to whom for which course."""

    __tablename__ = "course_certificate"
    __table_args__ = (Index("ix_course_certificate_course", "course_id", "member_id"),)

    serial: Mapped[str] = mapped_column(String(24), primary_key=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("course.id"))
    member_id: Mapped[str] = mapped_column(String(36))
    device_time: Mapped[str] = mapped_column(String(27))
