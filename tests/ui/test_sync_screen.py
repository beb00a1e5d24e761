"""The sync screen and status line against a real server: connect, sync, a conflict resolved,
the server gone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext, Device, Operator
from desktop.i18n import tr
from desktop.services.sync import commands as syncing
from desktop.storage.members.repositories import MemberRepository
from sync.client.engine import sync_once
from tests.sync.conftest import (  # noqa: F401  (fixtures)
    Server,
    Station,
    make_server,
    make_station,
    server,
    server_db,
)
from tests.sync.test_sync_e2e import ID_NUMBER, enrolled, register
from tests.ui.test_screenshots import SIZE, grab, shots_folder
from ui.app import DeskApp
from ui.shell import Shell
from ui.sync.enrol_dialog import EnrolDialog
from ui.sync.resolve_dialog import ResolveDialog


def open_window(qtbot: QtBot, qapp: QApplication, desk: Desk, admin: Operator) -> Shell:
    controller = DeskApp(qapp, desk)
    controller.apply_language("zh")
    window = controller.build_window(admin)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    return window


def sync_and_wait(qtbot: QtBot, window: Shell) -> None:
    with qtbot.waitSignal(window.scheduler.finished, timeout=60_000):
        window.scheduler.sync_now()
    window.sync_screen.refresh()


def test_connect_sync_and_resolve_a_conflict_from_the_screen(
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
    status = window.outbox_label
    assert "单机使用" in status.text()
    screen = window.sync_screen
    assert tr("sync_screen.not_connected") in screen.headline.text()

    # Connect through the dialog: the scanned enrolment QR fills both fields.
    code = server.station("测试街道工会驿站")
    assert window.session is not None
    dialog = EnrolDialog(desk, window.session.ctx(), window)
    qtbot.addWidget(dialog)
    dialog.code.setText(f"waystation-enrol:{server.url}#{code}")
    assert dialog.server.text() == server.url and dialog.code.text() == code
    dialog.connect_desk()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message.text()
    window._enrolled()
    assert window.session is not None
    assert window.session.device.station.name == "测试街道工会驿站"

    # Another station registers the same person; both sync; the conflict shows here.
    other = enrolled(server, make_station("光谷驿站"))
    register(other, "张秀英", "13800002222", ID_NUMBER)
    assert sync_once(other.desk).ok
    here = Station(desk, window.session.ctx(), "测试街道工会驿站")
    mine = register(here, "张秀英", "13800001111", ID_NUMBER)
    sync_and_wait(qtbot, window)
    assert screen.conflicts.rowCount() == 1
    assert "光谷驿站" in screen.conflicts.item(0, 1).text()
    assert "冲突 1 个" in status.text()
    assert window.tabs is not None
    window.tabs.setCurrentWidget(screen)
    grab(window, shots_folder("zh"), "11-sync-conflict")

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        assert isinstance(modal, ResolveDialog)
        grab(modal, shots_folder("zh"), "12-sync-resolve")
        keep_mine = next(b for b in modal.choices.buttons() if "测试街道" in b.text())
        keep_mine.setChecked(True)
        modal.note.setText("电话核实为同一人")
        modal.accept()

    screen.conflicts.selectRow(0)
    QTimer.singleShot(0, answer)
    screen.resolve_selected()
    resolved = syncing.conflicts(desk.uow(), include_resolved=True)[0]
    assert resolved.status == "resolved" and resolved.note == "电话核实为同一人"
    with desk.uow().reading() as uow:
        assert uow.repo(MemberRepository).row(mine) is not None
    sync_and_wait(qtbot, window)
    assert server.conflicts()[0]["status"] == "resolved"
    assert "冲突" not in status.text()

    # The server goes away: the status line says so in plain words, nothing is lost.
    server.stop()
    register(here, "新会员", "13800003333")
    sync_and_wait(qtbot, window)
    assert "连不上中心服务器" in status.text()
    assert "待上传" in status.text()
    assert syncing.status(desk.uow()).waiting > 0
    grab(window, shots_folder("zh"), "13-sync-offline")


def test_a_long_sync_can_be_stopped_and_keeps_what_it_did(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    server: Server,  # noqa: F811
) -> None:
    from tests.sync.test_faults import fill_outbox

    _device, admin = station
    window = open_window(qtbot, qapp, desk, admin)
    from sync.client.engine import enrol

    assert window.session is not None
    enrol(desk, server.url, server.station("测试街道工会驿站"), window.session.ctx())
    window._enrolled()
    here = Station(desk, window.session.ctx(), "测试街道工会驿站")
    fill_outbox(here, 20_000)
    screen = window.sync_screen
    screen.refresh()
    with qtbot.waitSignal(window.scheduler.finished, timeout=120_000):
        with qtbot.waitSignal(window.scheduler.progress, timeout=60_000):
            screen.sync_button.click()  # sync now
        assert screen.sync_button.text() == tr("sync_screen.stop")
        screen.sync_button.click()  # stop
    state = syncing.status(desk.uow())
    assert 0 < state.waiting < 20_000  # stopped part-way; what went up is marked
    assert screen.sync_button.text() == tr("sync_screen.sync_now")
    sync_and_wait(qtbot, window)
    assert syncing.status(desk.uow()).waiting == 0


def test_a_pulled_event_set_aside_shows_with_its_reason(
    qtbot: QtBot,
    qapp: QApplication,
    desk: Desk,
    station: tuple[Device, Operator],
    server: Server,  # noqa: F811
) -> None:
    from desktop.services.sync.replication import PulledEvent
    from sync.client.engine import enrol
    from sync.protocol import SERVER_DEVICE_ID

    device, admin = station
    ctx = DeskContext(device.station.id, device.id, admin.id, admin.role)
    assert enrol(desk, server.url, server.station("测试街道工会驿站"), ctx)
    # What a relay slipped into a pull page: a device key the server never vouched for.
    forged = PulledEvent(
        server_seq=99,
        event_id="01a20000-0000-7000-8000-0000000000f1",
        kind="device.enrolled",
        entity_id="01a20000-0000-7000-8000-0000000000f2",
        station_id="01a20000-0000-7000-8000-0000000000f3",
        device_id=SERVER_DEVICE_ID,
        operator_id=None,
        device_time="2026-07-01T08:00:00.000000Z",
        received_at="2026-07-01T08:00:00.000000Z",
        payload={
            "device_id": "01a20000-0000-7000-8000-0000000000f2",
            "device_code": "EVXK01",
            "public_key": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
            "station_id": "01a20000-0000-7000-8000-0000000000f3",
        },
        signature=None,
    )
    done = syncing.apply_page(
        desk.uow(),
        "keys",
        [forged],
        syncing.cursor(desk.uow(), "keys"),
        syncing.pinned_server_key(desk.paths.keys),
    )
    assert done.set_aside == 1 and done.applied == 0
    window = open_window(qtbot, qapp, desk, admin)
    screen = window.sync_screen
    screen.refresh()
    qtbot.waitUntil(lambda: screen.quarantine.rowCount() == 1, timeout=10_000)
    assert "签名无效" in screen.quarantine.item(0, 3).text()
    assert screen.quarantine.item(0, 1).text() == "device.enrolled"
    qtbot.waitUntil(lambda: "收到未采用 1 条" in window.outbox_label.text(), timeout=10_000)
    assert window.tabs is not None
    window.tabs.setCurrentWidget(screen)
    grab(window, shots_folder("zh"), "14-sync-set-aside")


def test_refused_and_set_aside_certificates_read_in_words() -> None:
    from desktop import i18n
    from ui.sync.status import refused_reason, set_aside_reason

    assert "发证驿站" in refused_reason("rejected:certificate_not_issuer")
    assert "同一编号" in refused_reason("rejected:certificate_serial_taken")
    assert "不是本机" in refused_reason("rejected:certificate_serial_not_own")
    assert refused_reason("rejected:server_authored") == "rejected:server_authored"
    assert "发证驿站" in set_aside_reason("certificate:not_issuer")
    i18n.set_language("en")
    assert "issuing station" in refused_reason("rejected:certificate_not_issuer")
    assert "another station" in set_aside_reason("certificate:not_issuer")
