"""First pull of every member into an empty station (a new desk joins the network).

    python -m bench.sync_pull [--members 200000] [--sqlite]

The server (own process; PostgreSQL when one answers, else a SQLite file) holds
``--members`` member registrations made at another station (generated people, written
straight into its event log). A new desk enrols and pulls them in pages of 5,000, each page
written in local transactions of 2,500 events (rows, pinyin search keys, phone tails), its
cursor with the last. Target (QUALITY.md / the sync issue): ≥ 20,000 rows/s.

Beside it, in the same run: the same pages fetched and decoded with nothing applied, the
same member rows inserted raw (plain executemany into the desk's member table; and with
their search keys), and how long the pull's transactions held SQLite's write lock (what a
check-in at the desk waits for at most).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.common import load_average
from bench.sync_common import BenchServer, enrolled_desk, process_cpu, work_folder
from desktop.bootstrap import Desk
from desktop.demo import OCCUPATIONS, PHONE_PREFIXES, _name
from desktop.domain.pinyin import sort_key
from desktop.services.members import queries as member_queries
from desktop.services.members.commands import KEYS_VERSION, name_keys
from sync.client.engine import PULL_PAGE, sync_once
from sync.server import db, log

SOURCE_DEVICE = "01a20000-0000-7000-8000-00000000beef"


def seed_members(server: BenchServer, count: int, seed: int = 5) -> None:
    """Member registrations as another station's desk would have pushed them."""
    from uuid6 import uuid7

    rng = random.Random(seed)
    database = db.Database(server.database_url)
    now = datetime.now(UTC)
    made = 0
    while made < count:
        rows = []
        for i in range(made, min(count, made + 5000)):
            name = _name(rng)
            payload: dict[str, object] = {
                # as members._payload sends them: the registering desk's search keys
                "name_keys": list(name_keys(name)),
                "name_sort": sort_key(name),
                "keys_version": KEYS_VERSION,
                "member_number": f"BENCH1-{i + 1:06d}",
                "name": name,
                "phone": f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}",
                "occupation": rng.choice(OCCUPATIONS)[0],
                "employer": "",
                "union_branch": "",
                "tags": [],
                "id_hash": None,
                "id_last4": None,
                "consent_at": now.isoformat(),
                "active": True,
                "deactivated_reason": None,
                "version": 1,
            }
            rows.append(
                {
                    "event_id": str(uuid7()),
                    "device_id": SOURCE_DEVICE,
                    "station_id": SOURCE_DEVICE,
                    "seq": i + 1,
                    "kind": "member.registered",
                    "dataset": "members",
                    "entity_id": str(uuid7()),
                    "operator_id": None,
                    "device_time": now,
                    "received_at": now,
                    "payload": log.canonical(payload),
                    "payload_hash": log.digest(payload),
                }
            )
        with database.transaction() as session:
            log.append(session, rows)
        made += len(rows)
    database.dispose()


def write_locks(desk: Desk) -> list[float]:
    """Seconds each write transaction of the desk holds SQLite's write lock (from its BEGIN
    IMMEDIATE to its commit), filled in as they end: a check-in waits at most that long."""
    from sqlalchemy import event

    held: list[float] = []
    began = [0.0]

    def on_begin(_connection: object) -> None:
        began[0] = time.perf_counter()

    def on_commit(_connection: object) -> None:
        held.append(time.perf_counter() - began[0])

    event.listen(desk.engine, "begin", on_begin)
    event.listen(desk.engine, "commit", on_commit)
    return held


def fetch_only(server: BenchServer, desk: Desk, members: int) -> tuple[float, float, int]:
    """(wall, CPU, events) of fetching and decoding the same pages with nothing applied."""
    from desktop.services.sync import commands as syncing
    from sync.client.engine import _event_of
    from sync.client.transport import ServerClient

    known = syncing.server(desk.uow(), desk.paths.keys)
    assert known is not None
    url, token, epoch = known
    count = 0
    cpu, started = time.process_time(), time.perf_counter()
    with ServerClient(url, token, epoch, timeout=120) as client:
        cursor, more = "", True
        while more:
            page = client.pull_page("members", cursor, PULL_PAGE)
            count += len([_event_of(data) for data in page["events"]])
            cursor, more = page["cursor"], page["more"]
    return time.perf_counter() - started, time.process_time() - cpu, count


def raw_insert(desk: Desk, folder: Path, with_keys: bool) -> tuple[float, float, int, int]:
    """(wall, CPU, members, keys) of inserting the same member rows, as they now stand at the
    desk, into a fresh SQLite file with the same member table and indexes (WAL,
    synchronous=FULL as the desk writes), in transactions of 5,000: plain executemany.
    ``with_keys``: their search keys too (the same table and index as the desk's, each
    transaction's keys in key order), as a pull must write them."""
    import sqlite3

    tables = ("member", "member_search_key") if with_keys else ("member",)
    source = sqlite3.connect(desk.paths.database)
    schema = [
        sql
        for (sql,) in source.execute(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({', '.join('?' * len(tables))}) "
            "AND sql IS NOT NULL ORDER BY tbl_name, type DESC",
            tables,
        )
    ]
    rows = source.execute("SELECT * FROM member").fetchall()
    keys: dict[str, list[tuple[str, str]]] = {}
    if with_keys:
        for key, member_id in source.execute("SELECT key, member_id FROM member_search_key"):
            keys.setdefault(member_id, []).append((key, member_id))
    marks = ", ".join("?" * len(rows[0]))
    source.close()
    floor = folder / f"raw-floor-{len(tables)}.sqlite3"
    target = sqlite3.connect(floor, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=FULL")
    for sql in schema:
        target.execute(sql)
    cpu, started = time.process_time(), time.perf_counter()
    for start in range(0, len(rows), 5000):
        batch = rows[start : start + 5000]
        target.execute("BEGIN")
        target.executemany(f"INSERT INTO member VALUES ({marks})", batch)
        if with_keys:
            their_keys = sorted(key for row in batch for key in keys.get(row[0], ()))
            target.executemany("INSERT INTO member_search_key VALUES (?, ?)", their_keys)
        target.execute("COMMIT")
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    target.close()
    return wall, cpu, len(rows), sum(len(of_one) for of_one in keys.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args(argv)
    folder = work_folder()
    server = BenchServer(folder, use_postgres=not args.sqlite)
    try:
        desk, _ctx = enrolled_desk(server, folder, "新站")
        sync_once(desk, timeout=120)  # its own setup pushed, keys pulled: the pull alone below
        seed_members(server, args.members)
        holds = write_locks(desk)
        load_before = load_average()
        desk_cpu, server_cpu = time.process_time(), process_cpu(server.process.pid)
        started = time.perf_counter()
        report = sync_once(desk, timeout=120)
        seconds = time.perf_counter() - started
        desk_cpu = time.process_time() - desk_cpu
        held_during_pull = len(holds)
        server_cpu = process_cpu(server.process.pid) - server_cpu
        assert report.ok, report.error
        assert report.pushed == 0, report.pushed
        pulled = report.pulled.get("members", 0)
        held = len(member_queries.member_ids(desk.uow()))
        assert held == args.members, (held, args.members)
        hit = member_queries.search_members(desk.uow(), "wang")
        last = member_queries.search_members(desk.uow(), f"BENCH1{args.members:06d}")
        assert len(last) == 1, last
        rate = pulled / seconds
        fetch_server = process_cpu(server.process.pid)
        fetch_wall, fetch_cpu, fetched = fetch_only(server, desk, args.members)
        fetch_server = process_cpu(server.process.pid) - fetch_server
        raw_wall, raw_cpu, inserted, _none = raw_insert(desk, folder, with_keys=False)
        keyed_wall, keyed_cpu, _same, key_rows = raw_insert(desk, folder, with_keys=True)
        print(
            f"== first pull of {args.members:,} members from a {server.backend} server "
            f"(pages of 5,000) =="
        )
        print(
            f"   pull:          {seconds:6.2f} s wall = {rate:8,.0f} rows/s; CPU: desk "
            f"{desk_cpu:.1f} s, server process {server_cpu:.1f} s; {held:,} members "
            f"searchable ({len(hit)} shown for 'wang', the last one by its number)"
        )
        print(
            f"   fetch only:    {fetch_wall:6.2f} s wall = {fetched / fetch_wall:8,.0f} rows/s: "
            f"the same pages fetched and decoded, nothing applied; CPU: desk {fetch_cpu:.1f} s, "
            f"server process {fetch_server:.1f} s"
        )
        print(
            f"   raw insert:    {raw_wall:6.2f} s wall = {inserted / raw_wall:8,.0f} rows/s: "
            f"the same {inserted:,} member rows, executemany into a fresh SQLite member table "
            f"(same indexes, WAL, synchronous=FULL, 5,000 a transaction); CPU {raw_cpu:.1f} s"
        )
        print(
            f"   raw + keys:    {keyed_wall:6.2f} s wall = {inserted / keyed_wall:8,.0f} rows/s: "
            f"the same, with their {key_rows:,} search keys (the desk's key table) in the same "
            f"transactions; CPU {keyed_cpu:.1f} s"
        )
        print(
            f"   ratios: pull / fetch only = {rate / (fetched / fetch_wall):.2f}; pull / raw "
            f"insert = {rate / (inserted / raw_wall):.2f}; pull / raw + keys = "
            f"{rate / (inserted / keyed_wall):.2f}; desk CPU / raw + keys CPU = "
            f"{desk_cpu / keyed_cpu:.2f}"
        )
        held_for = sorted(holds[:held_during_pull])
        print(
            f"   write lock held by the pull's {len(held_for)} write transactions (BEGIN "
            f"IMMEDIATE to COMMIT, wall): median {statistics.median(held_for) * 1000:.0f} ms, "
            f"p95 {held_for[int(len(held_for) * 0.95)] * 1000:.0f} ms, longest "
            f"{held_for[-1] * 1000:.0f} ms: what a check-in at the desk may wait"
        )
        print(f"   load average before: {load_before}; after: {load_average()}")
        desk.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
