"""Many stations pushing at once: throughput, and proof that nothing was lost or doubled.

    python -m bench.sync_many [--stations 50] [--events 2000] [--workers 2] [--sqlite]

Each of ``--stations`` desks (own data folder, enrolled) holds ``--events`` queued visit
events; all push at the same moment (one thread each, one sync each). The server runs
``--workers`` processes on one PostgreSQL database (or a SQLite file). Afterwards every
device's count on the server must equal its outbox, and every desk must have nothing
waiting.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from bench.common import Usage, cost_line, cpu_seconds
from bench.sync_common import BenchServer, enrolled_desk, queue_visits, work_folder
from desktop.services.sync import commands as syncing
from sync.client.engine import sync_once
from sync.client.report import SyncReport


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args(argv)
    folder = work_folder()
    server = BenchServer(folder, use_postgres=not args.sqlite, workers=args.workers)
    desks: list[Any] = []
    try:
        for n in range(args.stations):
            desk, ctx = enrolled_desk(server, folder, f"站点{n:02d}")
            queue_visits(desk, ctx, args.events)
            desks.append((desk, ctx))
        reports: list[SyncReport | None] = [None] * len(desks)
        gate = threading.Barrier(len(desks))

        def push(i: int) -> None:
            gate.wait()
            reports[i] = sync_once(desks[i][0], timeout=300)

        threads = [threading.Thread(target=push, args=(i,)) for i in range(len(desks))]
        server_before = cpu_seconds(server.process.pid)
        usage = Usage.now()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        used = Usage.now().since(usage)
        server_cpu = cpu_seconds(server.process.pid) - server_before
        failed = [r for r in reports if r is None or not r.ok]
        devices = {d["id"]: d for d in server.admin("GET", "/v1/admin/devices")}
        wrong = 0
        total = 0
        for desk, ctx in desks:
            with desk.uow().reading() as uow:
                made = uow.session.execute(text("SELECT count(*) FROM outbox")).scalar_one()
            total += made
            if devices[ctx.device_id]["events"] != made or syncing.status(desk.uow()).waiting:
                wrong += 1
        pushed = sum(r.pushed for r in reports if r is not None)
        print(
            f"{args.stations} stations × {args.events:,} events pushing at once to a "
            f"{server.backend} server ({args.workers} processes): {pushed:,} events in "
            f"{seconds:.1f} s = {pushed / seconds:,.0f} events/s; failed syncs {len(failed)}; "
            f"devices whose server count differs from their outbox: {wrong} of {len(desks)} "
            f"({total:,} events made)"
        )
        print(cost_line(used, server_cpu), flush=True)
    finally:
        for desk, _ctx in desks:
            desk.close()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
