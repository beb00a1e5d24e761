"""What a login costs, and that a wrong name costs what a wrong password does (no timing
leak telling which account names exist).

    python -m bench.hq_login [--rounds 15]

In one process, on a SQLite file: ``auth.log_in`` with a known name and the right password,
a known name and a wrong one, an unknown name; each timed ``--rounds`` times (CPU time of
this process and wall time), medians printed beside the raw baseline: one argon2 hash check
alone. Wrong-password pauses are cleared between rounds so that every attempt checks.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import delete

from sync.server import db
from sync.server.models import LoginFailureRow
from sync.server.web.hq import auth

PASSWORD = "correct horse battery"


def _measure(rounds: int, run: Callable[[], object]) -> tuple[float, float]:
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        run()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-hq-login-"))
    database = db.Database(f"sqlite:///{folder / 'hq.sqlite3'}")
    db.migrate(database.engine)
    with database.transaction() as session:
        for n in range(100):
            auth.create_account(session, f"account-{n}", auth.HQ_ADMIN, PASSWORD)
    stored = auth._hasher.hash(PASSWORD)

    def attempt(name: str, password: str) -> Callable[[], object]:
        def run() -> object:
            with database.transaction() as session:
                session.execute(delete(LoginFailureRow))
                return auth.log_in(session, name, password, "127.0.0.1")

        return run

    cases = {
        "raw argon2 verify (baseline)": lambda: auth._hasher.verify(stored, PASSWORD),
        "known name, right password": attempt("account-42", PASSWORD),
        "known name, wrong password": attempt("account-42", "not it at all"),
        "unknown name": attempt("nobody-here", "not it at all"),
    }
    print(
        f"100 accounts, {args.rounds} rounds each, argon2 {auth._hasher.time_cost=} "
        f"{auth._hasher.memory_cost=} KiB; load average {os.getloadavg()}"
    )
    print(f"{'case':32} {'CPU ms (median)':>16} {'wall ms (median)':>17}")
    for name, run in cases.items():
        cpu, wall = _measure(args.rounds, run)
        print(f"{name:32} {cpu:16.1f} {wall:17.1f}")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
