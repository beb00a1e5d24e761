"""Push of queued events to the central server, end to end (desk outbox → HTTP → database),
beside the raw floor measured in the same run.

    python -m bench.sync_push [--events 100000] [--sqlite]

A desk that was offline for a long while holds ``--events`` events in its outbox, shaped
like a station's real ones (check-ins with their local day, one in 20 a handout carrying its
campaign's limits, so the server's handout rule runs); one ``waystation sync`` pushes them in
batches of 500 (gzip, per-event results written back). The server runs in its own process on
PostgreSQL when one answers (else a SQLite file).

The raw floor: psycopg COPYs the same number of event rows (the same payload texts) into a
scratch copy of the event table (same columns and indexes) in batches of 500, one transaction
each, from this process. Target (QUALITY.md): the push at ≥ 1/2 of that rate; ≥ 20,000
events/s on a quiet machine. Only events the server accepted count as pushed.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench.common import load_average
from bench.sync_common import (
    BenchServer,
    enrolled_desk,
    process_cpu,
    queue_day_events,
    work_folder,
)
from desktop.bootstrap import Desk
from sync.client.engine import sync_once
from sync.protocol import dataset_of

RAW_BATCH = 500


def event_rows(desk: Desk, count: int) -> list[tuple[Any, ...]]:
    """The queued events as the server's event rows (prepared before any clock runs)."""
    with desk.uow() as uow:
        rows = uow.outbox.pending_rows(count + 1000)
    now = datetime.now(UTC)
    made = []
    for seq, event_id, kind, entity_id, payload, station_id, device_id, operator, _at in rows:
        made.append(
            (
                event_id,
                device_id,
                station_id,
                seq,
                kind,
                dataset_of(kind),
                entity_id,
                operator,
                now,
                now,
                payload,
                hashlib.sha256(payload.encode()).hexdigest(),
                None,
            )
        )
    return made[-count:]


def raw_copy(database_url: str, rows: list[tuple[Any, ...]]) -> tuple[float, float]:
    """(wall, this process's CPU) of COPYing ``rows`` into a scratch event table in batches
    of RAW_BATCH, one transaction each."""
    import psycopg

    from sync.server.log import COLUMNS

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection:
        connection.execute("DROP TABLE IF EXISTS raw_copy_floor")
        connection.execute("CREATE TABLE raw_copy_floor (LIKE event INCLUDING INDEXES)")
        connection.commit()
        statement = f"COPY raw_copy_floor (server_seq, {', '.join(COLUMNS)}) FROM STDIN"
        cpu, started = time.process_time(), time.perf_counter()
        for start in range(0, len(rows), RAW_BATCH):
            with connection.cursor() as cursor, cursor.copy(statement) as copy:
                for offset, row in enumerate(rows[start : start + RAW_BATCH]):
                    copy.write_row((start + offset + 1, *row))
            connection.commit()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        connection.execute("DROP TABLE raw_copy_floor")
        connection.commit()
    return wall, cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="server on SQLite, not PostgreSQL")
    args = parser.parse_args(argv)
    folder = work_folder()
    server = BenchServer(folder, use_postgres=not args.sqlite)
    try:
        desk, ctx = enrolled_desk(server, folder, "基准驿站")
        sync_once(desk, timeout=120)  # the desk's own setup events: not part of the figure
        handouts = queue_day_events(desk, ctx, args.events)
        floor = None
        if server.backend == "PostgreSQL":
            floor = raw_copy(server.database_url, event_rows(desk, args.events))
        load_before = load_average()
        desk_cpu, server_cpu = time.process_time(), process_cpu(server.process.pid)
        started = time.perf_counter()
        report = sync_once(desk, timeout=120)
        seconds = time.perf_counter() - started
        desk_cpu = time.process_time() - desk_cpu
        server_cpu = process_cpu(server.process.pid) - server_cpu
        assert report.ok, report.error
        assert report.pushed == args.events, (report.pushed, report.quarantined)
        rate = report.pushed / seconds
        print(
            f"== push of {args.events:,} queued events ({args.events - handouts:,} check-ins, "
            f"{handouts:,} handouts under limits) to a {server.backend} server, batches of "
            f"500, gzip =="
        )
        print(
            f"   push:  {seconds:6.2f} s wall = {rate:8,.0f} events/s accepted; CPU: desk "
            f"{desk_cpu:.1f} s, server process {server_cpu:.1f} s (PostgreSQL's own not "
            f"counted) = {(desk_cpu + server_cpu) / report.pushed * 1e6:.0f} µs/event"
        )
        if floor is not None:
            wall, cpu = floor
            raw_rate = args.events / wall
            print(
                f"   raw:   {wall:6.2f} s wall = {raw_rate:8,.0f} rows/s: psycopg COPY of the "
                f"same {args.events:,} rows into a scratch event table (same indexes), "
                f"{RAW_BATCH} a transaction; CPU of this process {cpu:.1f} s"
            )
            print(f"   ratio: push / raw = {rate / raw_rate:.2f} (target ≥ 0.5)")
        print(f"   load average before: {load_before}; after: {load_average()}")
        desk.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
