"""Demo data through the command line: ``waystation demo`` in a fresh folder.

    python -m bench.generate [--members 200000] [--visits 5 × members] [--runs 3]

The issue asks that ``demo`` make 200,000 members and 1,000,000 visits in under a minute. Each
run is a new data folder (``init`` first, not timed) and one ``demo`` process, timed from spawn
to exit, so the interpreter's start, migrations and the outbox rows are all in the figure.
Beside the wall time: the demo process's CPU time, what it wrote (``/proc/self/io`` counts a
reaped child's writes in its parent: ``wchar`` bytes handed to write(), ``write_bytes`` bytes
sent to storage) and the database file's size.

The raw baseline, in the same run: plain ``sqlite3`` executemany of as many rows (a member
row per member, a visit row per visit, an outbox row for each) of the same widths into bare
tables without an index, ``BATCH`` rows a transaction, WAL at ``synchronous=NORMAL`` and a
checkpoint at the end, as the demo does; the rows are made before the clock starts. What the
demo costs beyond it is making the rows and keeping the desk's indexes, keys and tallies.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    Stats,
    Usage,
    base_parser,
    bench_root,
    report,
    size_text,
    stats,
    waystation,
    waystation_usage,
)

TARGET_S = 60.0
BATCH = 50_000
# Bare tables of the widths the demo writes: a member (its row, keys and revision, about
# 1.5 KB of text), a visit, an outbox event.
RAW_TABLES = {
    "member": ("id", "number", "name", "phone", "keys", "revision"),
    "visit": ("id", "member_id", "services", "station_id", "device_id", "at", "day"),
    "outbox": ("event_id", "kind", "entity_id", "payload", "station_id", "device_id", "at"),
}


def io_written() -> dict[str, int]:
    """This process's write counters, reaped children included (Linux ``/proc/self/io``)."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return {}
    pairs = (line.split(":", 1) for line in lines)
    return {key: int(value) for key, value in pairs if key in ("wchar", "write_bytes")}


def _raw_rows(table: str, start: int, count: int, members: int) -> list[tuple[str, ...]]:
    """Rows as wide as the demo's (averages of a demo desk): a member's revision 710
    bytes, its event's payload 430, a visit's 130; ids as long as UUIDs."""

    def uid(n: int) -> str:
        return f"01900000-0000-7000-8000-{n:012d}"

    if table == "member":
        return [
            (uid(n), f"ABCDEF-{n:06d}", "王小明", "13800138000", "wxm " * 15, "r" * 710)
            for n in range(start, start + count)
        ]
    if table == "visit":
        return [
            (uid(n), uid(n // 5), '["rest", "water"]', uid(1), uid(2), uid(3) + "Z", "2026-06-01")
            for n in range(start, start + count)
        ]
    return [
        (
            uid(n),
            "visit.recorded",
            uid(n),
            "p" * (430 if n < members else 130),
            uid(1),
            uid(2),
            uid(3),
        )
        for n in range(start, start + count)
    ]


def raw_baseline(folder: Path, members: int, visits: int) -> tuple[Usage, int, int]:
    """(time used, write_bytes, file size) of the plain executemany of the same rows."""
    path = folder / "raw.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    for table, columns in RAW_TABLES.items():
        connection.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
    counts = {"member": members, "visit": visits, "outbox": members + visits}
    used = Usage(0.0, 0.0, 0.0)
    before = io_written().get("write_bytes", 0)
    for table, columns in RAW_TABLES.items():
        insert = f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})"
        for start in range(0, counts[table], BATCH):
            rows = _raw_rows(table, start, min(BATCH, counts[table] - start), members)
            began = Usage.now()
            connection.execute("BEGIN")
            connection.executemany(insert, rows)
            connection.execute("COMMIT")
            took = Usage.now().since(began)
            used = Usage(used.wall + took.wall, used.cpu + took.cpu, 0.0)
    began = Usage.now()
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    took = Usage.now().since(began)
    used = Usage(used.wall + took.wall, used.cpu + took.cpu, 0.0)
    written = io_written().get("write_bytes", 0) - before
    return used, written, path.stat().st_size


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
    raw_walls: list[float] = []
    raw_cpus: list[float] = []
    raw_written: list[int] = []
    raw_sizes: list[int] = []
    for _ in range(args.runs):
        folder = Path(tempfile.mkdtemp(prefix="generate-raw-", dir=root))
        try:
            raw_used, raw_bytes, raw_size = raw_baseline(folder, args.members, args.visits)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        raw_walls.append(raw_used.wall)
        raw_cpus.append(raw_used.cpu)
        raw_written.append(raw_bytes)
        raw_sizes.append(raw_size)
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
    raw = stats(raw_walls)
    figures: dict[str, Stats | str] = {
        name: figure,
        "CPU of the demo process": stats(cpus),
        "raw baseline: plain executemany, bare tables": raw,
        "CPU of the raw baseline": stats(raw_cpus),
    }
    rows = args.members + args.visits
    notes = [
        f"{rows / figure.median if figure.median else 0.0:,.0f} rows/s at the median "
        "(members and visits, each with its outbox row)",
        f"database file (with -wal) after the run: {max(sizes) / 1e6:,.1f} MB",
    ]
    for key, amounts in written.items():
        notes.append(f"{key} of the demo process (largest run): {max(amounts) / 1e6:,.1f} MB")
    cpu, raw_cpu = stats(cpus).median, stats(raw_cpus).median
    notes.append(
        f"raw baseline: file {max(raw_sizes) / 1e6:,.1f} MB, write_bytes "
        f"{max(raw_written) / 1e6:,.1f} MB; demo / raw at the median: wall "
        f"{figure.median / raw.median if raw.median else 0.0:.1f}x, "
        f"CPU {cpu / raw_cpu if raw_cpu else 0.0:.1f}x"
    )
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
