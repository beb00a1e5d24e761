"""Start-up, sign-in, role-dependent screens, locking by shortcut and by idle time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.model import DeskContext, Device, Operator, Role, StationKind
from desktop.i18n import tr
from desktop.services.desk import operators
from ui.app import DeskApp
from ui.session.setup_dialog import SetupDialog
from ui.shell import Shell

from ..conftest import ADMIN_PIN
from .keys import type_text


def _shell(qtbot: QtBot, desk: Desk, device: Device) -> Shell:
    shell = Shell(desk, device)
    qtbot.addWidget(shell)
    shell.resize(1366, 768)
    shell.show()
    return shell


def test_first_start_setup_creates_station_and_admin(qtbot: QtBot, desk: Desk) -> None:
    assert desk.device() is None
    dialog = SetupDialog(desk)
    qtbot.addWidget(dialog)
    dialog.station_name.setText("  望京 工会驿站 ")
    dialog.kind.setCurrentIndex(1)
    dialog.admin_name.setText("李管理")
    dialog.pin.setText("1234")
    dialog.pin_again.setText("1243")
    dialog.save()
    assert "不一致" in dialog.error.text() and desk.device() is None

    dialog.pin_again.setText("12")
    dialog.pin.setText("12")
    dialog.save()
    assert "4 到 8 位" in dialog.error.text() and desk.device() is None

    dialog.pin.setText("1234")
    dialog.pin_again.setText("1234")
    dialog.save()
    device = desk.device()
    assert device is not None
    assert device.station.name == "望京 工会驿站" and device.station.kind is StationKind.EVENT
    assert [o.name for o in operators.list_operators(desk.uow())] == ["李管理"]


def test_wrong_pin_is_refused_then_the_right_one_opens_the_desk(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    device, admin = station
    shell = _shell(qtbot, desk, device)
    assert shell.stack.currentWidget() is shell.sign_in
    type_text(qtbot, shell.sign_in.pin, "0000")
    qtbot.keyClick(shell.sign_in.pin, Qt.Key.Key_Return)
    assert "PIN 码不正确" in shell.sign_in.error.text()
    assert shell.session is None and shell.sign_in.pin.text() == ""

    type_text(qtbot, shell.sign_in.pin, ADMIN_PIN)
    qtbot.keyClick(shell.sign_in.pin, Qt.Key.Key_Return)
    assert shell.session is not None and shell.session.operator == admin
    assert shell.stack.currentWidget() is shell.tabs
    assert "王站长" in shell.operator_label.text()


def test_an_attendant_sees_no_operator_management(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    device, _admin = station
    form = operators.OperatorForm(name="小赵", role=Role.ATTENDANT, pin="1357")
    attendant = operators.add_operator(form, desk.uow(), ctx)
    shell = _shell(qtbot, desk, device)
    shell.start_duty(attendant)
    assert shell.tabs is not None
    titles = [shell.tabs.tabText(i) for i in range(shell.tabs.count())]
    assert "值班员" not in titles and "签到" in titles


def test_on_duty_only_the_check_in_desk_is_built_the_other_tabs_when_first_shown(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    from ui.members.list_screen import MembersScreen
    from ui.reports.screen import ReportScreen

    device, admin = station
    shell = _shell(qtbot, desk, device)
    shell.start_duty(admin)
    tabs, later = shell.tabs, shell.later
    assert tabs is not None and later is not None
    assert tabs.currentWidget() is shell.checkin_screen
    assert all(later.built(name) is None for name in ("members", "report", "sync", "settings"))
    titles = [tabs.tabText(i) for i in range(tabs.count())]

    members, report_at = titles.index(tr("shell.tab_members")), titles.index(tr("report.tab"))
    shell.show_tab(members)  # Ctrl+2
    screen = tabs.widget(members)
    assert isinstance(screen, MembersScreen) and tabs.currentIndex() == members
    assert later.built("members") is screen and shell.members_screen is screen
    assert later.built("report") is None

    # Asked for by the window (or a test) without being shown: built in its place.
    report = later.screen("report")
    assert isinstance(report, ReportScreen) and tabs.widget(report_at) is report
    assert tabs.currentWidget() is screen  # the tab on show stays
    assert [tabs.tabText(i) for i in range(tabs.count())] == titles
    assert tabs.tabToolTip(report_at) == f"Ctrl+{report_at + 1}"


def test_ctrl_l_locks_and_records_it(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    device, admin = station
    shell = _shell(qtbot, desk, device)
    shell.start_duty(admin)
    QApplication.setActiveWindow(shell)
    qtbot.keyClick(shell, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert shell.session is None
    assert shell.stack.currentWidget() is shell.sign_in
    assert shell.sign_in.people.currentItem().text().startswith("王站长")


def test_idle_timeout_locks_the_desk(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    device, admin = station
    shell = _shell(qtbot, desk, device)
    shell.idle_minutes = 1
    shell.start_duty(admin)
    assert shell.idle_timer.isActive()
    shell.idle_timer.setInterval(50)  # a minute is long for a test; the mechanism is the same
    shell.idle_timer.start()
    qtbot.waitUntil(lambda: shell.session is None, timeout=2000)
    assert shell.stack.currentWidget() is shell.sign_in


def test_the_app_starts_in_chinese_and_in_english(
    qtbot: QtBot, qapp: QApplication, desk: Desk, station: tuple[Device, Operator]
) -> None:
    controller = DeskApp(qapp, desk)
    controller.apply_language("en")
    window = controller.build_window()
    qtbot.addWidget(window)
    assert window.sign_in.button.text() == "Sign in"
    controller.apply_language("zh")
    window = controller.build_window()
    qtbot.addWidget(window)
    assert window.sign_in.button.text() == "登录"


def test_an_unexpected_error_shows_copyable_details_and_is_logged(qtbot: QtBot, desk: Desk) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from ui.errors import show_crash

    seen: dict[str, str] = {}

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        seen["details"] = box.detailedText()
        box.accept()

    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError as error:
        QTimer.singleShot(0, read_and_close)
        show_crash(type(error), error, error.__traceback__)
    assert "程序遇到意外错误" in seen["text"]
    assert "ZeroDivisionError" in seen["details"]
    log = (desk.paths.logs / "waystation.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log


def test_renaming_yourself_updates_the_status_bar(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator], ctx: DeskContext
) -> None:
    device, admin = station
    shell = _shell(qtbot, desk, device)
    shell.start_duty(admin)
    form = operators.OperatorForm(name="王大站长", role=Role.ADMIN)
    operators.update_operator(admin.id, form, desk.uow(), ctx)
    shell._operator_records_changed()
    assert shell.session is not None and shell.session.operator.name == "王大站长"
    assert "王大站长" in shell.operator_label.text()


def test_locking_closes_a_dialog_left_open(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    from PySide6.QtCore import QTimer

    from desktop.services.members import queries as member_queries
    from ui.members.form import MemberFormDialog

    device, admin = station
    shell = _shell(qtbot, desk, device)
    shell.start_duty(admin)
    seen: dict[str, object] = {}

    def walk_away() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, MemberFormDialog)
        dialog.name.setText("钱九")
        shell.lock("idle")  # the idle timer fires while the form is open
        seen["visible"] = dialog.isVisible()

    QTimer.singleShot(0, walk_away)
    assert shell.checkin_screen is not None
    shell.checkin_screen.register_walk_in()
    assert seen["visible"] is False
    assert shell.session is None
    assert member_queries.search_members(desk.uow(), "钱九") == []


def test_saved_settings_take_effect_at_once(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    device, admin = station
    shell = _shell(qtbot, desk, device)
    shell.start_duty(admin)
    assert shell.tabs is not None and shell.checkin_screen is not None
    settings = shell.settings_screen
    settings.offered.set_checked(("water", "toilet"))
    settings.defaults.set_checked(("toilet",))
    settings.idle_lock.setValue(3)
    settings.sound.setChecked(False)
    settings.save()
    assert list(shell.checkin_screen.services.buttons) == ["water", "toilet"]
    assert shell.checkin_screen.services.selected() == ("toilet",)
    assert shell.idle_minutes == 3 and shell.idle_timer.interval() == 3 * 60_000
    assert shell.sounds.enabled is False


def test_the_window_loads_the_network_client_only_when_it_first_syncs() -> None:
    """Start-up (bench.startup): httpx and the wire models are not imported with the window."""
    import subprocess
    import sys

    program = (
        "import sys\n"
        "import ui.app, ui.shell\n"
        "late = ('httpx', 'sync.client.engine', 'sync.client.transport', 'sync.protocol.wire')\n"
        "print(sorted(m for m in late if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_coming_on_duty_loads_no_module_of_a_tab_not_yet_shown(
    desk: Desk, station: tuple[Device, Operator]
) -> None:
    """Start-up (bench.startup), in a fresh process: the sign-in page without the check-in
    desk and the sounds; on duty, the check-in desk without the modules of the other tabs
    (ReportLab, spreadsheets, the network client, their screens)."""
    import subprocess
    import sys

    program = (
        "import os, sys\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from desktop.bootstrap import open_desk\n"
        "from desktop.services.desk import operators\n"
        "from ui.app import DeskApp\n"
        "app = QApplication([])\n"
        "desk = open_desk(sys.argv[1])\n"
        "controller = DeskApp(app, desk)\n"
        "controller.apply_language('zh')\n"
        "window = controller.build_window()\n"
        "window.show()\n"
        "app.processEvents()\n"
        "duty = ('ui.checkin.screen', 'PySide6.QtMultimedia')\n"
        "print(sorted(m for m in duty if m in sys.modules))\n"
        "window.start_duty(operators.first_admin(desk.uow()))\n"
        "app.processEvents()\n"
        "assert window.checkin_screen is not None and window.checkin_screen.isVisible()\n"
        "late = ('reportlab', 'openpyxl', 'qrcode', 'httpx', 'alembic', 'sync.client.engine',\n"
        "        'ui.members.list_screen', 'ui.reports.screen', 'ui.sync.screen',\n"
        "        'ui.training.screen', 'ui.aid.handout_screen', 'ui.admin.settings_screen')\n"
        "print(sorted(m for m in late if m in sys.modules))\n"
        "desk.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(desk.paths.home)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2:] == ["[]", "[]"]
