"""Training: courses and sessions (entities with a version, travelling whole: every column,
so a pulled event rebuilds the row alone), enrolments, attendance marks (immutable) and the
certificates issued for a course."""

from __future__ import annotations

from sync.protocol.contract import (
    Author,
    ClockTime,
    Count,
    Day,
    HoursText,
    Id,
    Moment,
    Payload,
    SmallInt,
    Text10,
    Text20,
    Text40,
    Text50,
    Text100,
    Text200,
    Version,
    declare,
    hours_ok,
)


class Stamped(Payload, frozen=True, kw_only=True):
    """Who made the row, where and when (the columns every training row has)."""

    station_id: Id
    device_id: Id
    device_time: Moment
    operator_id: Id | None = None


class CoursePayload(Stamped, frozen=True, kw_only=True):
    id: Id
    title: Text100
    updated_at: Moment
    category: Text100 = ""
    organiser: Text100 = ""
    venue: Text100 = ""
    teacher: Text100 = ""
    capacity: Count = 0
    starts_on: Day | None = None
    ends_on: Day | None = None
    hours: HoursText = "0"
    rule_kind: Text10 = "share"
    rule_minimum: HoursText = "0.8"
    late_counts: Text10 = "full"
    grace_minutes: SmallInt = 10
    walk_ins: Text10 = "offer"
    certificate_title: Text40 = "结业证书"
    cancelled: bool = False
    version: Version = 1
    # Station ids taking part (a course made at HQ); empty: every station.
    stations: tuple[Id, ...] = ()

    def __post_init__(self) -> None:
        if not (hours_ok(self.hours) and hours_ok(self.rule_minimum)):
            raise ValueError("hours out of range")


class SessionPayload(Stamped, frozen=True, kw_only=True):
    id: Id
    course_id: Id
    on_date: Day
    starts_at: ClockTime
    ends_at: ClockTime
    hours: HoursText
    updated_at: Moment
    topic: Text100 = ""
    cancelled: bool = False
    closed_at: Moment | None = None
    version: Version = 1

    def __post_init__(self) -> None:
        if not hours_ok(self.hours):
            raise ValueError("hours out of range")


class EnrolmentPayload(Stamped, frozen=True, kw_only=True):
    id: Id
    course_id: Id
    member_id: Id
    status: Text10  # enrolled, waitlisted, withdrawn
    updated_at: Moment
    member_name: Text50 = ""
    member_number: Text20 = ""
    walk_in: bool = False
    source: Text10 = "desk"
    version: Version = 1


class AttendanceMarked(Stamped, frozen=True, kw_only=True):
    id: Id
    session_id: Id
    course_id: Id
    member_id: Id
    status: Text10
    source: Text10
    note: Text200 = ""
    supersedes: tuple[Id, ...] = ()


class CourseCertified(Payload, frozen=True, kw_only=True):
    serial: Text40
    course_id: Id
    member_id: Id


# Courses and their sessions are made at a desk, or centrally at HQ (sync.server.central).
COURSE_CREATED = declare("course.created", CoursePayload, author=Author.EITHER, dataset="courses")
COURSE_UPDATED = declare("course.updated", CoursePayload, author=Author.EITHER, dataset="courses")
COURSE_CERTIFIED = declare(
    "course.certified", CourseCertified, author=Author.DESK, dataset="courses"
)
SESSION_ADDED = declare("session.added", SessionPayload, author=Author.EITHER, dataset="courses")
SESSION_UPDATED = declare("session.updated", SessionPayload, author=Author.DESK, dataset="courses")
SESSION_CLOSED = declare("session.closed", SessionPayload, author=Author.DESK, dataset="courses")
ENROLMENT_ADDED = declare(
    "enrolment.added", EnrolmentPayload, author=Author.DESK, dataset="courses"
)
ENROLMENT_UPDATED = declare(
    "enrolment.updated", EnrolmentPayload, author=Author.DESK, dataset="courses"
)
ATTENDANCE_MARKED = declare(
    "attendance.marked", AttendanceMarked, author=Author.DESK, dataset="attendance"
)
