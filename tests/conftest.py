"""Fixtures shared by every layer: a real data folder with a set-up station."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("WAYSTATION_HOME", None)
os.environ.pop("WAYSTATION_LANG", None)

from desktop import i18n
from desktop.bootstrap import Desk, open_desk
from desktop.domain.model import DeskContext, Device, Operator, StationKind
from desktop.services.desk import setup

ADMIN_PIN = "2468"


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    i18n.set_language("zh")
    yield
    i18n.set_language("zh")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def desk(home: Path) -> Iterator[Desk]:
    opened = open_desk(home)
    yield opened
    opened.close()


@pytest.fixture
def station(desk: Desk) -> tuple[Device, Operator]:
    made = setup.set_up_station(
        setup.StationSetup(
            station_name="测试街道工会驿站",
            kind=StationKind.STATION,
            union_name="测试区总工会",
            admin_name="王站长",
            admin_pin=ADMIN_PIN,
        ),
        desk.uow(),
    )
    desk.register_own_key()
    return made


@pytest.fixture
def ctx(station: tuple[Device, Operator]) -> DeskContext:
    device, admin = station
    return DeskContext(device.station.id, device.id, admin.id, admin.role)
