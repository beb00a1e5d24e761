"""The desk's sync screen when HQ resolved a conflict this desk had resolved too: HQ's note
stands and says it came from HQ; this desk's own is shown as not applied."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.model import Device, Operator
from desktop.services.sync import commands as syncing
from sync.client.engine import enrol, sync_once
from tests.sync.conftest import (  # noqa: F401  (fixtures)
    Server,
    Station,
    make_server,
    make_station,
    server,
    server_db,
)
from tests.sync.test_sync_e2e import ID_NUMBER, enrolled, register
from tests.sync.web.console import client_logged_in, create_account, csrf_of
from tests.ui.test_screenshots import grab, shots_folder
from tests.ui.test_sync_screen import open_window, sync_and_wait


def test_a_conflict_resolved_at_hq_over_this_desks_own_shows_both(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    server: Server,  # noqa: F811
    make_station: Callable[..., Station],  # noqa: F811
    tmp_path: Path,
) -> None:
    _device, admin = station
    window = open_window(qtbot, qapp, desk, admin)
    assert window.session is not None
    code = server.station("测试街道工会驿站")
    enrol(desk, server.url, code, window.session.ctx())
    window._enrolled()
    assert window.session is not None
    other = enrolled(server, make_station("光谷驿站"))
    register(other, "张秀英", "13800002222", ID_NUMBER)
    assert sync_once(other.desk).ok
    here = Station(desk, window.session.ctx(), "测试街道工会驿站")
    register(here, "张秀英", "13800001111", ID_NUMBER)
    sync_and_wait(qtbot, window)
    [conflict] = syncing.conflicts(desk.uow())
    # This desk's lead resolves it (not yet synced) while HQ resolves it in the console.
    syncing.resolve_conflict(desk.uow(), window.session.ctx(), conflict.id, "本站：不是同一人")
    create_account(server, "hq-admin")
    hq = client_logged_in(server, "hq-admin")
    page = hq.get(f"/hq/conflicts/{conflict.id}")
    hq.post(
        f"/hq/conflicts/{conflict.id}/resolve",
        data={"note": "总工会：同一人", "csrf": csrf_of(page.text)},
    )
    sync_and_wait(qtbot, window)
    screen = window.sync_screen
    assert screen.conflicts.rowCount() == 1
    state = screen.conflicts.item(0, 2).text()
    assert "总工会已处理：总工会：同一人" in state
    assert "本站的处理“本站：不是同一人”晚于总工会，未采用" in state
    assert window.tabs is not None
    window.tabs.setCurrentWidget(screen)
    grab(window, shots_folder("zh"), "14-sync-resolved-at-hq")
