"""First pull of every member into an empty station (a new desk joins the network).

    python -m bench.sync_pull [--members 200000] [--sqlite]

The server (own process; PostgreSQL when one answers, else a SQLite file) holds
``--members`` member registrations made at another station (generated people, written
straight into its event log). A new desk enrols and pulls them in pages of 5,000, each page
and its cursor applied in one local transaction (rows, pinyin search keys, phone tails).
Target (QUALITY.md / the sync issue): ≥ 20,000 rows/s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from bench.sync_common import BenchServer, cpu_note, enrolled_desk, process_cpu, work_folder
from desktop.demo import OCCUPATIONS, PHONE_PREFIXES, _name
from desktop.domain.pinyin import sort_key
from desktop.services.members import queries as member_queries
from desktop.services.members.commands import KEYS_VERSION, name_keys
from sync.client.engine import sync_once
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args(argv)
    folder = work_folder()
    server = BenchServer(folder, use_postgres=not args.sqlite)
    try:
        seed_members(server, args.members)
        desk, _ctx = enrolled_desk(server, folder, "新站")
        desk_cpu, server_cpu = time.process_time(), process_cpu(server.process.pid)
        started = time.perf_counter()
        report = sync_once(desk, timeout=120)
        seconds = time.perf_counter() - started
        desk_cpu = time.process_time() - desk_cpu
        server_cpu = process_cpu(server.process.pid) - server_cpu
        assert report.ok, report.error
        pulled = report.pulled.get("members", 0)
        held = len(member_queries.member_ids(desk.uow()))
        assert held == args.members, (held, args.members)
        hit = member_queries.search_members(desk.uow(), "wang")
        print(
            f"first pull of {args.members:,} members from a {server.backend} server "
            f"(pages of 5,000): {seconds:.1f} s = {pulled / seconds:,.0f} rows/s; "
            f"{held:,} members searchable at the new desk ({len(hit)} shown for 'wang')"
            + cpu_note(desk_cpu, server_cpu)
        )
        desk.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
