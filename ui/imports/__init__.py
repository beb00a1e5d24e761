"""Member import (a wizard) and exports (a dialog), offered from the members screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from desktop.domain.model import Role
from desktop.i18n import tr
from ui.session.state import DeskSession


def roster_menu(parent: QWidget, session: DeskSession, refresh: Callable[[], None]) -> QPushButton:
    """The members screen's 导入/导出 button: import a roster (leads and admins), export."""
    # A push button with a menu: its width makes room for the menu arrow (a tool button's
    # arrow sat on the last character).
    button = QPushButton(tr("import.menu"), parent)
    button.setObjectName("rosterMenu")
    menu = QMenu(button)
    action = menu.addAction(tr("import.open"), lambda: open_import(parent, session, refresh))
    action.setEnabled(session.can(Role.LEAD))
    menu.addAction(tr("export.open"), lambda: open_export(parent, session))
    button.setMenu(menu)
    return button


def open_import(parent: QWidget, session: DeskSession, refresh: Callable[[], None]) -> None:
    from ui.imports.wizard import ImportWizard

    wizard = ImportWizard(session, parent)
    wizard.exec()
    if wizard.imported:
        refresh()


def open_export(parent: QWidget, session: DeskSession) -> None:
    from ui.imports.export_dialog import ExportDialog

    ExportDialog(session, "members", parent=parent).exec()
