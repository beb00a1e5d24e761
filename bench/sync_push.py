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

from bench.sync_common import (
    BenchServer,
    cpu_note,
    enrolled_desk,
    process_cpu,
    queue_visits,
    work_folder,
)
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
        desk_cpu, server_cpu = time.process_time(), process_cpu(server.process.pid)
        started = time.perf_counter()
        report = sync_once(desk, timeout=120)
        seconds = time.perf_counter() - started
        desk_cpu = time.process_time() - desk_cpu
        server_cpu = process_cpu(server.process.pid) - server_cpu
        assert report.ok, report.error
        stored = sum(server.admin("GET", "/v1/admin/stats")["events_by_kind"].values())
        print(
            f"push of {args.events:,} queued events to a {server.backend} server "
            f"(batches of 500, gzip): {seconds:.2f} s = {args.events / seconds:,.0f} events/s "
            f"end to end; server holds {stored:,} events (incl. setup and enrolment)"
            + cpu_note(desk_cpu, server_cpu)
        )
        desk.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
