"""Projection tables: counts per station and local day, and the small indexes the counting
needs (voids seen, members' occupations, attendance heads). Derived data: server migration
0006 fills them from the event log (``backfill.fill``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models import Base

DAY_COLUMNS = (
    "visits",
    "members",
    "cards_issued",
    "cards_printed",
    "certificates",
    "certificates_revoked",
    "handouts",
    "attendance",
)


class _Counts:
    """The counts a day and a month both hold (``DAY_COLUMNS``), declared once."""

    visits: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[int] = mapped_column(Integer, default=0)
    cards_issued: Mapped[int] = mapped_column(Integer, default=0)
    cards_printed: Mapped[int] = mapped_column(Integer, default=0)
    certificates: Mapped[int] = mapped_column(Integer, default=0)
    certificates_revoked: Mapped[int] = mapped_column(Integer, default=0)
    handouts: Mapped[int] = mapped_column(Integer, default=0)
    attendance: Mapped[int] = mapped_column(Integer, default=0)


class FigureDayRow(_Counts, Base):
    """One station's figures for one of its local days (voids already taken away)."""

    __tablename__ = "figure_day"
    __table_args__ = (Index("ix_figure_day_day", "day", "station_id"),)

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)


class FigureMonthRow(_Counts, Base):
    """One station's figures for one month (``YYYY-MM``): the sums of its ``figure_day``
    rows, kept beside them so that pages across every station read one row per station."""

    __tablename__ = "figure_month"
    __table_args__ = (Index("ix_figure_month_month", "month", "station_id"),)

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class FigureServiceRow(Base):
    """Visits per station, day and service (a visit with two services counts in both)."""

    __tablename__ = "figure_service"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    service: Mapped[str] = mapped_column(String(100), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class FigureOccupationRow(Base):
    """Visits per station, day and occupation ("" when nobody said)."""

    __tablename__ = "figure_occupation"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    occupation: Mapped[str] = mapped_column(String(100), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)


class FigureCampaignRow(Base):
    """Handouts per station and campaign, all time (voids taken away)."""

    __tablename__ = "figure_campaign"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    handouts: Mapped[int] = mapped_column(Integer, default=0)


class FigureCourseRow(Base):
    """Per station and course: attendances (present or late) and certificates."""

    __tablename__ = "figure_course"

    station_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(100), default="")
    attendance: Mapped[int] = mapped_column(Integer, default=0)
    certified: Mapped[int] = mapped_column(Integer, default=0)


class FigureVoidRow(Base):
    """A void seen (of a visit or a handout, by its id): ``counted`` once it was taken away;
    a void that came before its record keeps that record from ever counting."""

    __tablename__ = "figure_void"

    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)


class FigureMemberRow(Base):
    """A member's occupation as last pushed: a member's visit carries none of its own."""

    __tablename__ = "figure_member"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    occupation: Mapped[str] = mapped_column(String(100), default="")


class FigureAttendanceRow(Base):
    """The standing mark of one person at one session (the attendance figures count heads,
    not marks: a person marked absent then present counts once)."""

    __tablename__ = "figure_attendance"

    session_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mark_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10))
    station_id: Mapped[str] = mapped_column(String(36))
    course_id: Mapped[str] = mapped_column(String(36))
    day: Mapped[str] = mapped_column(String(10))
