"""Many stations pushing at once: throughput, and proof that nothing was lost or doubled.

    python -m bench.sync_many [--stations 50] [--events 2000] [--workers 2] [--sqlite]

Each of ``--stations`` desks (own data folder, enrolled) holds ``--events`` queued visit
events; all push at the same moment, each desk in a process of its own (``waystation
sync`` as a station PC runs it: its own interpreter, its own SQLite file), never as threads
of one process. The server runs ``--workers`` processes on one PostgreSQL database (or a
SQLite file). Printed: the rate, each desk's sync time p50/p95/max, CPU of the desks' and
the server's processes, the load average. Afterwards every device's count on the server
must equal its outbox, and every desk must have nothing waiting.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import Usage, cost_line, cpu_seconds
from bench.sync_common import BenchServer, enrolled_desk, queue_visits, work_folder
from bench.sync_day import percentile
from desktop.bootstrap import open_desk
from desktop.services.sync import commands as syncing
from sync.client.engine import sync_once


def desk_process(home: str, start: float) -> dict[str, Any]:
    """One station PC: open its desk, wait for the common start, sync once."""
    desk = open_desk(Path(home))
    try:
        time.sleep(max(0.0, start - time.perf_counter()))
        cpu, began = time.process_time(), time.perf_counter()
        report = sync_once(desk, timeout=600)
        return {
            "ok": report.ok,
            "pushed": report.pushed,
            "seconds": time.perf_counter() - began,
            "cpu": time.process_time() - cpu,
        }
    finally:
        desk.close()


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
            desk.close()  # opened again by its own process
            desks.append((folder / f"站点{n:02d}", ctx))
        context = multiprocessing.get_context("spawn")
        with context.Pool(len(desks)) as pool:
            # Every process imports and starts first; they all push at one moment.
            pool.map(time.sleep, [0.0] * len(desks), chunksize=1)
            start = time.perf_counter() + 5.0
            server_before = cpu_seconds(server.process.pid)
            usage = Usage.now()
            pending = [pool.apply_async(desk_process, (str(home), start)) for home, _ in desks]
            reports = [p.get() for p in pending]
            seconds = time.perf_counter() - start
            used = Usage.now().since(usage)
            server_cpu = cpu_seconds(server.process.pid) - server_before
        failed = [r for r in reports if not r["ok"]]
        devices = {d["id"]: d for d in server.admin("GET", "/v1/admin/devices")}
        wrong = 0
        total = 0
        for home, ctx in desks:
            desk = open_desk(home)
            try:
                with desk.uow().reading() as uow:
                    made = uow.session.execute(text("SELECT count(*) FROM outbox")).scalar_one()
                total += made
                waiting = syncing.status(desk.uow()).waiting
            finally:
                desk.close()
            if devices[ctx.device_id]["events"] != made or waiting:
                wrong += 1
        pushed = sum(r["pushed"] for r in reports)
        syncs = [r["seconds"] for r in reports]
        print(
            f"{args.stations} stations × {args.events:,} events pushing at once, one process "
            f"each, to a {server.backend} server ({args.workers} processes): {pushed:,} events "
            f"in {seconds:.1f} s = {pushed / seconds:,.0f} events/s; failed syncs "
            f"{len(failed)}; devices whose server count differs from their outbox: {wrong} of "
            f"{len(desks)} ({total:,} events made); {'OK' if not wrong else 'WRONG'}"
        )
        print(
            f"   a desk's sync: p50 {percentile(syncs, 0.5):.1f} s, p95 "
            f"{percentile(syncs, 0.95):.1f} s, max {max(syncs):.1f} s; the desks' processes "
            f"{sum(r['cpu'] for r in reports):.1f} s CPU in their syncs"
        )
        print(cost_line(used, server_cpu), flush=True)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
