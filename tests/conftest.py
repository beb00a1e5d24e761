"""Fixtures shared by every layer: a real data folder with a set-up station."""

from __future__ import annotations

import os
import random
import zlib
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


@pytest.fixture(autouse=True)
def seeded_device_codes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Device codes drawn from a generator seeded by the test's name: a test sees the same
    codes every run (a code that happens to spell a search, "ZS...", fails every run or
    never), and the desks of one test still get different codes."""
    from desktop.domain import ids

    draw = random.Random(zlib.crc32(request.node.nodeid.encode()))

    def new_device_code() -> str:
        return "".join(
            draw.choice(ids.MEMBER_NUMBER_ALPHABET) for _ in range(ids.DEVICE_CODE_LENGTH)
        )

    monkeypatch.setattr("desktop.services.desk.setup.new_device_code", new_device_code)


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
