"""Demo data through the command line: ``waystation demo`` in a fresh folder.

    python -m bench.generate [--members 200000] [--visits 5 × members] [--runs 3]

The issue asks that ``demo`` make 200,000 members and 1,000,000 visits in under a minute. Each
run is a new data folder (``init`` first, not timed) and one ``demo`` process, timed from spawn
to exit, so the interpreter's start, migrations and the outbox rows are all in the figure.
Beside the wall time: the demo process's CPU time, what it wrote (``/proc/self/io`` counts a
reaped child's writes in its parent: ``wchar`` bytes handed to write(), ``write_bytes`` bytes
sent to storage) and the database file's size.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    Stats,
    base_parser,
    bench_root,
    report,
    size_text,
    stats,
    waystation,
    waystation_usage,
)

TARGET_S = 60.0


def io_written() -> dict[str, int]:
    """This process's write counters, reaped children included (Linux ``/proc/self/io``)."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return {}
    pairs = (line.split(":", 1) for line in lines)
    return {key: int(value) for key, value in pairs if key in ("wchar", "write_bytes")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--runs", type=int, default=3)
    parser.set_defaults(visits=None)  # five per member: 1,000,000 for 200,000
    args = parser.parse_args(argv)
    if args.visits is None:
        args.visits = 5 * args.members
    repo = Path(__file__).resolve().parent.parent
    root = bench_root(args.root)
    root.mkdir(parents=True, exist_ok=True)
    walls: list[float] = []
    cpus: list[float] = []
    sizes: list[int] = []
    written: dict[str, list[int]] = {}
    for _ in range(args.runs):
        home = Path(tempfile.mkdtemp(prefix="generate-", dir=root))
        try:
            common = ["--home", str(home)]
            waystation(
                ["init", "--station-name", "基准驿站", "--admin-pin", "246810", *common], repo
            )
            before = io_written()
            used = waystation_usage(
                ["demo", "--members", str(args.members), "--visits", str(args.visits), *common],
                repo,
            )
            after = io_written()
            for key in after:
                written.setdefault(key, []).append(after[key] - before[key])
            walls.append(used.wall)
            cpus.append(used.children_cpu)
            sizes.append(sum(f.stat().st_size for f in home.rglob("*.sqlite3*")))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    figure = stats(walls)
    name = f"waystation demo --members {args.members} --visits {args.visits}"
    figures: dict[str, Stats | str] = {name: figure, "CPU of the demo process": stats(cpus)}
    rows = args.members + args.visits
    notes = [
        f"{rows / figure.median if figure.median else 0.0:,.0f} rows/s at the median "
        "(members and visits, each with its outbox row)",
        f"database file (with -wal) after the run: {max(sizes) / 1e6:,.1f} MB",
    ]
    for key, amounts in written.items():
        notes.append(f"{key} of the demo process (largest run): {max(amounts) / 1e6:,.1f} MB")
    if args.members == 200_000 and args.visits == 1_000_000:
        verdict = "ok" if figure.p95 <= TARGET_S else "MISSES THE TARGET"
        notes.append(f"p95 {figure.p95:.1f} s against < {TARGET_S:g} s: {verdict}")
    report(
        "demo generation through the command line",
        figures,
        size=f"{size_text(args.members, args.visits)}, fresh folder each run; {args.runs} runs",
        target=f"200,000 members and 1,000,000 visits in < {TARGET_S:g} s",
        unit="s",
        notes=notes,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
