"""What the training services need of the store: courses, sessions, rosters, marks."""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.training import AttendanceStatus, Mark
from desktop.storage.training.tables import (
    AttendanceMarkRow,
    CourseCertificateRow,
    CourseRow,
    CourseSessionRow,
    EnrolmentRow,
)


def to_mark(row: AttendanceMarkRow) -> Mark:
    return Mark(row.id, AttendanceStatus(row.status), tuple(json.loads(row.supersedes)))


class Training:
    def __init__(self, session: Session) -> None:
        self.session = session

    # courses and sessions
    def add(self, row: CourseRow | CourseSessionRow | EnrolmentRow | AttendanceMarkRow) -> None:
        self.session.add(row)
        self.session.flush()

    def course(self, course_id: str) -> CourseRow | None:
        return self.session.get(CourseRow, course_id)

    def courses(self, include_cancelled: bool = False) -> list[CourseRow]:
        query = select(CourseRow).order_by(CourseRow.starts_on.desc(), CourseRow.id.desc())
        if not include_cancelled:
            query = query.where(CourseRow.cancelled.is_(False))
        return list(self.session.scalars(query))

    def courses_titled(self, title: str) -> list[CourseRow]:
        return list(self.session.scalars(select(CourseRow).where(CourseRow.title == title)))

    def session_row(self, session_id: str) -> CourseSessionRow | None:
        return self.session.get(CourseSessionRow, session_id)

    def sessions(self, course_id: str, include_cancelled: bool = False) -> list[CourseSessionRow]:
        query = (
            select(CourseSessionRow)
            .where(CourseSessionRow.course_id == course_id)
            .order_by(CourseSessionRow.on_date, CourseSessionRow.starts_at, CourseSessionRow.id)
        )
        if not include_cancelled:
            query = query.where(CourseSessionRow.cancelled.is_(False))
        return list(self.session.scalars(query))

    def sessions_on(self, day: str) -> list[CourseSessionRow]:
        query = (
            select(CourseSessionRow)
            .where(CourseSessionRow.on_date == day, CourseSessionRow.cancelled.is_(False))
            .order_by(CourseSessionRow.starts_at)
        )
        return list(self.session.scalars(query))

    # rosters
    def enrolment(self, course_id: str, member_id: str) -> EnrolmentRow | None:
        query = select(EnrolmentRow).where(
            EnrolmentRow.course_id == course_id, EnrolmentRow.member_id == member_id
        )
        return self.session.scalars(query).first()

    def enrolment_by_id(self, enrolment_id: str) -> EnrolmentRow | None:
        return self.session.get(EnrolmentRow, enrolment_id)

    def roster(
        self, course_id: str, statuses: tuple[str, ...] = ("enrolled",)
    ) -> list[EnrolmentRow]:
        query = (
            select(EnrolmentRow)
            .where(EnrolmentRow.course_id == course_id, EnrolmentRow.status.in_(statuses))
            .order_by(EnrolmentRow.device_time, EnrolmentRow.id)
        )
        return list(self.session.scalars(query))

    def enrolled_count(self, course_id: str) -> int:
        query = select(func.count()).where(
            EnrolmentRow.course_id == course_id, EnrolmentRow.status == "enrolled"
        )
        return int(self.session.scalar(query) or 0)

    # attendance
    def mark(self, mark_id: str) -> AttendanceMarkRow | None:
        return self.session.get(AttendanceMarkRow, mark_id)

    def marks_of(self, session_id: str, member_id: str) -> list[AttendanceMarkRow]:
        query = select(AttendanceMarkRow).where(
            AttendanceMarkRow.session_id == session_id, AttendanceMarkRow.member_id == member_id
        )
        return list(self.session.scalars(query))

    def marks_by_member(self, session_id: str) -> dict[str, list[AttendanceMarkRow]]:
        query = select(AttendanceMarkRow).where(AttendanceMarkRow.session_id == session_id)
        out: dict[str, list[AttendanceMarkRow]] = defaultdict(list)
        for row in self.session.scalars(query):
            out[row.member_id].append(row)
        return out

    def course_marks(self, course_id: str) -> dict[tuple[str, str], list[AttendanceMarkRow]]:
        """All marks of a course by (session id, member id)."""
        query = select(AttendanceMarkRow).where(AttendanceMarkRow.course_id == course_id)
        out: dict[tuple[str, str], list[AttendanceMarkRow]] = defaultdict(list)
        for row in self.session.scalars(query):
            out[(row.session_id, row.member_id)].append(row)
        return out

    # certificates
    def add_certificate(self, row: CourseCertificateRow) -> None:
        self.session.add(row)

    def certificates(self, course_id: str) -> list[CourseCertificateRow]:
        query = (
            select(CourseCertificateRow)
            .where(CourseCertificateRow.course_id == course_id)
            .order_by(CourseCertificateRow.device_time, CourseCertificateRow.serial)
        )
        return list(self.session.scalars(query))
