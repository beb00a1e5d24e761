"""What every benchmark shares: a prepared data folder, figures, and one way to print them.

The data folder for a size is built once under ``/tmp/waystation-bench/m{members}-v{visits}``
(or under ``$WAYSTATION_BENCH_ROOT``) and reused while its marker file says it is complete;
a half-built folder (generation interrupted) is thrown away and built again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.bootstrap import Desk, open_desk
from desktop.domain.model import DeskContext, Device, Operator, StationKind
from desktop.services.desk import operators
from desktop.services.desk.setup import StationSetup, set_up_station

ROOT_ENV = "WAYSTATION_BENCH_ROOT"
DEFAULT_ROOT = Path("/tmp/waystation-bench")
MARKER = "bench-ready.json"
FULL_MEMBERS = 200_000
FULL_VISITS = 1_000_000
ADMIN_NAME = "基准管理员"
ADMIN_PIN = "246810"


def bench_root(root: str | os.PathLike[str] | None = None) -> Path:
    """``root`` if given, else ``$WAYSTATION_BENCH_ROOT``, else ``/tmp/waystation-bench``."""
    if root:
        return Path(root)
    env = os.environ.get(ROOT_ENV)
    return Path(env) if env else DEFAULT_ROOT


def data_home(members: int, visits: int, root: str | os.PathLike[str] | None = None) -> Path:
    return bench_root(root) / f"m{members}-v{visits}"


def say(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class Generation:
    """How long the demo data took to make when the folder was built."""

    members: int
    visits: int
    members_seconds: float  # set-up excluded; the members phase of demo.generate alone
    total_seconds: float  # members and visits

    def describe(self) -> str:
        rate = self.members / self.members_seconds if self.members_seconds else 0.0
        return (
            f"demo generation: {self.members:,} members in {self.members_seconds:.1f} s "
            f"({rate:,.0f} members/s; target for 200,000: < 60 s), "
            f"members + {self.visits:,} visits in {self.total_seconds:.1f} s"
        )


def prepared_desk(
    members: int = FULL_MEMBERS,
    visits: int = FULL_VISITS,
    root: str | os.PathLike[str] | None = None,
) -> tuple[Desk, DeskContext]:
    """An opened desk with a set-up station and demo data of this size (built once)."""
    home = data_home(members, visits, root)
    marker = home / MARKER
    if marker.exists():
        done = Generation(**json.loads(marker.read_text(encoding="utf-8"))["generation"])
        say(f"reusing {home} (built earlier; {done.describe()})")
        desk = open_desk(home)
        return desk, desk_context(desk)
    if home.exists():
        say(f"{home} is incomplete (no {MARKER}); building it again")
        shutil.rmtree(home)
    say(f"building {home}: {members:,} members, {visits:,} visits ...")
    desk = open_desk(home)
    set_up_station(
        StationSetup(
            station_name="基准测试驿站",
            kind=StationKind.STATION,
            union_name="基准区总工会",
            admin_name=ADMIN_NAME,
            admin_pin=ADMIN_PIN,
        ),
        desk.uow(),
    )
    ctx = desk_context(desk)
    generation = _generate(desk, ctx, members, visits)
    say(generation.describe())
    marker.write_text(
        json.dumps({"generation": asdict(generation), "built_at": time.time()}, indent=2),
        encoding="utf-8",
    )
    return desk, ctx


def _generate(desk: Desk, ctx: DeskContext, members: int, visits: int) -> Generation:
    from desktop import demo

    members_done_at: list[float] = []
    last_print = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        # The members phase reports done == members once, before any visit is written.
        if done >= members and not members_done_at:
            members_done_at.append(now)
        if now - last_print[0] > 10 or done == total:
            last_print[0] = now
            say(f"  {done:,}/{total:,} rows ({now - started:.0f} s)")

    started = time.perf_counter()
    demo.generate(desk, ctx, members=members, visits=visits, seed=7, progress=progress)
    ended = time.perf_counter()
    members_seconds = (members_done_at[0] if members_done_at else ended) - started
    return Generation(
        members=members,
        visits=visits,
        members_seconds=round(members_seconds, 2),
        total_seconds=round(ended - started, 2),
    )


def desk_context(desk: Desk) -> DeskContext:
    device, operator = desk_identity(desk)
    return DeskContext(device.station.id, device.id, operator.id, operator.role)


def desk_identity(desk: Desk) -> tuple[Device, Operator]:
    """This device and the first admin: what a ``DeskSession`` is made of."""
    device = desk.device()
    if device is None:
        raise RuntimeError(f"{desk.paths.home} is not set up")
    return device, operators.first_admin(desk.uow())


# --- figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    n: int
    median: float
    p95: float
    max: float

    def line(self, unit: str = "ms") -> str:
        return (
            f"p50 {self.median:8.2f} {unit}   p95 {self.p95:8.2f} {unit}   "
            f"max {self.max:8.2f} {unit}   (n={self.n})"
        )


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was actually measured."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil(n * fraction), at least 1
    return ordered[int(rank) - 1]


def stats(samples_ms: Sequence[float]) -> Stats:
    """Median, p95 and max of timings in milliseconds."""
    return Stats(
        n=len(samples_ms),
        median=statistics.median(samples_ms),
        p95=percentile(samples_ms, 0.95),
        max=max(samples_ms),
    )


@dataclass(frozen=True)
class Usage:
    """Wall time and CPU time at one moment: this process's and its finished children's."""

    wall: float
    cpu: float
    children_cpu: float

    @staticmethod
    def now() -> Usage:
        times = os.times()
        return Usage(
            time.perf_counter(), time.process_time(), times.children_user + times.children_system
        )

    def since(self, start: Usage) -> Usage:
        return Usage(
            self.wall - start.wall, self.cpu - start.cpu, self.children_cpu - start.children_cpu
        )

    def line(self) -> str:
        total = self.cpu + self.children_cpu
        ratio = f"{total / self.wall:.2f}" if self.wall else "-"
        return (
            f"wall {self.wall:.1f} s, CPU {total:.1f} s (this process {self.cpu:.1f} s, "
            f"child processes {self.children_cpu:.1f} s), CPU/wall {ratio}"
        )


STARTED = Usage.now()  # when the benchmark's process imported this module


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a running process, its live descendants (a server's
    workers) and all their reaped children have used, from ``/proc``."""
    stats: dict[int, tuple[int, float]] = {}  # pid: (parent pid, seconds)
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: ppid is field 4, utime..cstime 14-17 (1-based, as in proc(5)).
        stats[int(entry.name)] = (
            int(fields[1]),
            sum(int(fields[i]) for i in (11, 12, 13, 14)) / tick,
        )
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, (0, 0.0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == current)
    return total


def cost_line(used: Usage, server_cpu: float | None = None) -> str:
    """One line for benches that print their own figure: CPU beside wall, and the load."""
    server = "" if server_cpu is None else f"; the server process {server_cpu:.1f} s CPU"
    return f"   {used.line()}{server}; load average {load_average()}"


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def machine() -> str:
    """The machine and how busy it was: other work on a 2-core box moves p95 a lot."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {load_average()}"
    )


def report(
    title: str,
    figures: dict[str, Stats | str],
    size: str,
    target: str = "",
    unit: str = "ms",
    notes: Sequence[str] = (),
) -> None:
    """Print one benchmark's figures with the data size they were measured at."""
    width = max((len(name) for name in figures), default=0)
    say("")
    say(f"== {title} ==")
    say(f"   data: {size}")
    say(f"   machine: {machine()}")
    if target:
        say(f"   target: {target}")
    for name, figure in figures.items():
        text = figure.line(unit) if isinstance(figure, Stats) else figure
        say(f"   {name.ljust(width)}  {text}")
    for note in notes:
        say(f"   note: {note}")
    say(f"   whole run so far: {Usage.now().since(STARTED).line()}")
    sys.stdout.flush()


def size_text(members: int, visits: int) -> str:
    return f"{members:,} members, {visits:,} visits"


def base_parser(description: str) -> argparse.ArgumentParser:
    """The options every benchmark takes: data size, where the data lives, how many samples."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--members", type=int, default=FULL_MEMBERS)
    parser.add_argument("--visits", type=int, default=FULL_VISITS)
    parser.add_argument(
        "--root", default=None, help=f"data folders' parent (default ${ROOT_ENV} or {DEFAULT_ROOT})"
    )
    return parser


def rss_mb() -> float:
    """This process's resident set size (VmRSS) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def offscreen() -> None:
    """Qt without a screen, unless the caller chose a platform."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def none_refcount() -> int:
    return sys.getrefcount(None)


def none_refs_lost(before: int, after: int, actions: int) -> str:
    """How many references to None each action dropped, and when the app would abort.

    ``before`` and ``after`` are ``sys.getrefcount(None)`` around the actions: a count that
    went down is references lost (the PySide6 bug that ends in "none_dealloc"); one that
    went up is references held, harmless for None.
    """
    if sys.version_info >= (3, 12) or actions <= 0:
        return ""
    per = (before - after) / actions
    if per < 0:
        return f"references to None lost per action: none ({-per:.1f} more held)"
    if per <= 0.5:
        return f"references to None lost per action: {per:.1f}"
    # PySide6 6.12.0 on Python 3.11 did this, and the app aborted ("none_dealloc").
    return (
        f"references to None lost per action: {per:.0f}; the process would abort after "
        f"about {before / per:,.0f} such actions"
    )


def waystation(args: Sequence[str], cwd: Path) -> float:
    """Wall time of one ``waystation`` command in a fresh process (it must succeed)."""
    return waystation_usage(args, cwd).wall


def waystation_usage(args: Sequence[str], cwd: Path) -> Usage:
    """Wall and CPU time of one ``waystation`` command in a fresh process (it must succeed)."""
    started = Usage.now()
    done = subprocess.run(
        [sys.executable, "-m", "ui.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    used = Usage.now().since(started)
    if done.returncode != 0:
        raise RuntimeError(f"waystation {' '.join(args)} failed: {done.stderr[-2000:]}")
    return used
