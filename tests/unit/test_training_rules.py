"""Training rules without storage: grace period, which mark counts, late weight, completion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from desktop.domain.training import (
    AttendanceStatus,
    CompletionRule,
    LateCounts,
    Mark,
    RuleKind,
    SessionHours,
    arrival_status,
    completion,
    resolve,
)

P, L, E, A = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)
START = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
EIGHT = [SessionHours(f"s{i}", Decimal(2)) for i in range(1, 9)]


def test_grace_period_decides_present_or_late() -> None:
    assert arrival_status(START, START - timedelta(minutes=30), 10) is P
    assert arrival_status(START, START + timedelta(minutes=10), 10) is P
    assert arrival_status(START, START + timedelta(minutes=10, seconds=1), 10) is L
    assert arrival_status(START, START + timedelta(seconds=1), 0) is L


def test_a_newer_mark_supersedes_the_one_it_saw() -> None:
    first = Mark("01", A)
    second = Mark("02", E, supersedes=("01",))
    resolved = resolve([second, first])
    assert resolved is not None and resolved.mark == second and not resolved.conflict


def test_a_correction_can_lower_the_status() -> None:
    present = Mark("01", P)
    corrected = Mark("02", A, supersedes=("01",))
    resolved = resolve([present, corrected])
    assert resolved is not None and resolved.mark.status is A


def test_concurrent_marks_resolve_by_precedence_then_id_in_any_order() -> None:
    marks = [Mark("0a", E), Mark("0b", P), Mark("0c", A), Mark("09", L)]
    for order in (marks, marks[::-1], marks[1:] + marks[:1]):
        resolved = resolve(order)
        assert resolved is not None
        assert resolved.mark.id == "0b" and resolved.conflict
        assert [h.status for h in resolved.heads] == [P, L, E, A]
    same = resolve([Mark("01", P), Mark("03", P), Mark("02", P)])
    assert same is not None and same.mark.id == "03" and not same.conflict


def test_marking_again_resolves_a_conflict() -> None:
    marks = [Mark("01", P), Mark("02", E), Mark("03", E, supersedes=("01", "02"))]
    resolved = resolve(marks)
    assert resolved is not None and resolved.mark.id == "03" and not resolved.conflict


def test_no_marks_resolve_to_nothing() -> None:
    assert resolve([]) is None


def statuses(*marks: AttendanceStatus) -> dict[str, AttendanceStatus]:
    return {f"s{i}": status for i, status in enumerate(marks, start=1)}


def test_completion_by_share_counts_late_as_present_or_as_half() -> None:
    full = CompletionRule(RuleKind.SHARE, Decimal("0.75"), LateCounts.FULL)
    half = CompletionRule(RuleKind.SHARE, Decimal("0.75"), LateCounts.HALF)
    marks = statuses(P, P, P, P, L, L, A, A)  # 6 of 8, two of them late
    assert completion(full, EIGHT, marks).completed
    result = completion(half, EIGHT, marks)
    assert not result.completed
    assert result.attended == Decimal(5) and result.missing_sessions == 1


def test_completion_by_hours() -> None:
    rule = CompletionRule(RuleKind.HOURS, Decimal(12), LateCounts.HALF)
    result = completion(rule, EIGHT, statuses(P, P, P, P, P, L, A))
    assert result.hours == Decimal(11) and not result.completed
    assert result.missing_hours == Decimal(1)
    assert completion(rule, EIGHT, statuses(P, P, P, P, P, P)).completed


def test_excused_is_recorded_but_not_attended() -> None:
    rule = CompletionRule(RuleKind.SHARE, Decimal("0.5"))
    result = completion(rule, EIGHT, statuses(P, P, P, E, E, A, A, A))
    assert result.excused == 2 and result.attended == 3 and not result.completed
    assert result.missing_sessions == 1


def test_unmarked_sessions_count_as_missing_and_an_empty_course_completes_nobody() -> None:
    rule = CompletionRule(RuleKind.SHARE, Decimal(1))
    result = completion(rule, EIGHT, {})
    assert result.missing_sessions == 8 and result.total_hours == Decimal(16)
    assert not completion(rule, [], {}).completed
