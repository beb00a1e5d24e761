"""What the sync benchmarks share: a central server in its own process (PostgreSQL when
reachable, else a SQLite file), desks in temporary folders, bulk-made events."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from desktop.bootstrap import Desk, open_desk
from desktop.domain.model import DeskContext, StationKind
from desktop.services.desk import setup
from sync.client.engine import enrol
from sync.server.settings import DEVELOPMENT_ADMIN_TOKEN

POSTGRES = os.environ.get(
    "WAYSTATION_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ADMIN = {"Authorization": f"Bearer {DEVELOPMENT_ADMIN_TOKEN}"}
REPO = Path(__file__).resolve().parents[1]


def postgres_database() -> str | None:
    """A fresh PostgreSQL database, or None when no PostgreSQL answers."""
    try:
        import psycopg

        admin = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
        name = f"ws_bench_{secrets.token_hex(4)}"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
    except Exception:
        return None


def drop_postgres(url: str) -> None:
    import psycopg

    admin = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


class BenchServer:
    def __init__(self, folder: Path, use_postgres: bool = True, workers: int = 1) -> None:
        self.folder = folder
        pg = postgres_database() if use_postgres else None
        self.database_url = pg or f"sqlite:///{folder / 'central.sqlite3'}"
        self.backend = "PostgreSQL" if pg else "SQLite"
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
        env.update(
            WAYSTATION_SERVER_DATABASE_URL=self.database_url,
            WAYSTATION_SERVER_MODE="development",
            WAYSTATION_SERVER_DATA_FOLDER=str(folder / "server-data"),
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sync.server.cli",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, self.url + path, headers=ADMIN, timeout=120, **kwargs)
        response.raise_for_status()
        return response.json()

    def code(self, station: str) -> str:
        return str(
            self.admin("POST", "/v1/admin/stations", json={"name": station})["enrolment_code"]
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        if self.database_url.startswith("postgresql"):
            drop_postgres(self.database_url)


def new_desk(folder: Path, name: str) -> tuple[Desk, DeskContext]:
    desk = open_desk(folder / name)
    device, admin = setup.set_up_station(
        setup.StationSetup(
            station_name=name,
            kind=StationKind.STATION,
            union_name="基准测试总工会",
            admin_name="基准管理员",
            admin_pin="246810",
        ),
        desk.uow(),
    )
    desk.register_own_key()
    return desk, DeskContext(device.station.id, device.id, admin.id, admin.role)


def enrolled_desk(server: BenchServer, folder: Path, name: str) -> tuple[Desk, DeskContext]:
    desk, ctx = new_desk(folder, name)
    enrol(desk, server.url, server.code(name), ctx)
    device = desk.device()
    assert device is not None
    return desk, DeskContext(device.station.id, device.id, ctx.operator_id, ctx.operator_role)


def queue_visits(desk: Desk, ctx: DeskContext, count: int, batch: int = 20_000) -> None:
    """Anonymous visit events straight into the outbox, as a busy offline desk leaves them."""
    from desktop.domain.clock import to_iso
    from sync.protocol.events.visits import VISIT_RECORDED, VisitRecorded

    visit = VisitRecorded(member_id=None, services=("water", "rest"), occupation="外卖骑手")
    made = 0
    while made < count:
        with desk.uow() as uow:
            at = to_iso(uow.now())
            for i in range(made, min(count, made + batch)):
                uow.outbox.append(VISIT_RECORDED, f"{i:036d}", visit, ctx, at)
            uow.commit()
        made = min(count, made + batch)


HANDOUT_EVERY = 20  # one event in 20 a handout (with its campaign's limits: the rules run)


def queue_day_events(desk: Desk, ctx: DeskContext, count: int, batch: int = 20_000) -> int:
    """Events shaped like a station's real ones straight into the outbox: check-ins of
    members and of anonymous visitors with their local day, and every ``HANDOUT_EVERY``th a
    handout carrying its campaign's limits (so the server's handout rule runs on it).
    Returns how many handouts were queued."""
    from desktop.domain.clock import to_iso
    from sync.protocol.events.aid import (
        HANDOUT_RECORDED,
        HandoutLimits,
        HandoutRecorded,
        ItemLine,
    )
    from sync.protocol.events.visits import VISIT_RECORDED, VisitRecorded

    campaign = "01900000-0000-7000-8000-00000000ca01"
    water = "01900000-0000-7000-8000-0000000017e1"
    limits = HandoutLimits(max_per_person=2, max_per_day=1)
    services = (("water", "rest"), ("charging",), ("water", "microwave"), ("rest",))
    made = handouts = 0
    while made < count:
        with desk.uow() as uow:
            at = to_iso(uow.now())
            for i in range(made, min(count, made + batch)):
                member = f"01900000-0000-7000-8000-{i % 50_000:012d}"
                day = f"2026-11-{1 + i % 28:02d}"
                if i % HANDOUT_EVERY == HANDOUT_EVERY - 1:
                    handouts += 1
                    handout = HandoutRecorded(
                        campaign_id=campaign,
                        member_id=member,
                        desk="BENCH1",
                        campaign_name="冬送温暖",
                        limits=limits,
                        member_number=f"BENCH1-{i % 50_000:06d}",
                        items=(ItemLine(item_id=water, quantity=1),),
                        operator_name="基准管理员",
                        local_date=day,
                    )
                    uow.outbox.append(HANDOUT_RECORDED, f"{i:036d}", handout, ctx, at)
                    continue
                visit = VisitRecorded(
                    member_id=member if i % 3 else None,
                    services=services[i % len(services)],
                    occupation="外卖骑手" if i % 3 == 0 else None,
                    local_date=day,
                )
                uow.outbox.append(VISIT_RECORDED, f"{i:036d}", visit, ctx, at)
            uow.commit()
        made = min(count, made + batch)
    return handouts


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_note(desk_cpu: float, server_cpu: float) -> str:
    return (
        f"; CPU: desk {desk_cpu:.1f} s, server {server_cpu:.1f} s (PostgreSQL's own not "
        f"counted); load average {os.getloadavg()[0]:.2f}"
    )


def work_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="waystation-sync-bench-"))
