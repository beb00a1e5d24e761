"""Scan → band at the check-in screen while a first pull of 200,000 members is applied.

    python -m bench.scan_during_pull [--members 200000] [--visits 1000000] [--pulled 200000]
                                     [--baseline 120] [--sqlite]

The desk: the prepared bench desk of ``--members`` members and ``--visits`` visits
(``bench.common.prepared_desk``, built once), copied afresh for each run (the pull adds to
it), enrolled with a real server (``bench.sync_common.BenchServer``: its own process,
PostgreSQL when one answers, else SQLite). Its own records count as pushed already (their
outbox rows are marked so): the run times the pull, not a push of 1.2 million events.

Which pull: a desk that holds 200,000 members of its own cannot receive them as a "first
pull" (they are its own), so the server holds ``--pulled`` members registered at a second
station (``bench.sync_pull.seed_members``) and the desk takes them in its first pull of the
members dataset: the same apply path as a new desk's first pull (``member.registered``
events in pages, each page and its cursor in one local transaction, rows and search keys),
written into the larger tables and indexes of a desk in use, which is the harder case.

The pull runs as the application runs it: ``ui.sync.scheduler.SyncScheduler`` on its thread
in this process, beside the real ``CheckInScreen`` (offscreen Qt, background operations
threaded as in the app). Scripted scans go through the screen: a member number typed as a
scanner's burst, then Return. Timed: from that Return (the scan's last key) until the band,
painted, names the member in green. One scan at a time, the next 200 ms after a result.
First the same scans with no pull running (the baseline, same run), then during the pull.
Figures: p50/p95/max of each, their ratio, how many scans showed "saving" first, the pull's
rate, CPU of this process (GUI, database worker and pull thread together) and of the
server, the load average. Target: p95 ≤ 50 ms during the pull (QUALITY.md, issues 14 and 15).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from bench.checkin import member_numbers
from bench.common import (
    FULL_MEMBERS,
    FULL_VISITS,
    Stats,
    cpu_seconds,
    desk_identity,
    load_average,
    offscreen,
    prepared_desk,
    say,
    stats,
)
from bench.sync_common import BenchServer, work_folder
from bench.sync_pull import seed_members
from desktop.bootstrap import Desk, open_desk
from desktop.domain.model import DeskContext
from desktop.services.members import queries as member_queries

TARGET_P95_MS = 50.0
SMALL_SLICE = 25  # desktop.services.sync.commands.PAGE_SLICE
NEXT_SCAN_MS = 200


class Watch:
    """How long each of the pull's transactions kept the desk waiting (its turn at writing,
    ``desktop.storage.turns``: from before BEGIN IMMEDIATE to after it ended, commit and any
    checkpoint at commit included), and how long the pull's own checkpoints took (outside
    any turn: ``desktop.storage.database.checkpoints_held``). The two functions are wrapped
    for the run; what they do is unchanged. ``--commit-checkpoints``: the pull leaves the
    checkpoints to its commits, as before (the comparison)."""

    def __init__(self, commit_checkpoints: bool) -> None:
        from contextlib import nullcontext

        import sync.client.engine as client
        from desktop.storage import database, turns

        self.turns: list[float] = []
        self.checkpoints: list[float] = []
        self.desk_waits: list[float] = []  # a desk write (a scan's) waiting for its turn
        self.slices: list[float] = []  # applying one small slice (a busy desk's), wall
        self.slices_cpu: list[float] = []  # the same, CPU of the pull thread
        began, ended, checkpoint = turns.bulk_began, turns.bulk_ended, database.checkpoint
        opened: dict[int, float] = {}

        def bulk_began() -> None:
            began()
            opened[threading.get_ident()] = time.perf_counter()

        def bulk_ended() -> None:
            at = opened.pop(threading.get_ident(), None)
            if at is not None:
                self.turns.append((time.perf_counter() - at) * 1000)
            ended()

        def timed_checkpoint(engine: Engine) -> None:
            at = time.perf_counter()
            checkpoint(engine)
            self.checkpoints.append((time.perf_counter() - at) * 1000)

        desk_began = turns.desk_write_began

        def desk_write_began() -> None:
            at = time.perf_counter()
            desk_began()
            self.desk_waits.append((time.perf_counter() - at) * 1000)

        from desktop.services.sync import replication

        apply_checked = replication.apply_checked

        def timed_apply(uow: Any, events: Any, appliers: Any, not_applied: Any = None) -> int:
            at, cpu = time.perf_counter(), time.thread_time()
            done = apply_checked(uow, events, appliers, not_applied)
            if len(events) <= SMALL_SLICE:
                self.slices.append((time.perf_counter() - at) * 1000)
                self.slices_cpu.append((time.thread_time() - cpu) * 1000)
            return done

        replication.apply_checked = timed_apply
        turns.bulk_began, turns.bulk_ended = bulk_began, bulk_ended
        turns.desk_write_began = desk_write_began
        database.checkpoint = timed_checkpoint
        if commit_checkpoints:
            setattr(client, "checkpoints_held", lambda _engine: nullcontext())  # noqa: B010


def desk_copy(members: int, visits: int, root: str | None, folder: Path) -> Path:
    """A fresh copy of the prepared desk's data folder, its own records counted as pushed
    and its demo mark taken off (a demo desk may not enrol with a server)."""
    prepared, _ctx = prepared_desk(members, visits, root)
    source = prepared.paths.home
    prepared.close()
    started = time.perf_counter()
    home = folder / "desk"
    shutil.copytree(source, home)
    say(f"copied {source} in {time.perf_counter() - started:.1f} s")
    desk = open_desk(home)
    with desk.engine.begin() as connection:
        connection.execute(text("DELETE FROM setting WHERE key = 'demo_data'"))
        connection.execute(
            text(
                "UPDATE outbox SET pushed_at = device_time, result = 'accepted' "
                "WHERE pushed_at IS NULL"
            )
        )
    desk.close()
    return home


def enrolled(home: Path, server: BenchServer) -> tuple[Desk, DeskContext]:
    from desktop.services.desk import operators
    from sync.client.engine import enrol, sync_once

    desk = open_desk(home)
    device, operator = desk_identity(desk)
    ctx = DeskContext(device.station.id, device.id, operator.id, operator.role)
    enrol(desk, server.url, server.code("扫码基准驿站"), ctx)
    report = sync_once(desk, timeout=120)  # what enrolment queued, the server's keys
    assert report.ok, report.error
    enrolled_device = desk.device()
    assert enrolled_device is not None
    admin = operators.first_admin(desk.uow())
    return desk, DeskContext(enrolled_device.station.id, enrolled_device.id, admin.id, admin.role)


@dataclass
class Phase:
    timings: list[float] = field(default_factory=list)  # Return → band painted, ms
    waited: int = 0  # scans whose band said "saving" before the result
    asked: int = 0  # keys too slow for a burst on a loaded machine: a second Enter
    repeats: int = 0
    refused: list[str] = field(default_factory=list)


class Scanner:
    """Scans one member number after another through the real screen, timing each."""

    def __init__(self, screen: Any, numbers: list[str], names: dict[str, str]) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.screen, self.numbers, self.names = screen, numbers, names
        self.phase = Phase()
        self.running = False
        self._pending: tuple[str, float] | None = None
        self._saw_wait = False
        self._chain = 0
        scanner = self

        class PaintWatch(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint:
                    scanner._painted()
                return False

        self._watch = PaintWatch()
        screen.band.title.installEventFilter(self._watch)

    def start(self, phase: Phase) -> None:
        self.phase, self.running = phase, True
        self._chain += 1  # a next scan still scheduled by the phase before is dropped
        self._scan(self._chain)

    def stop(self) -> None:
        self.running = False

    def _scan(self, chain: int) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if chain != self._chain:
            return
        if not self.running or not self.numbers:
            self.running = False
            return
        number = self.numbers.pop()
        box = self.screen.search
        box.setFocus()
        QTest.keyClicks(box, number)  # no delay between keys: a scanner's burst
        self._saw_wait = False
        self._pending = (self.names[number], time.perf_counter())
        QTest.keyClick(box, Qt.Key.Key_Return)

    def _painted(self) -> None:
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest

        from ui.checkin.band import Tone

        if self._pending is None:
            return
        name, started = self._pending
        band = self.screen.band
        if band.tone is Tone.WAIT:
            self._saw_wait = True
            return
        if name not in band.title.text():
            if band.tone is Tone.ERROR:
                self.phase.refused.append(band.title.text() + " " + band.detail.text())
                self._next()
            return
        if band.tone is Tone.ASK:  # read as typing: Enter confirms, as at the desk
            self.phase.asked += 1
            QTimer.singleShot(0, lambda: QTest.keyClick(self.screen.search, Qt.Key.Key_Return))
            return
        if band.tone is Tone.OK:
            self.phase.timings.append((time.perf_counter() - started) * 1000)
            self.phase.waited += self._saw_wait
        elif band.tone is Tone.REPEAT:
            self.phase.repeats += 1
        self._next()

    def _next(self) -> None:
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest

        self._pending = None
        if self.screen.search.capturing:
            QTest.keyClick(self.screen.search, Qt.Key.Key_Escape)
        self.screen.band.clear()  # two members may share a name: the next band is new
        chain = self._chain
        QTimer.singleShot(NEXT_SCAN_MS, lambda: self._scan(chain))


def run_until(app: Any, done: Any, limit_s: float) -> None:
    """The event loop (idle waits cost no CPU) until ``done()`` or ``limit_s`` seconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(50)
    deadline = time.perf_counter() + limit_s

    def look() -> None:
        if done() or time.perf_counter() > deadline:
            loop.quit()

    check.timeout.connect(look)
    check.start()
    loop.exec()
    check.stop()


def names_of(desk: Desk, numbers: Sequence[str]) -> dict[str, str]:
    from bench.checkin import _names

    return _names(desk, numbers)


def figure(name: str, figures: Stats | None) -> str:
    return f"   {name:<34} " + (figures.line() if figures else "no scan recorded")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=FULL_MEMBERS)
    parser.add_argument("--visits", type=int, default=FULL_VISITS)
    parser.add_argument("--pulled", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=120, help="scans with no pull")
    parser.add_argument("--root", default=None)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite-backed server")
    parser.add_argument(
        "--commit-checkpoints",
        action="store_true",
        help="the pull's commits checkpoint (SQLite's auto-checkpoint), as before: to compare",
    )
    args = parser.parse_args(argv)

    folder = work_folder()
    server: BenchServer | None = None
    try:
        home = desk_copy(args.members, args.visits, args.root, folder)
        server = BenchServer(folder, use_postgres=not args.sqlite)
        desk, _ctx = enrolled(home, server)
        seeded = time.perf_counter()
        seed_members(server, args.pulled)
        say(
            f"server ({server.backend}): {args.pulled:,} members of a second station seeded "
            f"in {time.perf_counter() - seeded:.1f} s"
        )
        held_before = len(member_queries.member_ids(desk.uow()))

        offscreen()
        from PySide6.QtWidgets import QApplication

        from ui.checkin.screen import CheckInScreen
        from ui.session.state import DeskSession
        from ui.sync.scheduler import SyncScheduler

        app = QApplication.instance() or QApplication([])
        device, operator = desk_identity(desk)
        session = DeskSession(desk, device, operator)
        screen = CheckInScreen(session)
        screen.resize(1366, 768)
        screen.show()
        app.processEvents()

        # Members of the desk's own, none scanned lately (each scan records a visit).
        numbers = member_numbers(desk, 3000, seed=random.SystemRandom().randrange(1 << 30))
        scanner = Scanner(screen, numbers, names_of(desk, numbers))

        warm = Phase()
        scanner.start(warm)
        run_until(app, lambda: len(warm.timings) + warm.repeats >= 10, 120)
        scanner.stop()
        run_until(app, lambda: scanner._pending is None, 10)

        baseline = Phase()
        load_idle = load_average()
        cpu, server_cpu, wall = time.process_time(), cpu_seconds(server.process.pid), 0.0
        started = time.perf_counter()
        scanner.start(baseline)
        run_until(app, lambda: len(baseline.timings) + baseline.repeats >= args.baseline, 600)
        scanner.stop()
        run_until(app, lambda: scanner._pending is None, 10)
        wall = time.perf_counter() - started
        baseline_cpu = time.process_time() - cpu
        baseline_server = cpu_seconds(server.process.pid) - server_cpu

        watch = Watch(args.commit_checkpoints)
        scheduler = SyncScheduler(desk, changes=session.changes)
        reports: list[Any] = []
        pages: list[float] = []
        scheduler.finished.connect(reports.append)
        scheduler.progress.connect(lambda phase, n: pages.append(time.perf_counter()))
        during = Phase()
        load_before = load_average()
        cpu, server_cpu = time.process_time(), cpu_seconds(server.process.pid)
        started = time.perf_counter()
        scheduler.sync_now()
        scanner.start(during)
        run_until(app, lambda: bool(reports), 1800)
        pull_wall = time.perf_counter() - started
        scanner.stop()
        pull_cpu = time.process_time() - cpu
        pull_server = cpu_seconds(server.process.pid) - server_cpu
        load_after = load_average()
        run_until(app, lambda: scanner._pending is None, 10)
        scheduler.stop()

        report = reports[0]
        assert report.ok, report.error
        pulled = report.pulled.get("members", 0)
        held = len(member_queries.member_ids(desk.uow()))
        assert held == held_before + args.pulled, (held, held_before, args.pulled)
        screen.close()

        free, busy = stats(baseline.timings), stats(during.timings) if during.timings else None
        say("")
        say(
            f"== scan → band at the check-in screen, while a first pull of {args.pulled:,} "
            "members is applied =="
        )
        say(
            f"   desk: {args.members:,} members, {args.visits:,} visits (+ the bench's own "
            f"scans); server: {server.backend}, {args.pulled:,} members of a second station"
        )
        say(figure("no pull (baseline, same run)", free))
        say(figure("during the pull", busy))
        if busy:
            say(
                f"   ratio during / baseline: p50 {busy.median / free.median:.1f}x, "
                f"p95 {busy.p95 / free.p95:.1f}x; target p95 ≤ {TARGET_P95_MS:g} ms: "
                + ("ok" if busy.p95 <= TARGET_P95_MS else "MISSED")
            )
        for label, phase in (("baseline", baseline), ("during the pull", during)):
            say(
                f"   {label}: {len(phase.timings)} scans timed, {phase.waited} showed "
                f"'saving' first, {phase.asked} read as typing (second Enter), "
                f"{phase.repeats} repeats, {len(phase.refused)} refused"
                + (f" (first: {phase.refused[0]!r})" if phase.refused else "")
            )
        say(
            f"   the pull: {pulled:,} members in {pull_wall:.1f} s wall = "
            f"{pulled / pull_wall:,.0f} rows/s while scanning, {len(pages)} pages; "
            f"{held:,} members held after it"
        )
        say(figure("the pull's transactions (turn held)", stats(watch.turns)))
        say(figure("desk writes waiting for their turn", stats(watch.desk_waits)))
        if watch.slices:
            say(figure("a slice of 25 applied, wall", stats(watch.slices)))
            say(figure("a slice of 25 applied, its CPU", stats(watch.slices_cpu)))
        say(
            figure("the pull's own checkpoints (no turn)", stats(watch.checkpoints))
            if watch.checkpoints
            else "   checkpoints: at the pull's commits (--commit-checkpoints)"
        )
        say(
            f"   CPU during the pull: this process {pull_cpu:.1f} s (GUI, database worker, "
            f"pull thread), server process {pull_server:.1f} s (PostgreSQL's own not counted)"
        )
        say(
            f"   CPU of the baseline: this process {baseline_cpu:.1f} s in {wall:.1f} s "
            f"wall, server {baseline_server:.1f} s"
        )
        say(
            f"   load average: baseline {load_idle}; pull start {load_before}; "
            f"pull end {load_after}"
        )
        desk.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
