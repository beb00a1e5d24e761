"""A real central server (uvicorn in its own process, real HTTP on loopback) and real desks.

The server's database is a SQLite file, or a fresh PostgreSQL database per test when
``WAYSTATION_TEST_POSTGRES`` names a server (CI sets it: these tests run against PostgreSQL
there and never skip; an unreachable PostgreSQL fails them).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop.bootstrap import Desk, open_desk
from desktop.domain.clock import Clock, system_clock
from desktop.domain.model import DeskContext, StationKind
from desktop.services.desk import setup
from sync.server.settings import DEVELOPMENT_ADMIN_TOKEN

REPO = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("WAYSTATION_TEST_POSTGRES", "")
ADMIN = {"Authorization": f"Bearer {DEVELOPMENT_ADMIN_TOKEN}"}
PIN = "2468"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_admin_url() -> str:
    return POSTGRES.replace("postgresql+psycopg://", "postgresql://")


def create_postgres_database() -> str:
    import psycopg

    name = f"ws_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(_postgres_admin_url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.fail(f"WAYSTATION_TEST_POSTGRES is set but PostgreSQL is unreachable: {error}")
    base = POSTGRES.rsplit("/", 1)[0]
    if not base.startswith("postgresql+psycopg://"):
        base = base.replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_postgres_admin_url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    database_url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    # The server's data folder (its signing key): shared by the servers of one test, like
    # the processes of one deployment.
    data_folder: Path | None = None
    production: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("WAYSTATION_")}
        environment.update(
            WAYSTATION_SERVER_DATABASE_URL=self.database_url,
            WAYSTATION_SERVER_MODE="production" if self.production else "development",
            WAYSTATION_SERVER_PUBLIC_URL=self.url,
        )
        environment.update(self.extra_env)  # may override the above (e.g. the public URL)
        if self.data_folder is not None:
            environment["WAYSTATION_SERVER_DATA_FOLDER"] = str(self.data_folder)
        return environment

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sync.server.cli", *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=self.env(),
            timeout=120,
        )

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sync.server.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=REPO,
            env=self.env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start in 60 s")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush: what a power cut does to the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)
        self.process = None

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, self.url + path, headers=ADMIN, timeout=30, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    def station(self, name: str, kind: str = "station") -> str:
        """Create a station; returns a one-time enrolment code."""
        return str(
            self.admin("POST", "/v1/admin/stations", json={"name": name, "kind": kind})[
                "enrolment_code"
            ]
        )

    def code(self, station: str) -> str:
        return str(self.admin("POST", f"/v1/admin/stations/{station}/codes")["enrolment_code"])

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self.admin("GET", "/v1/admin/stats")
        return result

    def conflicts(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.admin("GET", "/v1/admin/conflicts")
        return result

    def event_count(self) -> int:
        return sum(self.stats()["events_by_kind"].values())


def server_database(tmp_path: Path) -> str:
    if POSTGRES:
        return create_postgres_database()
    return f"sqlite:///{tmp_path / 'server' / 'central.sqlite3'}"


@pytest.fixture
def server_db(tmp_path: Path) -> Iterator[str]:
    url = server_database(tmp_path)
    yield url
    if url.startswith("postgresql"):
        drop_postgres_database(url)


@pytest.fixture
def make_server(tmp_path: Path, server_db: str) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def make(port: int | None = None, database_url: str | None = None) -> Server:
        server = Server(
            database_url or server_db,
            port or free_port(),
            tmp_path / f"server-{len(started)}.log",
            data_folder=tmp_path / "server-data",
        )
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def server(make_server: Callable[..., Server]) -> Server:
    return make_server()


@dataclass
class Station:
    """A desk in its own data folder, set up with an admin (and a lead for conflicts)."""

    desk: Desk
    ctx: DeskContext
    name: str

    def uow(self) -> Any:
        return self.desk.uow()


@pytest.fixture
def make_station(tmp_path: Path) -> Iterator[Callable[..., Station]]:
    opened: list[Desk] = []

    def make(name: str, clock: Clock = system_clock) -> Station:
        desk = open_desk(tmp_path / f"desk-{name}", clock=clock)
        opened.append(desk)
        device, admin = setup.set_up_station(
            setup.StationSetup(
                station_name=name,
                kind=StationKind.STATION,
                union_name="测试区总工会",
                admin_name=f"{name}站长",
                admin_pin=PIN,
            ),
            desk.uow(),
        )
        desk.register_own_key()
        ctx = DeskContext(device.station.id, device.id, admin.id, admin.role)
        return Station(desk, ctx, name)

    yield make
    for desk in opened:
        desk.close()


def refreshed(station: Station) -> DeskContext:
    """The desk's context after enrolment (records now carry the server's station id)."""
    device = station.desk.device()
    assert device is not None
    station.ctx = DeskContext(
        device.station.id, device.id, station.ctx.operator_id, station.ctx.operator_role
    )
    return station.ctx
