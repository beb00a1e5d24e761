"""The HQ console at district scale: 1,000 stations (20 unions of 50), 2,000 devices and
10,000,000 events on PostgreSQL, every console page timed over real HTTP against the
server (uvicorn in its own process, one worker), beside raw baselines in the same run.

    .venv/bin/python -m bench.hq_console [--events 10000000] [--stations 1000] [--runs 30]

How the data is made (say it when quoting figures): the events are generated inside
PostgreSQL (``INSERT ... SELECT FROM generate_series``, in chunks, the event table's indexes
dropped during the load and rebuilt after), spread over the last 365 days: 80 % visits,
5 % members registered, 5 % handouts, 4 % attendance marks, 3 % cards printed, 2 % cards
issued, 1 % certificates; no voids. The projections are then filled with SQL aggregates
over the same rows (the server's own projection code is not run on 10 M events: the tests
check it against pushes, and migration 0006 backfills through it); services and occupations
follow from the event number by the same formulas the payloads were written with.

Each page is fetched ``--runs`` times after one warm-up; printed: p50/p95 wall time, the
server process's CPU time per request (from /proc), the response size, the rows behind it,
and the load average before and after. Baselines: ``/v1/health`` over the same HTTP, and a
bare SELECT (psycopg, no ORM, no template) of the rows each figures page reads.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.sync_common import REPO, drop_postgres, postgres_database

UNIONS = 20
OCCUPATIONS = (
    "外卖骑手",
    "快递员",
    "网约车司机",
    "货车司机",
    "环卫工人",
    "保安",
    "家政服务员",
    "建筑工人",
    "",
    "其他",
)
SERVICES = ("water", "rest", "charging", "warmth", "microwave", "toilet", "first_aid")
EXTRA = ("health_check", "legal_advice", "counselling", "reading", "other")
CAMPAIGNS = ("冬季送温暖", "夏季送清凉", "春节慰问")
PASSWORD = "bench-password-123"
TICK = os.sysconf("SC_CLK_TCK")


def _sql_array(values: tuple[str, ...]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _uuid(prefix: str, number: str) -> str:
    return f"'00000000-0000-7000-{prefix}-' || lpad(to_hex({number}), 12, '0')"


def _kind() -> str:
    k = "((i % 9973) % 100)"
    return (
        f"CASE WHEN {k} < 80 THEN 'visit.recorded' WHEN {k} < 85 THEN 'member.registered' "
        f"WHEN {k} < 90 THEN 'handout.recorded' WHEN {k} < 94 THEN 'attendance.marked' "
        f"WHEN {k} < 97 THEN 'card.printed' WHEN {k} < 99 THEN 'card.issued' "
        "ELSE 'certificate.issued' END"
    )


def generate(url: str, events: int, stations: int, today: date) -> dict[str, float]:
    """Stations, devices, events and the projections, straight into the tables."""
    timings: dict[str, float] = {}
    per_station = max(1, events // stations)
    first_day = today - timedelta(days=364)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as db:
        db.execute("SET synchronous_commit = off")
        db.execute("SET maintenance_work_mem = '512MB'")
        db.execute("SET work_mem = '256MB'")
        started = time.perf_counter()
        db.execute(
            "INSERT INTO station (id, name, kind, created_at, union_name) "
            f"SELECT {_uuid('a000', 's')}, '驿站 ' || lpad(s::text, 4, '0'), 'station', "
            f"now(), '第' || (s % {UNIONS} + 1) || '区总工会' "
            f"FROM generate_series(0, {stations - 1}) s"
        )
        db.execute(
            "INSERT INTO device (id, code, station_id, local_station_id, public_key, "
            "token_hash, app_version, enrolled_at, last_seq, events, last_push_at) "
            f"SELECT {_uuid('b000', 'd')}, upper(lpad(to_hex(d), 6, '0')), "
            f"{_uuid('a000', 'd / 2')}, {_uuid('a000', 'd / 2')}, repeat('A', 43), "
            f"md5(d::text) || md5(d::text), 'bench', now(), {per_station // 2}, "
            f"{per_station // 2}, now() FROM generate_series(0, {stations * 2 - 1}) d"
        )
        # The event table's indexes go while it fills, and come back after.
        keep = db.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'event'::regclass AND contype IN ('p', 'u')"
        ).fetchall()
        for name, _definition in keep:
            db.execute(f'ALTER TABLE event DROP CONSTRAINT "{name}"')
        indexes = db.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'event'"
        ).fetchall()
        for name, _definition in indexes:
            db.execute(f'DROP INDEX "{name}"')
        station = f"(i % {stations})"
        j = f"(i / {stations})"
        day = f"(DATE '{first_day.isoformat()}' + ({j} * 365 / {per_station})::int)"
        moment = f"({day}::timestamp + interval '2 hours' + ({j} % 600) * interval '1 minute')"
        text_day = f"to_char({day}, 'YYYY-MM-DD')"
        occupation = f"({_sql_array(OCCUPATIONS)})[i % 10 + 1]"
        services = (
            f"CASE WHEN i % 4 = 0 THEN jsonb_build_array(({_sql_array(SERVICES)})[i % 7 + 1], "
            f"({_sql_array(EXTRA)})[(i / 4) % 5 + 1]) "
            f"ELSE jsonb_build_array(({_sql_array(SERVICES)})[i % 7 + 1]) END"
        )
        member = _uuid("c000", "i / 7")
        payloads = {
            "visit.recorded": f"'local_date', {text_day}, 'member_id', NULL, "
            f"'occupation', {occupation}, 'services', {services}",
            "member.registered": f"'member_number', 'M-' || i, 'name', '会员', "
            f"'occupation', {occupation}",
            "handout.recorded": f"'campaign_id', {_uuid('d000', 'i % 3')}, 'campaign_name', "
            f"({_sql_array(CAMPAIGNS)})[i % 3 + 1], 'desk', 'DESK01', 'local_date', "
            f"{text_day}, 'member_id', {member}",
            "attendance.marked": f"'course_id', {_uuid('e000', 'i % 2')}, 'id', "
            f"{_uuid('f000', 'i')}, 'member_id', {member}, 'status', 'present'",
            "certificate.issued": f"'issued_on', {text_day}, 'serial', 'C-' || i",
        }
        cases = " ".join(
            f"WHEN '{kind}' THEN jsonb_build_object({fields})" for kind, fields in payloads.items()
        )
        payload = (
            f"(CASE kind {cases} ELSE jsonb_build_object('device_code', 'DESK01', "
            f"'member_id', {member}, 'serial', 1) END)::text"
        )
        chunk = 1_000_000
        for start in range(0, events, chunk):
            stop = min(events, start + chunk) - 1
            db.execute(
                "INSERT INTO event (server_seq, event_id, device_id, station_id, seq, kind, "
                "dataset, entity_id, operator_id, device_time, received_at, payload, "
                "payload_hash) "
                f"SELECT i + 1, event_id, device_id, station_id, seq, kind, dataset, "
                f"entity_id, NULL, device_time, device_time, {payload}, "
                "md5(event_id) || md5(entity_id) FROM ("
                f"SELECT i, {_uuid('9000', 'i')} AS event_id, "
                f"{_uuid('b000', f'{station} * 2 + {j} % 2')} AS device_id, "
                f"{_uuid('a000', station)} AS station_id, {j} / 2 + 1 AS seq, "
                f"{_kind()} AS kind, NULL AS dataset, {_uuid('8000', 'i')} AS entity_id, "
                f"{moment} AT TIME ZONE 'UTC' AS device_time "
                f"FROM generate_series({start}::bigint, {stop}::bigint) i) e"
            )
            print(f"  events {stop + 1:>12,} ({time.perf_counter() - started:6.0f} s)", flush=True)
        timings["events"] = time.perf_counter() - started
        started = time.perf_counter()
        for name, definition in keep:
            db.execute(f'ALTER TABLE event ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            if name not in {n for n, _ in keep}:
                db.execute(definition)
        db.execute("SELECT setval(pg_get_serial_sequence('event', 'server_seq'), %s)", (events,))
        timings["event indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        local = "(device_time AT TIME ZONE '+08')::date::text"
        counts = ", ".join(
            f"count(*) FILTER (WHERE kind = '{kind}')"
            for kind in (
                "visit.recorded",
                "member.registered",
                "card.issued",
                "card.printed",
                "certificate.issued",
            )
        )
        db.execute(
            "INSERT INTO figure_day (station_id, day, visits, members, cards_issued, "
            "cards_printed, certificates, certificates_revoked, handouts, attendance) "
            f"SELECT station_id, {local}, {counts}, 0, "
            "count(*) FILTER (WHERE kind = 'handout.recorded'), "
            "count(*) FILTER (WHERE kind = 'attendance.marked') "
            f"FROM event GROUP BY station_id, {local}"
        )
        db.execute(
            "INSERT INTO figure_month (station_id, month, visits, members, cards_issued, "
            "cards_printed, certificates, certificates_revoked, handouts, attendance) "
            "SELECT station_id, substr(day, 1, 7), sum(visits), sum(members), "
            "sum(cards_issued), sum(cards_printed), sum(certificates), "
            "sum(certificates_revoked), sum(handouts), sum(attendance) FROM figure_day "
            "GROUP BY 1, 2"
        )
        visits = "FROM event WHERE kind = 'visit.recorded'"
        db.execute(
            "INSERT INTO figure_service (station_id, day, service, visits) "
            f"SELECT station_id, {local}, service, count(*) FROM ("
            f"SELECT station_id, device_time, ({_sql_array(SERVICES)})[server_seq_i % 7 + 1] "
            f"AS service FROM (SELECT *, server_seq - 1 AS server_seq_i {visits}) v "
            f"UNION ALL SELECT station_id, device_time, ({_sql_array(EXTRA)})"
            f"[((server_seq - 1) / 4) % 5 + 1] {visits} AND (server_seq - 1) % 4 = 0) s "
            f"GROUP BY station_id, {local}, service"
        )
        db.execute(
            "INSERT INTO figure_occupation (station_id, day, occupation, visits) "
            f"SELECT station_id, {local}, ({_sql_array(OCCUPATIONS)})[(server_seq - 1) % 10 + 1],"
            f" count(*) {visits} GROUP BY 1, 2, 3"
        )
        db.execute(
            "INSERT INTO figure_campaign (station_id, campaign_id, name, handouts) "
            f"SELECT station_id, {_uuid('d000', '(server_seq - 1) % 3')}, "
            f"({_sql_array(CAMPAIGNS)})[(server_seq - 1) % 3 + 1], count(*) FROM event "
            "WHERE kind = 'handout.recorded' GROUP BY 1, 2, 3"
        )
        db.execute(
            "INSERT INTO figure_course (station_id, course_id, title, attendance, certified) "
            f"SELECT station_id, {_uuid('e000', '(server_seq - 1) % 2')}, "
            "CASE (server_seq - 1) % 2 WHEN 0 THEN '电动车维修' ELSE '急救常识' END, "
            "count(*), 0 FROM event WHERE kind = 'attendance.marked' GROUP BY 1, 2, 3"
        )
        timings["projections"] = time.perf_counter() - started
        started = time.perf_counter()
        db.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = time.perf_counter() - started
    return timings


def sizes(url: str) -> dict[str, tuple[int, int]]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    tables = (
        "event",
        "station",
        "device",
        "figure_day",
        "figure_month",
        "figure_service",
        "figure_occupation",
        "figure_campaign",
        "figure_course",
    )
    found = {}
    with psycopg.connect(conninfo) as db:
        for table in tables:
            rows = db.execute(f"SELECT count(*) FROM {table}").fetchone()
            size = db.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()
            assert rows is not None and size is not None
            found[table] = (int(rows[0]), int(size[0]))
    return found


class Served:
    """The real server (uvicorn, one worker) in its own process."""

    def __init__(self, url: str, folder: Path) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
        env.update(
            WAYSTATION_SERVER_DATABASE_URL=url,
            WAYSTATION_SERVER_MODE="development",
            WAYSTATION_SERVER_DATA_FOLDER=str(folder / "server-data"),
            WAYSTATION_SERVER_PUBLIC_URL=f"http://127.0.0.1:{self.port}",
        )
        self.env = env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "serve", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=(folder / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def cli(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "sync.server.cli", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def logged_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, headers={"Accept-Language": "zh-CN"})
    form = client.get("/hq/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form)
    data = {"name": name, "password": PASSWORD, "next": "/hq"}
    if token:
        data["login_token"] = token.group(1)
    reply = client.post("/hq/login", data=data, headers={"Origin": base})
    if reply.status_code >= 400 or "hq_session" not in client.cookies:
        raise RuntimeError(f"login failed: {reply.status_code} {reply.text[:300]}")
    return client


def timed(fetch: Callable[[], int], runs: int, cpu: Callable[[], float] | None) -> dict[str, float]:
    fetch()  # warm-up
    walls: list[float] = []
    size = 0
    before_cpu = cpu() if cpu else 0.0
    before_client = time.process_time()
    for _ in range(runs):
        started = time.perf_counter()
        size = fetch()
        walls.append((time.perf_counter() - started) * 1000)
    walls.sort()
    return {
        "p50": statistics.median(walls),
        "p95": walls[min(len(walls) - 1, round(0.95 * len(walls)) - 1)],
        "server_cpu": ((cpu() - before_cpu) / runs * 1000) if cpu else 0.0,
        "client_cpu": (time.process_time() - before_client) / runs * 1000,
        "bytes": float(size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--stations", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", metavar="URL", help="time the pages again on a database a --keep run kept"
    )
    args = parser.parse_args(argv)
    url = args.reuse or postgres_database()
    if url is None:
        print("PostgreSQL is needed (WAYSTATION_BENCH_POSTGRES)", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="hq-console-"))
    served: Served | None = None
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
        env.update(
            WAYSTATION_SERVER_DATABASE_URL=url,
            WAYSTATION_SERVER_DATA_FOLDER=str(folder / "server-data"),
        )
        today = date.fromisoformat(_today())
        print(f"load average before: {_load()}; {os.cpu_count()} CPUs")
        if args.reuse:
            print("reusing the kept database (generated by an earlier run)")
            print("data sizes:")
            for table, (rows, size) in sizes(url).items():
                print(f"  {table:<18} {rows:>12,} rows {size / 2**20:>10,.1f} MiB")
            served = Served(url, folder)
            return run_pages(served, url, args.runs, today, args.stations)
        subprocess.run(
            [sys.executable, "-m", "sync.server.cli", "migrate"], cwd=REPO, env=env, check=True
        )
        print(f"generating {args.events:,} events for {args.stations:,} stations ...")
        cpu = os.times()
        timings = generate(url, args.events, args.stations, today)
        for step, seconds in timings.items():
            print(f"  {step:<16} {seconds:8.1f} s")
        print(
            f"  (this process's CPU: {os.times().user - cpu.user:.1f} s; the work is PostgreSQL's)"
        )
        print("data sizes:")
        for table, (rows, size) in sizes(url).items():
            print(f"  {table:<18} {rows:>12,} rows {size / 2**20:>10,.1f} MiB")
        served = Served(url, folder)
        served.cli("user", "create", "hq", "--role", "hq_admin", "--password-stdin")
        served.cli(
            "user",
            "create",
            "viewer",
            "--role",
            "district_viewer",
            "--union",
            "第1区总工会",
            "--password-stdin",
        )
        return run_pages(served, url, args.runs, today, args.stations)
    finally:
        if served is not None:
            served.stop()
        if not args.keep and not args.reuse:
            drop_postgres(url)
        else:
            print(f"kept: {url}")


def _today() -> str:
    from sync.server import log
    from sync.server.figures.queries import today

    return today(log.now())


def run_pages(served: Served, url: str, runs: int, today: date, stations: int) -> int:
    admin = logged_in(served.base, "hq")
    viewer = logged_in(served.base, "viewer")
    month = today.isoformat()[:7]
    station = "00000000-0000-7000-a000-" + format(7, "012x")
    own = "00000000-0000-7000-a000-" + format(UNIONS, "012x")  # of 第1区总工会, as the viewer
    union = "第1区总工会"

    def page(client: httpx.Client, path: str) -> Callable[[], int]:
        def fetch() -> int:
            reply = client.get(path)
            if reply.status_code != 200:
                raise RuntimeError(f"{path}: {reply.status_code} {reply.text[:300]}")
            return len(reply.content)

        return fetch

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    db = psycopg.connect(conninfo)

    def select(sql: str, params: tuple[Any, ...]) -> Callable[[], int]:
        def fetch() -> int:
            return len(db.execute(sql, params).fetchall())

        return fetch

    first, last = f"{month}-01", today.isoformat()
    health = httpx.Client(base_url=served.base)
    cases: list[tuple[str, str, Callable[[], int], bool]] = [
        ("baseline", "GET /v1/health", page(health, "/v1/health"), True),
        (
            "baseline",
            "SELECT figure_day, month, all stations",
            select("SELECT * FROM figure_day WHERE day BETWEEN %s AND %s", (first, last)),
            False,
        ),
        (
            "baseline",
            "SELECT figure_day, month, 1 station",
            select(
                "SELECT * FROM figure_day WHERE station_id = %s AND day BETWEEN %s AND %s",
                (station, first, last),
            ),
            False,
        ),
        (
            "baseline",
            "SELECT figure_day, previous month, all",
            select(
                "SELECT * FROM figure_day WHERE day BETWEEN %s AND %s",
                (f"{_previous(month)}-01", f"{_previous(month)}-31"),
            ),
            False,
        ),
        (
            "baseline",
            "SELECT figure_month, month, all stations",
            select("SELECT * FROM figure_month WHERE month = %s", (month,)),
            False,
        ),
        ("baseline", "SELECT station (all)", select("SELECT * FROM station", ()), False),
        ("admin", "/hq stations list", page(admin, "/hq"), True),
        ("admin", "/hq/stations/{id} one station", page(admin, f"/hq/stations/{station}"), True),
        (
            "admin",
            "/hq/stations/{id}?month=previous",
            page(admin, f"/hq/stations/{station}?month={_previous(month)}"),
            True,
        ),
        ("admin", "/hq/month all stations", page(admin, "/hq/month"), True),
        (
            "admin",
            "/hq/month all, previous (full) month",
            page(admin, f"/hq/month?month={_previous(month)}"),
            True,
        ),
        ("admin", "/hq/month?union=", page(admin, f"/hq/month?union={union}"), True),
        ("admin", "/hq/month.xlsx all stations", page(admin, "/hq/month.xlsx"), True),
        ("admin", "/hq/month.pdf all stations", page(admin, "/hq/month.pdf"), True),
        ("admin", "/hq/month.pdf?union=", page(admin, f"/hq/month.pdf?union={union}"), True),
        ("admin", "/hq/conflicts", page(admin, "/hq/conflicts"), True),
        ("admin", "/hq/devices", page(admin, "/hq/devices"), True),
        ("admin", "/hq/audit", page(admin, "/hq/audit"), True),
        ("viewer", "/hq stations list (its union)", page(viewer, "/hq"), True),
        ("viewer", "/hq/stations/{id}", page(viewer, f"/hq/stations/{own}"), True),
        ("viewer", "/hq/month", page(viewer, "/hq/month"), True),
        ("viewer", "/hq/month.xlsx", page(viewer, "/hq/month.xlsx"), True),
        ("viewer", "/hq/month.pdf", page(viewer, "/hq/month.pdf"), True),
    ]
    print(f"\nload average before pages: {_load()}")
    print(f"{runs} runs each after a warm-up; ms; server CPU from /proc per request")
    print(f"{'who':<9}{'what':<42}{'p50':>8}{'p95':>8}{'srv cpu':>9}{'cli cpu':>9}{'bytes':>10}")
    worst = 0.0
    for who, what, fetch, over_http in cases:
        try:
            got = timed(fetch, runs, served.cpu if over_http else None)
        except RuntimeError as error:
            print(f"{who:<9}{what:<42} FAILED {error}")
            worst = float("inf")
            continue
        if who != "baseline":
            worst = max(worst, got["p95"])
        print(
            f"{who:<9}{what:<42}{got['p50']:8.1f}{got['p95']:8.1f}"
            f"{got['server_cpu']:9.1f}{got['client_cpu']:9.1f}{int(got['bytes']):>10,}"
        )
    print(f"load average after pages: {_load()}")
    print(f"worst page p95: {worst:.1f} ms (target 300 ms): {'OK' if worst <= 300 else 'OVER'}")
    db.close()
    return 0 if worst <= 300 else 1


def _previous(month: str) -> str:
    from sync.server.figures.queries import shifted

    return shifted(month, -1)


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
