"""Restoring the desk from a backup on the settings screen (issue 16): an admin chooses one of
the backups in the backup folder, checks it, reads what will happen, confirms; the desk
closes, swaps the files and opens again at the sign-in page. Real files throughout."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop import backup as backup_files
from desktop.bootstrap import Desk
from desktop.domain.errors import PermissionDenied
from desktop.domain.model import DeskContext, Device, Operator, Role
from desktop.i18n import tr
from desktop.services.desk import backups, operators
from desktop.services.desk.settings import read_settings, save_settings
from desktop.services.members import commands as members
from desktop.services.members.queries import search_members
from ui.admin.restore_dialog import RestoreDialog
from ui.app import DeskApp

SHOTS = Path(os.environ.get("WAYSTATION_SCREENSHOTS", Path(__file__).parents[2] / "screenshots"))


def _grab(widget: QWidget, name: str) -> None:
    """At 1366x768 for the window, as test_screenshots does; look at them."""
    folder = SHOTS / "zh"
    folder.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # pending layout requests, as the event loop would
    assert widget.grab().save(str(folder / f"{name}.png"))


def _register(desk: Desk, ctx: DeskContext, name: str, phone: str) -> None:
    form = members.MemberForm(name=name, phone=phone, occupation="快递员", consent=True)
    members.register_member(form, desk.uow(), ctx)


def _count(database: Path, sql: str) -> int:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return int(connection.execute(sql).fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def usb(desk: Desk, ctx: DeskContext, tmp_path: Path) -> Path:
    """The backup folder the admin picked, holding two backups: one of two members, an
    older one of one member."""
    folder = tmp_path / "usb"
    save_settings(read_settings(desk.uow()).replace(backup_folder=str(folder)), desk.uow(), ctx)
    _register(desk, ctx, "张三", "13800138000")
    backups.back_up(desk.paths, None, desk.uow(), ctx)
    _register(desk, ctx, "李四", "13900139000")
    backups.back_up(desk.paths, None, desk.uow(), ctx)
    _register(desk, ctx, "王五", "13700137000")  # after the last backup: not in either
    return folder


@pytest.fixture
def controller(
    qapp: QApplication, desk: Desk, station: tuple[Device, Operator]
) -> Iterator[DeskApp]:
    made = DeskApp(qapp, desk)
    made.apply_language("zh")
    yield made
    if made.window is not None:
        made.window.close()
    if made.desk is not desk:
        made.desk.close()


def test_an_admin_restores_a_chosen_backup_and_the_desk_reopens_at_sign_in(
    qtbot: QtBot,
    controller: DeskApp,
    desk: Desk,
    station: tuple[Device, Operator],
    ctx: DeskContext,
    usb: Path,
) -> None:
    _device, admin = station
    window = controller.build_window(admin)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    settings = window.settings_screen
    assert window.tabs is not None
    window.tabs.setCurrentWidget(settings)
    settings.findChild(QScrollArea).ensureWidgetVisible(settings.restore_button)
    _grab(window, "30-settings-backups")
    assert settings.restore_button.isVisible() and settings.restore_button.isEnabled()
    told: list[str] = []
    controller.announce = lambda _parent, text: told.append(text)  # type: ignore[method-assign]
    older, _newer = backup_files.backups_in(usb)
    seen: dict[str, object] = {}

    def drive(dialog: QDialog) -> bool:
        assert isinstance(dialog, RestoreDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        listed = [dialog.backups.item(i).text() for i in range(dialog.backups.count())]
        seen["listed"] = listed
        assert len(listed) == 2 and "2 名会员" in listed[0] and "1 名会员" in listed[1]
        assert not dialog.restore_button.isEnabled()  # not before it was checked
        dialog.select(older)
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        assert "这份备份完好" in dialog.verdict.text()
        assert "replaced-" in dialog.what_happens.text()
        assert str(desk.paths.home) in dialog.what_happens.text()
        assert dialog.restore_button.isEnabled()
        _grab(dialog, "31-restore-dialog")
        asked: list[str] = []
        dialog.confirm = lambda info: asked.append(info.path) or False  # type: ignore[method-assign]
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        assert asked == [str(older)] and dialog.isVisible()  # "No": nothing happens
        dialog.confirm = lambda info: True  # type: ignore[method-assign]
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted

    settings.run_dialog = drive  # type: ignore[method-assign]
    qtbot.mouseClick(settings.restore_button, Qt.MouseButton.LeftButton)

    assert seen["listed"]
    reopened = controller.window
    assert reopened is not None and reopened is not window
    assert reopened.session is None  # at the sign-in page: the backup's operators sign in
    assert reopened.stack.currentWidget() is reopened.sign_in
    assert controller.desk is not desk
    assert told and "1 名会员" in told[0] and "replaced-" in told[0]
    home = desk.paths.home
    assert _count(home / "waystation.sqlite3", "SELECT count(*) FROM member") == 1
    (aside,) = home.glob("replaced-*")
    assert _count(aside / "waystation.sqlite3", "SELECT count(*) FROM member") == 3
    assert (aside / "keys" / "device-ed25519.key").read_bytes() == (
        home / "keys" / "device-ed25519.key"
    ).read_bytes()
    connection = sqlite3.connect(f"file:{home / 'waystation.sqlite3'}?mode=ro", uri=True)
    who, detail = connection.execute(
        "SELECT operator_id, detail FROM audit_log WHERE action = 'backup_restored'"
    ).fetchone()
    connection.close()
    assert who == admin.id and json.loads(detail)["kept_aside"] == str(aside)
    assert (
        _count(
            aside / "waystation.sqlite3",
            "SELECT count(*) FROM audit_log WHERE action = 'backup_restore'"
            f" AND operator_id = '{admin.id}'",
        )
        == 1
    )
    # The reopened desk works: the admin signs in again and the member list is the backup's.
    reopened.sign_in.pin.setText("2468")
    qtbot.mouseClick(reopened.sign_in.button, Qt.MouseButton.LeftButton)
    assert reopened.session is not None
    uow = controller.desk.uow
    assert [m.name for m in search_members(uow(), "张三")] == ["张三"]
    assert search_members(uow(), "王五") == []
    _grab(reopened, "32-after-restore")


def test_a_damaged_backup_is_refused_when_checked_and_cannot_be_restored(
    qtbot: QtBot, controller: DeskApp, station: tuple[Device, Operator], usb: Path
) -> None:
    _device, admin = station
    window = controller.build_window(admin)
    qtbot.addWidget(window)
    newest = backup_files.backups_in(usb)[-1]
    with open(newest / "waystation.sqlite3", "r+b") as handle:  # a bit flipped on the stick
        handle.seek(5000)
        byte = handle.read(1)
        handle.seek(5000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    dialog = RestoreDialog(window.session)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.select(newest)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert "损坏" in dialog.verdict.text() and "waystation.sqlite3" in dialog.verdict.text()
    assert not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen is None and controller.window is window


def test_an_empty_backup_folder_says_where_it_looked(
    qtbot: QtBot, controller: DeskApp, desk: Desk, station: tuple[Device, Operator]
) -> None:
    _device, admin = station
    window = controller.build_window(admin)
    qtbot.addWidget(window)
    dialog = RestoreDialog(window.session)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    assert dialog.backups.count() == 0
    assert dialog.folder_label.text() == tr("restore.folder_empty", folder=str(desk.paths.backups))
    assert not dialog.check_button.isEnabled() and not dialog.restore_button.isEnabled()


def test_only_an_admin_may_restore(
    qtbot: QtBot, controller: DeskApp, desk: Desk, ctx: DeskContext, usb: Path
) -> None:
    lead = operators.add_operator(
        operators.OperatorForm(name="李站长", role=Role.LEAD, pin="1357"), desk.uow(), ctx
    )
    window = controller.build_window(lead)
    qtbot.addWidget(window)
    assert not window.settings_screen.restore_button.isEnabled()
    other = DeskContext(ctx.station_id, ctx.device_id, lead.id, lead.role)
    closed: list[bool] = []
    with pytest.raises(PermissionDenied):
        backups.restore(
            desk.paths,
            backup_files.backups_in(usb)[-1],
            desk.uow(),
            other,
            lambda: closed.append(True),
        )
    with pytest.raises(PermissionDenied):
        backups.check(backup_files.backups_in(usb)[-1], other)
    assert closed == [] and not list(desk.paths.home.glob("replaced-*"))
