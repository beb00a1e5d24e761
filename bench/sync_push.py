"""Push of queued events to the central server, end to end (desk outbox → HTTP → database).

    python -m bench.sync_push [--events 100000] [--sqlite]

A desk that was offline for a long while holds ``--events`` visit events in its outbox; one
``waystation sync`` pushes them in batches of 500 (gzip, per-event results written back).
The server runs in its own process on PostgreSQL when one answers (else a SQLite file).
Target (QUALITY.md): ≥ 10,000 events/s end to end against PostgreSQL on this machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence

from bench.common import Usage, cost_line, cpu_seconds
from bench.sync_common import BenchServer, enrolled_desk, queue_visits, work_folder
from sync.client.engine import sync_once


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="server on SQLite, not PostgreSQL")
    args = parser.parse_args(argv)
    folder = work_folder()
    server = BenchServer(folder, use_postgres=not args.sqlite)
    try:
        desk, ctx = enrolled_desk(server, folder, "基准驿站")
        queue_visits(desk, ctx, args.events)
        server_before = cpu_seconds(server.process.pid)
        usage = Usage.now()
        started = time.perf_counter()
        report = sync_once(desk, timeout=120)
        seconds = time.perf_counter() - started
        used = Usage.now().since(usage)
        server_cpu = cpu_seconds(server.process.pid) - server_before
        assert report.ok, report.error
        stored = sum(server.admin("GET", "/v1/admin/stats")["events_by_kind"].values())
        print(
            f"push of {args.events:,} queued events to a {server.backend} server "
            f"(batches of 500, gzip): {seconds:.2f} s = {args.events / seconds:,.0f} events/s "
            f"end to end; server holds {stored:,} events (incl. setup and enrolment)"
        )
        print(cost_line(used, server_cpu), flush=True)
        desk.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
