"""Demo data through the command line: ``waystation demo --members 200000`` in a fresh folder.

    python -m bench.generate [--members 200000] [--runs 3]

The issue asks that ``demo`` make 200,000 members in under a minute. Each run is a new data
folder (``init`` first, not timed) and one ``demo`` process, timed from spawn to exit, so
the interpreter's start, migrations and the outbox rows are all in the figure.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.common import Stats, base_parser, bench_root, report, stats, waystation

TARGET_S = 60.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    repo = Path(__file__).resolve().parent.parent
    root = bench_root(args.root)
    root.mkdir(parents=True, exist_ok=True)
    walls: list[float] = []
    for _ in range(args.runs):
        home = Path(tempfile.mkdtemp(prefix="generate-", dir=root))
        try:
            common = ["--home", str(home)]
            waystation(
                ["init", "--station-name", "基准驿站", "--admin-pin", "246810", *common], repo
            )
            walls.append(waystation(["demo", "--members", str(args.members), *common], repo))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    figure = stats(walls)
    figures: dict[str, Stats | str] = {f"waystation demo --members {args.members}": figure}
    rate = args.members / figure.median if figure.median else 0.0
    notes = [f"{rate:,.0f} members/s at the median (members only, no visits)"]
    if args.members == 200_000:
        verdict = "ok" if figure.p95 <= TARGET_S else "MISSES THE TARGET"
        notes.append(f"p95 {figure.p95:.1f} s against < {TARGET_S:g} s: {verdict}")
    report(
        "demo generation through the command line",
        figures,
        size=f"{args.members:,} members, 0 visits, fresh folder each run; {args.runs} runs",
        target=f"200,000 members in < {TARGET_S:g} s",
        unit="s",
        notes=notes,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
