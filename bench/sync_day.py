"""A day of 1,000 stations, replayed fast: push latency, and nothing lost or doubled.

    python -m bench.sync_day [--stations 1000] [--events 200] [--speed 1000]
                             [--processes 8] [--workers 2] [--sqlite]

Each simulated station is a device enrolled on a real server (``--workers`` uvicorn
processes on one PostgreSQL database) through the real enrolment call. Its day holds
``--events`` visit events (shaped like a desk's: anonymous visits with their services and
local day) at moments drawn with a morning peak (around 08:00), an evening peak (around
18:00) and a quieter spread from 06:00 to 22:00. The day is replayed ``--speed`` times
faster than the clock. Like a desk, a station pushes what it holds a moment after a burst
(5 s of the day's clock after its last event), in batches of at most 500, and tries again
with a short pause when a push fails. The stations run in ``--processes`` separate
processes (asyncio in each), never as threads of the server's process.

Printed: events pushed, the replayed day's wall time, the peak rate, push latency (request
sent to answer read) p50/p95/max and the wait of an event (made on the day's clock to
accepted) p50/p95, the CPU of the server's processes and of the station processes, and
the load average; then the check: every device's count on the server equals what its
station made, and the server holds no event twice.

A simulated station writes no SQLite file (a real desk's own cost is in bench.sync_push);
what this measures is the server under a realistic day of many desks.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bench.common import Usage, cost_line, cpu_seconds
from bench.sync_common import BenchServer, work_folder
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.protocol.events.visits import VISIT_RECORDED, VisitRecorded

DAY = 86_400.0
DEBOUNCE = 5.0  # seconds of the day's clock after a station's last event
BATCH = 500
SERVICES = ("water", "rest", "charging", "toilet", "microwave", "warmth")
OCCUPATIONS = ("外卖骑手", "快递员", "网约车司机", "环卫工人")


@dataclass(frozen=True)
class Station:
    station_id: str
    device_id: str
    token: str


def day_moments(rng: random.Random, count: int) -> list[float]:
    """Seconds since midnight: 35 % around 08:00, 35 % around 18:00, the rest 06:00-22:00."""
    moments = []
    for _ in range(count):
        pick = rng.random()
        if pick < 0.35:
            moment = rng.gauss(8 * 3600, 3600)
        elif pick < 0.70:
            moment = rng.gauss(18 * 3600, 3600)
        else:
            moment = rng.uniform(6 * 3600, 22 * 3600)
        moments.append(min(max(moment, 0.0), DAY - 1))
    return sorted(moments)


def enrol_station(url: str, admin: dict[str, str], n: int) -> Station:
    with httpx.Client(base_url=url, timeout=120) as client:
        made = client.post("/v1/admin/stations", headers=admin, json={"name": f"日驿站{n:04d}"})
        made.raise_for_status()
        key = Ed25519PrivateKey.generate().public_key()
        public = base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
        device_id = str(uuid.uuid4())
        reply = client.post(
            "/v1/enrol",
            json={
                "code": made.json()["enrolment_code"],
                "device_id": device_id,
                "device_code": f"D{n:05d}",
                "public_key": public,
                "local_station_id": str(uuid.uuid4()),
                "app_version": "bench",
            },
        )
        if reply.status_code != 200:
            raise RuntimeError(f"enrolment of station {n} refused: {reply.text[:300]}")
        body = reply.json()
        return Station(body["station_id"], device_id, body["device_token"])


async def run_station(
    client: httpx.AsyncClient,
    station: Station,
    moments: list[float],
    start: float,
    speed: float,
    day: str,
    latencies: list[float],
    waits: list[float],
    failures: list[int],
) -> int:
    """Make the day's events at their moments, pushing like a desk; returns events accepted."""
    rng = random.Random(station.device_id)
    pending: list[tuple[dict[str, Any], float]] = []  # (envelope, when made: wall clock)
    accepted = 0
    headers = {"Authorization": f"Bearer {station.token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    midnight = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    async def push_all() -> None:
        nonlocal accepted, pending
        while pending:
            batch, pending = pending[:BATCH], pending[BATCH:]
            body = orjson.dumps({"events": [envelope for envelope, _ in batch]})
            while True:
                sent = time.perf_counter()
                try:
                    reply = await client.post(
                        "/v1/push",
                        content=body,
                        headers={**headers, "Content-Type": "application/json"},
                    )
                    latencies.append(time.perf_counter() - sent)
                    if reply.status_code == 200:
                        break
                except httpx.HTTPError:
                    latencies.append(time.perf_counter() - sent)
                failures.append(1)
                await asyncio.sleep(0.2)
            now = time.perf_counter()
            results = reply.json()["results"]
            accepted += sum(1 for r in results if r["status"] in ("accepted", "duplicate"))
            waits.extend(now - made for _, made in batch)

    for i, moment in enumerate(moments):
        await asyncio.sleep(max(0.0, start + moment / speed - time.perf_counter()))
        seq = i + 1
        visit = VisitRecorded(
            member_id=None,
            occupation=rng.choice(OCCUPATIONS),
            services=tuple(sorted(set(rng.choices(SERVICES, k=rng.choice((1, 2, 3)))))),
            local_date=day,
        )
        at = midnight + timedelta(seconds=moment)
        envelope = {
            "event_id": str(uuid.uuid4()),
            "seq": seq,
            "kind": VISIT_RECORDED.name,
            "entity_id": str(uuid.uuid4()),
            "station_id": station.station_id,
            "device_id": station.device_id,
            "operator_id": None,
            "device_time": at.isoformat().replace("+00:00", "Z"),
            "payload": VISIT_RECORDED.encode(visit),
        }
        pending.append((envelope, time.perf_counter()))
        following = moments[i + 1] if i + 1 < len(moments) else None
        if following is None or following - moment > DEBOUNCE:
            # A burst ended: the desk pushes DEBOUNCE (day's clock) after its last write.
            await asyncio.sleep(DEBOUNCE / speed)
            await push_all()
    await push_all()
    return accepted


async def run_stations(
    url: str, stations: list[Station], count: int, start: float, speed: float, seed: int
) -> dict[str, Any]:
    latencies: list[float] = []
    waits: list[float] = []
    failures: list[int] = []
    day = datetime.now(UTC).date().isoformat()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        tasks = []
        for station in stations:
            rng = random.Random(f"{seed}-{station.device_id}")
            moments = day_moments(rng, count)
            tasks.append(
                run_station(client, station, moments, start, speed, day, latencies, waits, failures)
            )
        accepted = await asyncio.gather(*tasks)
    return {
        "accepted": dict(zip((s.device_id for s in stations), accepted, strict=True)),
        "latencies": latencies,
        "waits": waits,
        "failures": len(failures),
        "cpu": time.process_time(),
    }


def station_process(
    url: str, stations: list[Station], count: int, start: float, speed: float, seed: int
) -> dict[str, Any]:
    return asyncio.run(run_stations(url, stations, count, start, speed, seed))


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_rate(stations: int, count: int, speed: float, seed: int) -> float:
    """The busiest minute of the replayed day, in events per real second."""
    rng = random.Random(seed)
    per_minute = [0] * 1440
    for _ in range(min(stations, 200)):
        for moment in day_moments(rng, count):
            per_minute[int(moment // 60)] += 1
    scale = stations / min(stations, 200)
    return max(per_minute) * scale / (60 / speed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200, help="per station")
    parser.add_argument("--speed", type=float, default=1000.0, help="times the day's clock")
    parser.add_argument("--processes", type=int, default=8, help="station processes")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sqlite", action="store_true", help="server on SQLite")
    args = parser.parse_args(argv)
    folder = work_folder()
    server = BenchServer(folder, use_postgres=not args.sqlite, workers=args.workers)
    try:
        from bench.sync_common import ADMIN

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            stations = list(
                pool.map(lambda n: enrol_station(server.url, ADMIN, n), range(args.stations))
            )
        print(
            f"{args.stations:,} stations enrolled on a {server.backend} server "
            f"({args.workers} processes) in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        shares = [stations[i :: args.processes] for i in range(args.processes)]
        server_before = cpu_seconds(server.process.pid)
        usage = Usage.now()
        start = time.perf_counter() + 2.0  # every process starts the day together
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.processes) as pool:
            done = pool.starmap(
                station_process,
                [
                    (server.url, share, args.events, start, args.speed, args.seed)
                    for share in shares
                ],
            )
        seconds = time.perf_counter() - start
        used = Usage.now().since(usage)
        server_cpu = cpu_seconds(server.process.pid) - server_before
        accepted: dict[str, int] = {}
        latencies: list[float] = []
        waits: list[float] = []
        for part in done:
            accepted.update(part["accepted"])
            latencies += part["latencies"]
            waits += part["waits"]
        failures = sum(part["failures"] for part in done)
        stations_cpu = sum(part["cpu"] for part in done)
        made = args.stations * args.events
        devices = {d["id"]: d for d in server.admin("GET", "/v1/admin/devices")}
        wrong = sum(1 for s in stations if devices[s.device_id]["events"] != args.events)
        stored = server.admin("GET", "/v1/admin/stats")["events_by_kind"].get(
            VISIT_RECORDED.name, 0
        )
        print(
            f"a day of {args.stations:,} stations × {args.events} events = {made:,} visit "
            f"events, replayed {args.speed:,.0f}× ({DAY / args.speed:.0f} s for the day; "
            f"busiest minute ≈ {peak_rate(args.stations, args.events, args.speed, args.seed):,.0f}"
            f" events/s): {seconds:.1f} s wall"
        )
        print(
            f"   push latency: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 "
            f"{percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
            f"over {len(latencies):,} pushes ({failures} failed and were sent again); an "
            f"event's wait from made to stored: p50 {percentile(waits, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(waits, 0.95) * 1000:.0f} ms (includes the desk's "
            f"{DEBOUNCE / args.speed * 1000:.0f} ms pause after a burst)"
        )
        print(
            f"   check: accepted {sum(accepted.values()):,}; the server holds {stored:,} "
            f"visit events; devices whose server count differs from what they made: {wrong}"
            f" of {args.stations:,}; {'OK' if wrong == 0 and stored == made else 'WRONG'}"
        )
        print(
            cost_line(used, server_cpu) + f"; station processes {stations_cpu:.1f} s CPU; "
            f"median push {statistics.median(latencies) * 1000:.0f} ms",
            flush=True,
        )
        return 0 if wrong == 0 and stored == made else 1
    finally:
        server.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("WAYSTATION_HOME", None)


if __name__ == "__main__":
    sys.exit(main())
