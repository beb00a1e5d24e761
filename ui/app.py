"""Start the desk window: font, language, exception hook, first-start setup, sign-in."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from desktop import i18n
from desktop.backup import BackupInfo
from desktop.bootstrap import Desk, open_desk
from desktop.domain.errors import AppError
from desktop.domain.model import Operator
from desktop.i18n import tr
from desktop.services.desk import backups
from desktop.services.desk.settings import read_settings
from ui.errors import install_exception_hook, show_error
from ui.fonts import install_app_font
from ui.shell import Shell
from ui.tasks import DbOp

log = logging.getLogger(__name__)

WINDOW_SIZE = (1366, 768)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="waystation")
    parser.add_argument("--home")
    parser.add_argument("--lang", choices=i18n.LANGUAGES)
    args, _qt_args = parser.parse_known_args(list(argv))
    return args


def choose_language(desk: Desk, explicit: str | None) -> str:
    """``--lang``, then ``WAYSTATION_LANG``, then the desk's setting (default Chinese)."""
    if explicit:
        return i18n.normalise_language(explicit)
    env = os.environ.get("WAYSTATION_LANG")
    if env:
        return i18n.normalise_language(env)
    return read_settings(desk.uow()).language


# Qt's own dialogs whose words qtbase_zh_CN lacks (its catalog has them without the
# keyboard accelerator Qt 6 uses): the file dialog's "Look in:" and "Files of type:".
QT_GAPS_ZH = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class QtGaps(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None, not "": Qt takes an empty string for a translation (to nothing).
        return QT_GAPS_ZH.get((context, source))

    def isEmpty(self) -> bool:
        return False


_INSTALLED: list[QTranslator] = []  # Qt translators on the application, by any DeskApp


class DeskApp:
    """Owns the window; rebuilds it when the language changes."""

    def __init__(self, app: QApplication, desk: Desk) -> None:
        self.app = app
        self.desk = desk
        self.window: Shell | None = None
        self._qt_translator: QTranslator | None = None
        self._qt_gaps: QTranslator | None = None

    def apply_language(self, lang: str) -> None:
        i18n.set_language(lang)
        # Every Qt translator a controller installed on this application, not only this
        # one's: a second controller (tests make one each) must not keep 保存 on English
        # dialogs.
        while _INSTALLED:
            self.app.removeTranslator(_INSTALLED.pop())
        self._qt_translator = self._qt_gaps = None
        if lang == "zh":
            # Qt's own dialogs and buttons (Cancel, Yes, No, ...) in Chinese too.
            translator = QTranslator(self.app)
            folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load(
                QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
            ):
                self.app.installTranslator(translator)
                self._qt_translator = translator
                _INSTALLED.append(translator)
            self._qt_gaps = QtGaps(self.app)
            self.app.installTranslator(self._qt_gaps)  # asked first: it was installed last
            _INSTALLED.append(self._qt_gaps)
        QLocale.setDefault(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China)
            if lang == "zh"
            else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
        )

    def ensure_setup(self) -> bool:
        if self.desk.device() is not None:
            return True
        from ui.session.setup_dialog import SetupDialog  # only on a desk's first start

        dialog = SetupDialog(self.desk)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def build_window(self, operator: Operator | None = None) -> Shell:
        device = self.desk.device()
        assert device is not None
        window = Shell(
            self.desk, device, on_language_changed=self.change_language, on_restore=self.restore
        )
        window.resize(*WINDOW_SIZE)
        if operator is not None:
            window.start_duty(operator)
        self.window = window
        return window

    def change_language(self, lang: str) -> None:
        """Rebuild the window in the new language, keeping the operator on duty."""
        old = self.window
        operator = old.session.operator if old is not None and old.session else None
        self.apply_language(lang)
        self._replace_window(old, operator)

    def _replace_window(self, old: Shell | None, operator: Operator | None) -> Shell:
        window = self.build_window(operator)
        if old is not None:
            window.move(old.pos())
            old.close()
            old.deleteLater()
        window.show()
        return window

    # --- restoring a backup -----------------------------------------------------------------

    def restore(self, source: Path) -> None:
        """Close the desk, put the backup in place, open the desk again at the sign-in page.

        Runs as a database op, so any write queued before it finishes first; sync is
        stopped before (it waits for a sync under way). If the files could not be swapped
        (they are put back), the desk opens again with the same operator on duty.
        """
        old = self.window
        if old is None or old.session is None:
            return
        operator, ctx, desk = old.session.operator, old.session.ctx(), self.desk
        old.scheduler.stop()
        old.setEnabled(False)  # nothing more is typed into the desk being closed
        closed = False

        def close_desk() -> None:
            nonlocal closed
            desk.close()
            closed = True

        def restored(result: tuple[BackupInfo, Path]) -> None:
            info, aside = result
            if not self._reopen(desk):
                return
            backups.record_restored(self.desk.uow(), ctx, info, aside)
            self.apply_language(choose_language(self.desk, None))
            window = self._replace_window(old, None)  # the backup's operators sign in
            made = datetime.fromisoformat(info.made_at) if info.made_at else None
            when = made.astimezone().strftime("%Y-%m-%d %H:%M") if made else "?"
            self.announce(
                window, tr("restore.done", when=when, members=info.members, aside=str(aside))
            )

        def failed(error: Exception) -> None:
            if closed and not self._reopen(desk):
                return
            window = self._replace_window(old, operator)
            show_error(window, error)

        log.info("restoring %s", source)
        DbOp(old, lambda: backups.restore(desk.paths, source, desk.uow(), ctx, close_desk)).success(
            restored
        ).failure(failed).run()

    def _reopen(self, closed: Desk) -> bool:
        """The same data folder, opened again; False (and the app quits) if it cannot be."""
        try:
            self.desk = open_desk(closed.paths.home)
        except AppError as error:
            QMessageBox.critical(None, tr("app.title"), i18n.describe(error))
            self.app.exit(5)
            return False
        return True

    def announce(self, parent: Shell, text: str) -> None:
        """Tell the person what happened; tests replace this to read it."""
        QMessageBox.information(parent, tr("restore.title"), text)


def choose_platform() -> None:
    """On a Linux machine with no screen, run offscreen rather than abort in Qt's xcb plugin."""
    no_screen = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_screen and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        log.warning("no DISPLAY or WAYLAND_DISPLAY: the window runs offscreen")


def run_gui(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    choose_platform()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Waystation")
    install_app_font(app)
    install_exception_hook()
    try:
        desk = open_desk(args.home)
    except AppError as error:  # a damaged, full or read-only data folder: say so, stop
        QMessageBox.critical(None, tr("app.title"), i18n.describe(error))
        return 5  # as the command line: the data folder cannot be used
    controller = DeskApp(app, desk)
    controller.apply_language(choose_language(desk, args.lang))
    if not controller.ensure_setup():
        return 0
    window = controller.build_window()
    window.show()
    # The daily automatic backup (to the folder the admin picked), off the GUI thread.
    DbOp(window, lambda: backups.back_up_if_due(desk.paths, desk.uow())).failure(
        lambda error: log.warning("automatic backup failed: %s", error)
    ).run()
    try:
        return app.exec()
    finally:
        controller.desk.close()  # a restore may have opened it anew
