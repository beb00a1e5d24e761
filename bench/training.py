"""Training at the door and at the end of a course, on the prepared 200,000-member desk.

    python -m bench.training [--members 200000] [--visits 1000000] [--people 500]

1. Marks at the door: a course with one session and ``--people`` enrolled members; each is
   "scanned" (``attendance.mark_at_door`` with the member number, as a scanner types it)
   one after another. Figures: each mark's time (p50, p95) and marks per second.
2. Certifying a course of ``--people`` who all completed: issuing the signed certificates
   (one transaction) and making the one PDF of all of them. Target: PDF ≤ 5 s for 500.

Every run adds a course, its roster and marks to the prepared database.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import text

from bench.common import base_parser, prepared_desk, report, size_text, stats
from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext
from desktop.services.training import attendance, completion, courses, rosters

TARGET_PDF_S = 5.0


def member_numbers(desk: Desk, count: int, seed: int = 17) -> list[tuple[str, str]]:
    """(id, member number) of ``count`` random active members."""
    with desk.engine.connect() as connection:
        top = connection.execute(text("SELECT max(rowid) FROM member")).scalar() or 0
        rowids = random.Random(seed).sample(range(1, top + 1), min(count, top))
        rows = connection.execute(
            text(
                "SELECT id, member_number FROM member "
                "WHERE rowid IN (SELECT value FROM json_each(:ids)) AND active = 1"
            ),
            {"ids": "[" + ",".join(map(str, rowids)) + "]"},
        )
        return [(str(a), str(b)) for a, b in rows]


def course_with(desk: Desk, ctx: DeskContext, people: list[tuple[str, str]], title: str) -> str:
    day = date.today() + timedelta(days=1)  # before the start: everyone is present
    made = courses.create_course(
        courses.CourseForm(title=title, rule_minimum="1"),
        desk.uow(),
        ctx,
        (courses.SessionForm(day, "09:00", "11:00"),),
    )
    for member_id, _number in people:
        rosters.enrol(made.id, "", desk.uow(), ctx, member_id=member_id)
    return made.id


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args(argv)
    desk, ctx = prepared_desk(args.members, args.visits, args.root)
    try:
        people = member_numbers(desk, args.people)
        stamp = time.strftime("%H%M%S")
        course_id = course_with(desk, ctx, people, f"基准培训 {stamp}")
        session_id = courses.sessions(desk.uow(), course_id)[0].id
        samples = []
        started = time.perf_counter()
        for _member_id, number in people:
            t0 = time.perf_counter()
            result = attendance.mark_at_door(session_id, number, desk.uow(), ctx)
            samples.append((time.perf_counter() - t0) * 1000)
            assert result.outcome is attendance.DoorOutcome.MARKED, result.outcome
        door_seconds = time.perf_counter() - started
        counts = attendance.counters(desk.uow(), session_id)
        assert counts.present == len(people), counts

        t0 = time.perf_counter()
        certified = completion.certify_course(course_id, desk.uow(), ctx, desk.keys)
        issue_seconds = time.perf_counter() - t0
        assert len(certified.issued) == len(people)
        t0 = time.perf_counter()
        every = completion.course_certificates(desk.uow(), course_id)
        pdf = completion.certificates_pdf(desk.uow(), every)
        pdf_seconds = time.perf_counter() - t0
        report(
            "training: marks at the door, certifying a course",
            {
                "mark at the door (scan → stored)": stats(samples),
                "marks per second (one desk)": f"{len(people) / door_seconds:,.0f}",
                f"issue {len(people)} certificates": f"{issue_seconds:.2f} s",
                f"PDF of {len(people)} certificates": f"{pdf_seconds:.2f} s "
                f"({len(pdf) / 1e6:.1f} MB)",
            },
            size=f"{size_text(args.members, args.visits)}; a course of {len(people)}",
            target=f"PDF of 500 certificates ≤ {TARGET_PDF_S:.0f} s",
        )
    finally:
        desk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
