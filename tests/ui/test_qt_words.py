"""Qt's own dialogs speak the desk's language and open where a person keeps files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from desktop.bootstrap import Desk
from desktop.domain.model import Device, Operator
from ui import files
from ui.app import DeskApp
from ui.printing import file_name
from ui.shell import Shell


@pytest.fixture
def chinese_qt(qapp: QApplication, desk: Desk) -> Iterator[DeskApp]:
    app = DeskApp(qapp, desk)
    app.apply_language("zh")
    yield app
    app.apply_language("en")


def test_the_file_dialog_is_in_chinese_and_starts_in_documents(
    qtbot: QtBot, chinese_qt: DeskApp
) -> None:
    dialog = QFileDialog(None, "", files.in_documents("报表.xlsx"))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "查找范围" in labels and "文件类型" in labels and "Look in" not in labels
    assert dialog.directory().absolutePath() == str(files.documents_folder())
    assert files.in_documents("/srv/x.pdf") == "/srv/x.pdf"
    # The gap-filler answers only its own words: anything else is left to Qt (an empty
    # answer would translate every other string to nothing).
    assert QApplication.translate("NoSuchContext", "Hello") == "Hello"
    assert QApplication.translate("QPrintDialog", "Print") == "打印"


def test_suggested_file_names_carry_the_desks_day_not_the_pcs(
    qtbot: QtBot, desk: Desk, station: tuple[Device, Operator]
) -> None:
    device, admin = station
    shell = Shell(desk, device)
    qtbot.addWidget(shell)
    shell.start_duty(admin)
    assert shell.session is not None
    shell.session.today = lambda: date(2031, 2, 3)  # type: ignore[method-assign]
    assert file_name("签到表") == "签到表-2031-02-03.pdf"
    assert files.desk_qdate().toString("yyyy-MM-dd") == "2031-02-03"
