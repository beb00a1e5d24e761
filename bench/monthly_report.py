"""The monthly report over the bench's visits (default 200,000 members, 1,000,000 visits).

    python -m bench.monthly_report [--members 200000] [--visits 1000000] [--runs 5]

Counts the busiest month of the data (about 85,000 visits at full size) with
``monthly_report.monthly_report`` and, once, the whole year; then renders the month as PDF
and .xlsx. Target: the month's figures in ≤ 3 s.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from bench.common import base_parser, prepared_desk, report, say, size_text, stats
from desktop.printing.monthly_report import monthly_report_pdf
from desktop.services import monthly_report

TARGET_SECONDS = 3.0


def busiest_month(desk: object) -> str:
    with desk.engine.connect() as connection:  # type: ignore[attr-defined]
        row = connection.execute(
            text(
                "SELECT substr(local_date, 1, 7) AS m, count(*) AS n FROM visit "
                "GROUP BY m ORDER BY n DESC LIMIT 1"
            )
        ).first()
    return str(row[0]) if row else "2025-01"


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    desk, _ctx = prepared_desk(args.members, args.visits, args.root)
    try:
        month = busiest_month(desk)
        start, end = monthly_report.parse_month(month)
        say(f"busiest month: {month}")
        samples = []
        figures = None
        for _ in range(max(1, args.runs)):
            started = time.perf_counter()
            figures = monthly_report.monthly_report(desk.uow(), start, end)
            samples.append(time.perf_counter() - started)
        assert figures is not None
        with desk.engine.connect() as connection:
            first, last = connection.execute(
                text("SELECT min(local_date), max(local_date) FROM visit")
            ).one()
        from datetime import date

        started = time.perf_counter()
        year = monthly_report.monthly_report(
            desk.uow(), date.fromisoformat(first), date.fromisoformat(last)
        )
        year_seconds = time.perf_counter() - started
        started = time.perf_counter()
        pdf = monthly_report_pdf(figures)
        pdf_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            monthly_report.write_report(figures, Path(folder) / "report.xlsx")
            xlsx_seconds = time.perf_counter() - started
        report(
            "monthly report",
            {
                f"figures of {month} ({figures.visits:,} visits)": stats(samples),
                f"figures of {first}..{last} ({year.visits:,} visits)": f"{year_seconds:.2f} s",
                "PDF of the month": f"{pdf_seconds:.2f} s ({len(pdf) / 1024:.0f} KB)",
                ".xlsx of the month": f"{xlsx_seconds:.2f} s",
            },
            size=size_text(args.members, args.visits),
            target=f"a month's figures ≤ {TARGET_SECONDS:.0f} s",
            unit="s",
        )
    finally:
        desk.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
