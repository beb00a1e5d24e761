"""Where the desk's file dialogs open, and the day in the names it suggests.

A station PC's program folder is no place for a report: every open and save dialog starts in
the person's Documents folder. Suggested names carry the day on the desk's clock
(`DeskSession.today()`, set by the shell when someone goes on duty), not the PC's date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths

# The station's day; the shell points this at the session on duty.
desk_day: Callable[[], date] = date.today


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def in_documents(suggested: str = "") -> str:
    """A path for a file dialog: a bare name (or nothing) is put in Documents."""
    if suggested and Path(suggested).is_absolute():
        return suggested
    return str(documents_folder() / suggested) if suggested else str(documents_folder())


def desk_qdate() -> QDate:
    day = desk_day()
    return QDate(day.year, day.month, day.day)
