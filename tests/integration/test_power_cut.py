"""A desk killed mid-write (SIGKILL at random moments) loses nothing it confirmed.

SIGKILL leaves the operating system's file cache alone, so this proves the transactions
and the file stay whole when the process dies, not that data reached the disk: that part
is ``synchronous=FULL``, which the worker reports from its own connection and the test
checks. Each round starts the worker on the same data folder, lets it write for a random while,
kills it with SIGKILL and checks that the file passes ``PRAGMA integrity_check``, that
every member and visit the worker printed as confirmed is there, and that each has its
outbox row. ``bench/power_cut.py`` runs hundreds of rounds; the suite runs a few.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from desktop.bootstrap import Desk
from desktop.domain.model import Device, Operator

WORKER = Path(__file__).with_name("power_cut_worker.py")
ROUNDS = 6


def run_round(home: Path, seed: int) -> dict[str, set[str]]:
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, str(WORKER), str(home), str(seed)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    # FULL (2): every commit is on disk before it returns, so a power cut loses nothing
    # that was confirmed; the kill below checks the transactions themselves.
    assert process.stdout.readline().split() == ["ready", "2"]
    # The kill comes a random while after the first confirmed visit, not after a fixed
    # time from the start: on a loaded machine a round could end before any visit was
    # written, and the test then failed on "no visit at all" (wave 1).
    seen = []
    while not seen or not seen[-1].startswith("visit "):
        line = process.stdout.readline()
        assert line, "the worker stopped before confirming a visit"
        seen.append(line)
    time.sleep(rng.uniform(0.0, 0.5))
    os.kill(process.pid, signal.SIGKILL)
    rest, _ = process.communicate(timeout=30)
    output = "".join(seen) + rest
    assert process.returncode == -signal.SIGKILL, output[-2000:]  # killed, not crashed
    confirmed: dict[str, set[str]] = {"member": set(), "visit": set()}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in confirmed:  # a torn last line is not confirmed
            confirmed[parts[0]].add(parts[1])
    return confirmed


def test_a_killed_desk_loses_no_confirmed_write(
    desk: Desk, station: tuple[Device, Operator], home: Path
) -> None:
    database = desk.paths.database
    desk.close()
    everything: dict[str, set[str]] = {"member": set(), "visit": set()}
    for seed in range(ROUNDS):
        confirmed = run_round(home, seed)
        for kind, ids in confirmed.items():
            everything[kind] |= ids
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            members = {r[0] for r in connection.execute("SELECT id FROM member")}
            visits = {r[0] for r in connection.execute("SELECT id FROM visit")}
            outboxed = {r[0] for r in connection.execute("SELECT entity_id FROM outbox")}
        assert everything["member"] <= members
        assert everything["visit"] <= visits
        assert (members | visits) <= outboxed  # no record without its outbox row
    assert len(everything["visit"]) > 0
