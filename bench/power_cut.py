"""Kill a writing desk with SIGKILL at random moments, many times; nothing confirmed is lost.

    python -m bench.power_cut [--rounds 200]

The same worker and checks as tests/integration/test_power_cut.py (which runs a few rounds
in the suite): after each kill the file passes ``PRAGMA integrity_check`` and every member
and visit the worker printed as confirmed is there, with its outbox row.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import report

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    from test_power_cut import run_round  # type: ignore[import-not-found]  # the suite's round

    from desktop.bootstrap import open_desk
    from desktop.domain.model import StationKind
    from desktop.services.desk import setup

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        desk = open_desk(home)
        setup.set_up_station(
            setup.StationSetup("断电测试站", StationKind.STATION, "", "管理员", "2468"), desk.uow()
        )
        database = desk.paths.database
        desk.close()
        confirmed = {"member": set[str](), "visit": set[str]()}
        started = time.perf_counter()
        lost = 0
        for seed in range(args.rounds):
            for kind, ids in run_round(home, seed).items():
                confirmed[kind] |= ids
            with sqlite3.connect(database) as connection:
                ok = connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                members = {r[0] for r in connection.execute("SELECT id FROM member")}
                visits = {r[0] for r in connection.execute("SELECT id FROM visit")}
                outboxed = {r[0] for r in connection.execute("SELECT entity_id FROM outbox")}
            lost += len(confirmed["member"] - members) + len(confirmed["visit"] - visits)
            lost += len((members | visits) - outboxed)
            if not ok:
                lost += 1
        seconds = time.perf_counter() - started
    report(
        "kill -9 while writing",
        {
            "rounds": f"{args.rounds}",
            "confirmed writes": f"{len(confirmed['member']):,} members, "
            f"{len(confirmed['visit']):,} visits",
            "lost, torn or without outbox row": f"{lost}",
        },
        size=f"{args.rounds} kills in {seconds:.0f} s",
    )
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
