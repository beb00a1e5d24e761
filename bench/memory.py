"""Memory with the member list open at 200,000 members: RSS (VmRSS) at each step.

    python -m bench.memory [--members 200000] [--visits 1000000] [--runs 3]

Each run is a fresh process (so nothing the parent built is counted) that opens the desk,
builds ``ui.members.list_screen.MembersScreen`` at 1366x768, shows it, waits for the list
to load, scrolls to the middle and to the end, pages through the list, then sorts by name
and types a filter. RSS is read from ``/proc/self/status`` after each step; VmHWM is the
peak. Target: ≤ 300 MB RSS with the member list open at 200,000.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import (
    Stats,
    base_parser,
    data_home,
    desk_identity,
    none_refcount,
    offscreen,
    prepared_desk,
    report,
    rss_mb,
    size_text,
    stats,
)

TARGET_MB = 300.0
SCREEN_MODULE = "ui.members.list_screen"
READY = "BENCH-MEMORY "
STEPS = (
    "Qt and the app imported, QApplication made",
    "desk opened",
    "list shown and loaded (top)",
    "scrolled to the middle",
    "scrolled to the end",
    "paged through the whole list",
    "sorted by name",
    "filter typed (zh)",
)


def screen_available() -> bool:
    try:
        return importlib.util.find_spec(SCREEN_MODULE) is not None
    except ModuleNotFoundError:
        return False


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(home: str) -> dict[str, Any]:
    """One run, in this (fresh) process: RSS after each step."""
    offscreen()
    note = ""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.bootstrap import open_desk
    from ui.fonts import install_app_font
    from ui.members.list_screen import MembersScreen
    from ui.session.state import DeskSession

    marks: dict[str, Any] = {"note": note}
    app: Any = QApplication.instance() or QApplication([sys.argv[0]])
    install_app_font(app)
    marks[STEPS[0]] = rss_mb()
    desk = open_desk(home)
    device, operator = desk_identity(desk)
    marks[STEPS[1]] = rss_mb()
    refs_before = none_refcount()

    def settle() -> None:
        deadline = time.perf_counter() + 60
        app.processEvents()
        while screen.model.loading and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()

    screen: Any = MembersScreen(DeskSession(desk, device, operator))
    screen.resize(1366, 768)
    screen.show()
    settle()
    table, model = screen.table, screen.model
    marks["rows"] = model.rowCount()
    marks[STEPS[2]] = rss_mb()
    bar = table.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    settle()
    marks[STEPS[3]] = rss_mb()
    bar.setValue(bar.maximum())
    settle()
    marks[STEPS[4]] = rss_mb()
    for step in range(0, bar.maximum() + 1, max(1, bar.maximum() // 200)):
        bar.setValue(step)
        app.processEvents()
    marks[STEPS[5]] = rss_mb()
    table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # name
    settle()
    marks[STEPS[6]] = rss_mb()
    screen.filter.setText("zh")
    settle()
    marks[STEPS[7]] = rss_mb()
    marks["filtered rows"] = model.rowCount()
    marks["peak (VmHWM)"] = _peak_mb()
    marks["none refs lost"] = refs_before - none_refcount()
    return marks


def run_child(home: Path, repo: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", "--child", str(home)],
        capture_output=True,
        text=True,
        cwd=repo,
        env=dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen")),
        check=False,
        timeout=600,
    )
    for line in done.stdout.splitlines():
        if line.startswith(READY):
            return dict(json.loads(line[len(READY) :]))
    raise RuntimeError(f"memory run failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(READY + json.dumps(child(args.child)), flush=True)
        os._exit(0)  # no teardown: it is not measured and Qt's exit order is not at stake
    desk, _ctx = prepared_desk(args.members, args.visits, args.root)
    desk.close()
    size = size_text(args.members, args.visits)
    if not screen_available():
        report(
            "memory with the member list open",
            {},
            size=size,
            target=f"≤ {TARGET_MB:g} MB RSS",
            notes=[f"{SCREEN_MODULE} is not there yet: nothing measured"],
        )
        return 0
    home = data_home(args.members, args.visits, args.root)
    repo = Path(__file__).resolve().parent.parent
    runs = [run_child(home, repo) for _ in range(args.runs)]
    figures: dict[str, Stats | str] = {
        step: stats([r[step] for r in runs]) for step in (*STEPS, "peak (VmHWM)")
    }
    worst = max(r[s] for r in runs for s in STEPS[2:5])
    peak = max(r["peak (VmHWM)"] for r in runs)
    notes = [
        f"list rows: {runs[0]['rows']:,}; rows matching the filter: {runs[0]['filtered rows']:,}",
        f"member list open, scrolled to the middle and the end: worst {worst:.0f} MB against "
        f"≤ {TARGET_MB:g} MB: {'ok' if worst <= TARGET_MB else 'MISSES THE TARGET'}",
        f"peak over the whole run (sorting and filtering too): {peak:.0f} MB: "
        f"{'ok' if peak <= TARGET_MB else 'MISSES THE TARGET'}",
    ]
    if runs[0]["note"]:
        notes.append(runs[0]["note"])
        notes.append(f"references to None lost during the run: {runs[0]['none refs lost']:,}")
    report(
        "memory with the member list open (RSS)",
        figures,
        size=f"{size}; {args.runs} runs, each a fresh process",
        target=f"≤ {TARGET_MB:g} MB RSS with the member list open at 200,000",
        unit="MB",
        notes=notes,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
