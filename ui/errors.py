"""How errors reach a person: plain words for expected ones, details for the rest."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.domain.errors import AppError
from desktop.i18n import describe, tr

log = logging.getLogger(__name__)


def show_error(parent: object, error: BaseException) -> None:
    widget = parent if isinstance(parent, QWidget) else None
    if isinstance(error, AppError):
        QMessageBox.warning(widget, tr("ui.error_title"), describe(error))
        return
    show_crash(type(error), error, error.__traceback__)


def show_crash(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, error, tb))
    log.error("unexpected error\n%s", details)
    if QApplication.instance() is None:
        print(details, file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, tr("ui.crash_title"), tr("ui.crash_text"))
    box.setDetailedText(details)  # selectable and copyable
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("crashDialog")
    box.exec()


def install_exception_hook() -> None:
    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        show_crash(kind, error, tb)

    sys.excepthook = hook
