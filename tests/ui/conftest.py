"""UI fixtures: the bundled font, background work run inline, a signed-in session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from desktop.bootstrap import Desk
from desktop.domain.model import Device, Operator
from ui import files, tasks
from ui.desk import search_box
from ui.fonts import install_app_font
from ui.session.state import DeskSession


@pytest.fixture(autouse=True)
def synchronous_tasks() -> Iterator[None]:
    tasks.set_synchronous(True)
    yield
    tasks.set_synchronous(False)


@pytest.fixture(autouse=True)
def key_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are timed by the stepped clock of tests/ui/keys.py, never by wall time."""
    from .keys import CLOCK

    monkeypatch.setattr(search_box, "clock", CLOCK)


@pytest.fixture(autouse=True)
def desk_day() -> Iterator[None]:
    """A shell points the file names' day at its session; the next test starts afresh."""
    yield
    files.desk_day = date.today


@pytest.fixture(autouse=True)
def app_font(qapp: QApplication) -> None:
    install_app_font(qapp)


@pytest.fixture
def session(desk: Desk, station: tuple[Device, Operator]) -> DeskSession:
    device, admin = station
    return DeskSession(desk, device, admin)
