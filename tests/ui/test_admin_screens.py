"""Operators and settings screens: what admins may change, and what others only see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from desktop.config import DeskSettings
from desktop.domain.changes import Changes
from desktop.domain.model import SERVICES, DeskContext, Operator, Role
from desktop.i18n import tr
from desktop.services.desk import operators
from desktop.services.desk.operators import OperatorForm
from desktop.services.desk.settings import read_settings
from ui.admin.operators_screen import OperatorDialog, OperatorsScreen
from ui.admin.settings_screen import SettingsScreen
from ui.session.state import DeskSession


def _attendant(session: DeskSession, ctx: DeskContext, name: str = "李值班") -> Operator:
    form = OperatorForm(name, Role.ATTENDANT, "1357")
    return operators.add_operator(form, session.desk.uow(), ctx)


def _as(session: DeskSession, operator: Operator) -> DeskSession:
    return DeskSession(session.desk, session.device, operator)


def _operators_screen(qtbot: QtBot, session: DeskSession) -> OperatorsScreen:
    screen = OperatorsScreen(session)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def _filler(
    name: str | None = None,
    role: Role | None = None,
    pin: str = "",
    pin_again: str | None = None,
    seen: list[OperatorDialog] | None = None,
) -> Callable[[QDialog], bool]:
    """A stand-in for ``run_dialog``: types into the operator dialog and presses Save."""

    def run(dialog: QDialog) -> bool:
        assert isinstance(dialog, OperatorDialog)
        if seen is not None:
            seen.append(dialog)
        if name is not None:
            dialog.name.setText(name)
        if role is not None:
            dialog.role.setCurrentIndex(dialog.role.findData(role.value))
        if pin:
            if not dialog.reset_pin.isHidden():
                dialog.reset_pin.setChecked(True)
            dialog.pin.setText(pin)
            dialog.pin_again.setText(pin if pin_again is None else pin_again)
        dialog.ok.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    return run


def _rows(screen: OperatorsScreen) -> list[list[str]]:
    model = screen.model
    return [
        [str(model.data(model.index(r, c))) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


# --- operators ---------------------------------------------------------------------------


def test_admin_sees_the_operators(qtbot: QtBot, session: DeskSession) -> None:
    screen = _operators_screen(qtbot, session)

    assert _rows(screen) == [["王站长（本人）", "管理员", "在岗"]]


def test_add_an_operator(
    qtbot: QtBot, session: DeskSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _operators_screen(qtbot, session)
    changed: list[Changes] = []
    session.changes.changed.connect(lambda value, _origin: changed.append(value))
    monkeypatch.setattr(screen, "run_dialog", _filler("李值班", Role.ATTENDANT, "1357"))

    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)

    assert ["李值班", "值班员", "在岗"] in _rows(screen)
    added = operators.operator_by_name(session.desk.uow(), "李值班")
    assert operators.sign_in(session.desk.uow(), added.id, "1357").role is Role.ATTENDANT
    assert screen.selected_operator() == added
    assert changed == [Changes(operators=True, outbox=True)]  # the shell hears of it


def test_different_pins_keep_the_dialog_open(
    qtbot: QtBot, session: DeskSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _operators_screen(qtbot, session)
    seen: list[OperatorDialog] = []
    monkeypatch.setattr(
        screen, "run_dialog", _filler("李值班", pin="1357", pin_again="1358", seen=seen)
    )

    screen.add_operator()

    assert seen[0].error.text() == tr("operators.pin_mismatch")
    assert seen[0].result() != QDialog.DialogCode.Accepted
    assert len(_rows(screen)) == 1


def test_a_refused_pin_is_explained_in_the_dialog(
    qtbot: QtBot, session: DeskSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _operators_screen(qtbot, session)
    seen: list[OperatorDialog] = []
    monkeypatch.setattr(screen, "run_dialog", _filler("李值班", pin="12", seen=seen))

    screen.add_operator()

    assert seen[0].error.text() == "PIN 码应为 4 到 8 位数字。"
    assert seen[0].ok.isEnabled()
    assert len(_rows(screen)) == 1


def test_edit_renames_changes_role_and_resets_pin(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = _attendant(session, ctx)
    screen = _operators_screen(qtbot, session)
    screen.select_operator(clerk.id)
    monkeypatch.setattr(screen, "run_dialog", _filler("李小值", Role.LEAD, "97531"))

    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)

    assert ["李小值", "站长", "在岗"] in _rows(screen)
    assert operators.sign_in(session.desk.uow(), clerk.id, "97531").role is Role.LEAD


def test_edit_without_reset_keeps_the_pin(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = _attendant(session, ctx)
    screen = _operators_screen(qtbot, session)
    screen.select_operator(clerk.id)
    seen: list[OperatorDialog] = []
    monkeypatch.setattr(screen, "run_dialog", _filler("李小值", seen=seen))

    screen.edit_selected()

    assert not seen[0].pin.isEnabled()
    assert operators.sign_in(session.desk.uow(), clerk.id, "1357").name == "李小值"


def test_the_last_admin_cannot_become_an_attendant(
    qtbot: QtBot, session: DeskSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _operators_screen(qtbot, session)
    screen.select_operator(session.operator.id)
    seen: list[OperatorDialog] = []
    monkeypatch.setattr(screen, "run_dialog", _filler(role=Role.ATTENDANT, seen=seen))

    screen.edit_selected()

    assert seen[0].error.text() == tr("operator.last_admin")
    assert _rows(screen) == [["王站长（本人）", "管理员", "在岗"]]
    assert operators.first_admin(session.desk.uow()).id == session.operator.id


def test_deactivate_and_reactivate_an_operator(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = _attendant(session, ctx)
    screen = _operators_screen(qtbot, session)
    monkeypatch.setattr(screen, "confirm_active_change", lambda operator: True)
    screen.select_operator(clerk.id)

    qtbot.mouseClick(screen.active_button, Qt.MouseButton.LeftButton)

    assert ["李值班", "值班员", "已停用"] in _rows(screen)
    assert not operators.list_operators(session.desk.uow(), include_inactive=True)[1].active
    assert screen.active_button.text() == "恢复"

    qtbot.mouseClick(screen.active_button, Qt.MouseButton.LeftButton)
    assert ["李值班", "值班员", "在岗"] in _rows(screen)


def test_nobody_deactivates_themselves(qtbot: QtBot, session: DeskSession) -> None:
    screen = _operators_screen(qtbot, session)
    screen.select_operator(session.operator.id)

    assert screen.edit_button.isEnabled()
    assert not screen.active_button.isEnabled()


def test_non_admins_get_an_explanation_instead(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext
) -> None:
    screen = _operators_screen(qtbot, _as(session, _attendant(session, ctx)))

    assert screen.refusal.text() == tr("operators.admin_only")
    assert not hasattr(screen, "table")


# --- settings ----------------------------------------------------------------------------


def _settings_screen(
    qtbot: QtBot, session: DeskSession, languages: list[str] | None = None
) -> SettingsScreen:
    screen = SettingsScreen(
        session, on_language_changed=None if languages is None else languages.append
    )
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def test_settings_show_the_defaults(qtbot: QtBot, session: DeskSession) -> None:
    screen = _settings_screen(qtbot, session)

    assert screen.values() == read_settings(session.desk.uow())
    assert screen.idle_lock.value() == DeskSettings.idle_lock_minutes.default
    assert screen.offered.item(0).text() == "饮水"


def test_save_writes_every_option_and_says_so(qtbot: QtBot, session: DeskSession) -> None:
    languages: list[str] = []
    screen = _settings_screen(qtbot, session, languages)
    screen.idle_lock.setValue(15)
    screen.repeat_window.setValue(240)
    screen.sound.setChecked(False)
    screen.offered.set_checked(["water", "rest", "charging"])
    screen.defaults.set_checked(["water", "charging"])
    screen.occupations.entry.setText(" 代驾司机 ")
    qtbot.keyClick(screen.occupations.entry, Qt.Key.Key_Return)
    screen.occupations.move_current(-1)
    screen.tags.list.setCurrentRow(0)
    screen.tags.remove_current()

    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)

    assert screen.status.text() == "已保存"
    with session.desk.uow() as uow:
        assert DeskSettings.idle_lock_minutes.read(uow) == 15
        assert DeskSettings.repeat_window_minutes.read(uow) == 240
        assert DeskSettings.sound.read(uow) is False
        assert DeskSettings.offered_services.read(uow) == ("water", "rest", "charging")
        assert DeskSettings.default_services.read(uow) == ("water", "charging")
        assert DeskSettings.occupations.read(uow)[-2:] == ("代驾司机", "其他")
        assert DeskSettings.tags.read(uow) == DeskSettings.tags.default[1:]
    assert languages == []  # unchanged language: nothing to rebuild
    again = _settings_screen(qtbot, session)
    assert again.values() == screen.values()


def test_a_new_language_is_announced_after_saving(qtbot: QtBot, session: DeskSession) -> None:
    languages: list[str] = []
    screen = _settings_screen(qtbot, session, languages)
    screen.language.setCurrentIndex(screen.language.findData("en"))

    screen.save()

    assert languages == ["en"]
    with session.desk.uow() as uow:
        assert DeskSettings.language.read(uow) == "en"


def test_only_offered_services_can_be_preselected(qtbot: QtBot, session: DeskSession) -> None:
    screen = _settings_screen(qtbot, session)
    assert "water" in screen.defaults.checked()

    screen.offered.set_checked([code for code in SERVICES if code != "water"])

    assert "water" not in screen.defaults.checked()
    assert not screen.defaults.item(0).flags() & Qt.ItemFlag.ItemIsEnabled


def test_no_service_offered_is_refused(qtbot: QtBot, session: DeskSession) -> None:
    screen = _settings_screen(qtbot, session)
    screen.offered.set_checked([])

    screen.save()

    assert screen.status.text() == "「本站提供的服务」至少要有一项。"
    with session.desk.uow() as uow:
        assert DeskSettings.offered_services.read(uow) == DeskSettings.offered_services.default


@pytest.mark.parametrize("role", [Role.ATTENDANT, Role.LEAD])
def test_non_admins_see_settings_read_only(
    qtbot: QtBot, session: DeskSession, ctx: DeskContext, role: Role
) -> None:
    operator = operators.add_operator(OperatorForm("李值班", role, "1357"), session.desk.uow(), ctx)
    screen = _settings_screen(qtbot, _as(session, operator))

    assert screen.save_button.isHidden()
    assert screen.note.isVisible() and screen.note.text() == tr("settings.admin_only")
    assert not screen.idle_lock.isEnabled() and not screen.offered.isEnabled()
    assert screen.occupations.entry.isHidden()
    screen.idle_lock.setValue(99)
    screen.save()
    with session.desk.uow() as uow:
        assert DeskSettings.idle_lock_minutes.read(uow) == DeskSettings.idle_lock_minutes.default
