"""Cold start to a usable window, with the 200,000-member, 1,000,000-visit database.

    python -m bench.startup [--members 200000] [--visits 1000000] [--runs 5]

Each run is a fresh ``python -c ...`` process that does what ``waystation`` does up to the
event loop (``ui.app``: font, language, desk, ``DeskApp.build_window``), shows the window and
processes events. The child notes ``time.perf_counter()`` on its first line and reports each
step since then; the parent times the whole process from spawn to the "ready" line, so the
difference is the interpreter's own start. Steps reported:

- sign-in window shown: what a person sees at start (the desk opens locked);
- on duty: after a PIN, the check-in screen is built and can take a scan;
- members tab shown: the attendant opens the member list (built when first shown);
- member list loaded: the member tab's 200,000 ids are in (loaded in the background).

Each step is also given in CPU seconds (the child's ``time.process_time()``, the interpreter's
start included), and a bare PySide6 window started the same way in the same run is the raw
baseline. Also the command line's cold start: ``waystation visits today --json``, a usage
error (an unknown verb), ``waystation --help``, against a bare interpreter (``python -c
pass``) started the same way as their baseline. The file cache is warm (the database was
just built or used); a true cold disk is slower. Targets: ≤ 1 s to the sign-in window,
≤ 1.5 s to a ready check-in screen (QUALITY.md).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    Stats,
    Usage,
    base_parser,
    data_home,
    prepared_desk,
    report,
    say,
    size_text,
    stats,
    waystation_usage,
)

SIGN_IN_TARGET_S = 1.0
DUTY_TARGET_S = 1.5
READY = "BENCH-READY "

# Runs in the child. Keep the first statement first: everything after it is timed.
CHILD = """\
import time; T0 = time.perf_counter()
import json, os, sys
marks = {}
def mark(name):
    marks[name] = time.perf_counter() - T0
    marks["cpu " + name] = time.process_time()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
from desktop.bootstrap import open_desk
from desktop.services.desk import operators
from ui.app import DeskApp, choose_language
from ui.errors import install_exception_hook
from ui.fonts import install_app_font
mark("imports")
app = QApplication([sys.argv[0]])
app.setApplicationName("Waystation")
install_app_font(app)
install_exception_hook()
mark("application and font")
desk = open_desk(sys.argv[1])
controller = DeskApp(app, desk)
controller.apply_language(choose_language(desk, None))
assert controller.ensure_setup()
mark("desk opened")
window = controller.build_window()
window.show()
app.processEvents()
mark("sign-in window shown")
window.start_duty(operators.first_admin(desk.uow()))
app.processEvents()
mark("on duty: check-in screen ready")
screen = getattr(window, "members_screen", None)
if screen is not None:
    window.tabs.setCurrentWidget(screen)
    app.processEvents()
mark("members tab shown")
deadline = time.perf_counter() + 60
while screen is not None and screen.model.loading and time.perf_counter() < deadline:
    app.processEvents()
    time.sleep(0.001)
mark("member list loaded")
marks["member_rows"] = screen.model.rowCount() if screen is not None else -1
marks["none_refs"] = sys.getrefcount(None)
print(%(ready)r + json.dumps(marks), flush=True)
os._exit(0)
"""

# The raw baseline: the same interpreter showing an empty PySide6 window.
BARE = """\
import time; T0 = time.perf_counter()
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
window = QWidget()
window.resize(1366, 768)
window.show()
app.processEvents()
shown, cpu = time.perf_counter() - T0, time.process_time()
print(%(ready)r + '{"shown": %%r, "cpu shown": %%r}' %% (shown, cpu), flush=True)
os._exit(0)
"""

GUI_STEPS = (
    "imports",
    "application and font",
    "desk opened",
    "sign-in window shown",
    "on duty: check-in screen ready",
    "members tab shown",
    "member list loaded",
)


def gui_available() -> str:
    """Empty when ``ui.app`` can build the window without entering the event loop."""
    try:
        from ui import app
    except ImportError as error:
        return f"ui.app does not import ({error})"
    builder = getattr(getattr(app, "DeskApp", None), "build_window", None)
    return "" if callable(builder) else "ui.app has no DeskApp.build_window yet"


def run_child(code: str, args: Sequence[str], cwd: Path) -> tuple[float, dict[str, float]]:
    """Wall time (s) from spawn to the ready line, and the child's own marks."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
    )
    assert child.stdout is not None
    marks: dict[str, float] = {}
    for line in child.stdout:
        if line.startswith(READY):
            wall = time.perf_counter() - started
            marks = json.loads(line[len(READY) :])
            break
    else:
        wall = time.perf_counter() - started
    _out, err = child.communicate(timeout=120)
    if not marks:
        raise RuntimeError(f"the child never got ready (exit {child.returncode}):\n{err[-3000:]}")
    return wall, marks


def run_cli(home: Path, cwd: Path) -> Usage:
    return waystation_usage(
        ["visits", "today", "--home", str(home), "--limit", "50", "--json"], cwd
    )


def run_usage_error(cwd: Path) -> Usage:
    """``waystation frobnicate``: a usage error (exit 2), what a typo costs."""
    return run_program(["-m", "ui.main", "frobnicate"], cwd, expect=2)


def run_help(cwd: Path) -> Usage:
    """``waystation --help``: every verb listed."""
    return run_program(["-m", "ui.main", "--help"], cwd, expect=0)


def run_bare_interpreter(cwd: Path) -> Usage:
    """``python -c pass``: the command line's raw baseline, started the same way."""
    return run_program(["-c", "pass"], cwd, expect=0)


def run_program(args: Sequence[str], cwd: Path, expect: int) -> Usage:
    started = Usage.now()
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=cwd, check=False
    )
    used = Usage.now().since(started)
    if done.returncode != expect:
        raise RuntimeError(f"{args} ended {done.returncode}, not {expect}: {done.stderr[-2000:]}")
    return used


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__ or "")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    desk, _ctx = prepared_desk(args.members, args.visits, args.root)
    desk.close()
    home = data_home(args.members, args.visits, args.root)
    repo = Path(__file__).resolve().parent.parent
    figures: dict[str, Stats | str] = {}
    notes: list[str] = ["file cache warm; times in seconds since the process was spawned"]
    missing = gui_available()
    if missing:
        notes.append(f"{missing}: only the command line's cold start is measured")
    else:
        walls: list[float] = []
        steps: dict[str, list[float]] = {step: [] for step in GUI_STEPS}
        interpreter: list[float] = []
        refs: list[float] = []
        cpu: dict[str, list[float]] = {step: [] for step in GUI_STEPS}
        bare_wall: list[float] = []
        bare_cpu: list[float] = []
        rows = 0.0
        for _ in range(args.runs):
            wall, marks = run_child(BARE % {"ready": READY}, [], repo)
            bare_wall.append(wall)
            bare_cpu.append(marks["cpu shown"])
            wall, marks = run_child(CHILD % {"ready": READY}, [str(home)], repo)
            walls.append(wall)
            # The ready line comes after the last step: the rest of the wall time is the
            # interpreter starting (and the pipe, well under a millisecond).
            interpreter.append(wall - marks[GUI_STEPS[-1]])
            for step in GUI_STEPS:
                steps[step].append(marks[step])
                cpu[step].append(marks["cpu " + step])
            refs.append(marks["none_refs"])
            rows = marks["member_rows"]
        figures["interpreter start (before line 1)"] = stats(interpreter)
        for step in GUI_STEPS:
            # Since spawn: the interpreter's start plus the child's own time to this step.
            figures[f"→ {step}"] = stats(
                [a + b for a, b in zip(interpreter, steps[step], strict=True)]
            )
        figures["whole run (spawn → ready line)"] = stats(walls)
        for step in GUI_STEPS:
            figures[f"CPU → {step}"] = stats(cpu[step])
        figures["raw baseline: bare PySide6 window shown"] = stats(bare_wall)
        figures["raw baseline: CPU → bare window shown"] = stats(bare_cpu)
        shown = figures["→ sign-in window shown"]
        duty = figures["→ on duty: check-in screen ready"]
        shown_cpu = figures["CPU → sign-in window shown"]
        bare = figures["raw baseline: bare PySide6 window shown"]
        assert isinstance(shown, Stats) and isinstance(duty, Stats)
        assert isinstance(shown_cpu, Stats) and isinstance(bare, Stats)
        for name, figure, target in (
            ("sign-in window", shown, SIGN_IN_TARGET_S),
            ("check-in screen on duty", duty, DUTY_TARGET_S),
        ):
            verdict = "ok" if figure.p95 <= target else "MISSES THE TARGET"
            notes.append(f"{name}: p95 {figure.p95:.2f} s against ≤ {target:g} s: {verdict}")
        if bare.median:
            notes.append(
                f"sign-in window / bare window (medians): {shown.median / bare.median:.1f}×"
                f" wall, {shown_cpu.median / statistics.median(bare_cpu):.1f}× CPU"
            )
        notes.append(f"member list rows after loading: {rows:,.0f}")
        if sys.version_info < (3, 12):
            notes.append(
                f"None's reference count after start-up: {min(refs):,.0f} (a watch on the "
                "PySide6 6.12 bug, kept off Python 3.11 by pyproject.toml)"
            )
    commands = (
        ("waystation visits today --json", lambda: run_cli(home, repo)),
        ("usage error (unknown verb)", lambda: run_usage_error(repo)),
        ("waystation --help", lambda: run_help(repo)),
        ("raw baseline: python -c pass", lambda: run_bare_interpreter(repo)),
    )
    cpu_medians: dict[str, float] = {}
    for name, command in commands:
        used = [command() for _ in range(args.runs)]
        figures[f"command line: {name}"] = stats([u.wall for u in used])
        figures[f"command line: CPU of {name}"] = stats([u.children_cpu for u in used])
        cpu_medians[name] = statistics.median(u.children_cpu for u in used)
    bare_cpu_median = cpu_medians.pop("raw baseline: python -c pass")
    if bare_cpu_median:
        notes.append(
            "command line / bare interpreter (CPU medians): "
            + ", ".join(f"{name} {cpu / bare_cpu_median:.1f}×" for name, cpu in cpu_medians.items())
        )
    report(
        "cold start",
        figures,
        size=size_text(args.members, args.visits) + f"; {args.runs} runs",
        target=f"≤ {SIGN_IN_TARGET_S:g} s to the sign-in window, "
        f"≤ {DUTY_TARGET_S:g} s to a ready check-in screen",
        unit="s",
        notes=notes,
    )
    if missing:
        say("   (the window's cold start will be measured once ui.app can build it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
