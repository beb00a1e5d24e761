"""Training rules: arrival on time or late, which of several marks counts, completion.

Pure functions over plain values; no storage, no clock of their own.

Attendance marks are immutable events. Each mark names the marks it *supersedes* (the
ones its desk saw as current for that person and session when it was made). The marks that
no other mark supersedes are the *heads*. One head: that is the person's status. Several
heads (two desks marked the same person while offline, or a session closed at one desk
while the person was scanned at another) are resolved the same way on every desk, whatever
order the marks arrived in: the status with the highest precedence wins
(present > late > excused > absent), and between equal statuses the mark with the greatest
event id (UUIDv7: later on the whole) wins. The screen shows such a person as "conflict"
with every head, until someone marks the person again (which supersedes all heads).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum


class AttendanceStatus(StrEnum):
    PRESENT = "present"  # 到
    LATE = "late"  # 迟到
    EXCUSED = "excused"  # 请假
    ABSENT = "absent"  # 缺勤


PRECEDENCE: dict[AttendanceStatus, int] = {
    AttendanceStatus.PRESENT: 4,
    AttendanceStatus.LATE: 3,
    AttendanceStatus.EXCUSED: 2,
    AttendanceStatus.ABSENT: 1,
}


class RuleKind(StrEnum):
    SHARE = "share"  # minimum share of the sessions held (0 < minimum <= 1)
    HOURS = "hours"  # minimum hours attended


class LateCounts(StrEnum):
    FULL = "full"  # a late arrival counts as present
    HALF = "half"  # a late arrival counts as half a session (and half its hours)


class WalkIns(StrEnum):
    OFFER = "offer"  # someone not on the roster may be enrolled at the door (flagged)
    REFUSE = "refuse"


@dataclass(frozen=True)
class CompletionRule:
    kind: RuleKind
    minimum: Decimal
    late_counts: LateCounts = LateCounts.FULL


@dataclass(frozen=True)
class Mark:
    id: str  # the event id (UUIDv7)
    status: AttendanceStatus
    supersedes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolved:
    """Which mark counts for one person and session, and the heads it was chosen from."""

    mark: Mark
    heads: tuple[Mark, ...]

    @property
    def conflict(self) -> bool:
        return len({head.status for head in self.heads}) > 1


def arrival_status(starts: datetime, arrived: datetime, grace_minutes: int) -> AttendanceStatus:
    """Present up to ``grace_minutes`` after the start (early is present), late after that."""
    if arrived <= starts + timedelta(minutes=max(0, grace_minutes)):
        return AttendanceStatus.PRESENT
    return AttendanceStatus.LATE


def resolve(marks: Iterable[Mark]) -> Resolved | None:
    """The mark that counts among all marks of one person for one session (see module doc)."""
    marks = list(marks)
    if not marks:
        return None
    superseded = {old for mark in marks for old in mark.supersedes}
    heads = [mark for mark in marks if mark.id not in superseded]
    if not heads:  # a cycle cannot be made by desks, but never leave a person unresolved
        heads = marks
    heads.sort(key=lambda mark: (PRECEDENCE[mark.status], mark.id), reverse=True)
    return Resolved(heads[0], tuple(heads))


def weight(status: AttendanceStatus | None, late_counts: LateCounts) -> Decimal:
    """How much of a session a status counts for."""
    if status is AttendanceStatus.PRESENT:
        return Decimal(1)
    if status is AttendanceStatus.LATE:
        return Decimal(1) if late_counts is LateCounts.FULL else Decimal("0.5")
    return Decimal(0)  # excused, absent, or not marked: not attended


@dataclass(frozen=True)
class SessionHours:
    session_id: str
    hours: Decimal


@dataclass(frozen=True)
class Completion:
    completed: bool
    attended: Decimal  # sessions attended, weighted
    held: int  # sessions counted (not cancelled)
    hours: Decimal  # hours attended, weighted
    total_hours: Decimal
    excused: int
    missing_sessions: int  # how many more sessions the rule needs (share rule)
    missing_hours: Decimal  # how many more hours the rule needs (hours rule)


def completion(
    rule: CompletionRule,
    sessions: Sequence[SessionHours],
    statuses: dict[str, AttendanceStatus],
) -> Completion:
    """Completion of one person: ``statuses`` maps a session id to the status that counts.

    Excused sessions are recorded but never count as attended: the rule's minimum is what a
    person has to attend, whatever the reason for missing the rest.
    """
    attended = Decimal(0)
    hours = Decimal(0)
    excused = 0
    for session in sessions:
        status = statuses.get(session.session_id)
        w = weight(status, rule.late_counts)
        attended += w
        hours += w * session.hours
        excused += status is AttendanceStatus.EXCUSED
    held = len(sessions)
    total_hours = sum((s.hours for s in sessions), Decimal(0))
    missing_sessions = 0
    missing_hours = Decimal(0)
    if rule.kind is RuleKind.SHARE:
        needed = (rule.minimum * held).to_integral_value(rounding=ROUND_CEILING)
        gap = needed - attended
        done = held > 0 and gap <= 0
        if gap > 0:
            missing_sessions = int(gap.to_integral_value(rounding=ROUND_CEILING))
    else:
        gap = rule.minimum - hours
        done = gap <= 0
        if gap > 0:
            missing_hours = gap.normalize()
    return Completion(
        completed=done,
        attended=attended.normalize(),
        held=held,
        hours=hours.normalize(),
        total_hours=total_hours.normalize(),
        excused=excused,
        missing_sessions=missing_sessions,
        missing_hours=missing_hours,
    )
