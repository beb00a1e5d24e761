"""Typing any text (Chinese too) into a widget, key by key, like a person or a scanner.

QTest.keyClicks only takes Latin-1; a QKeyEvent carrying the text works for every script.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

HUMAN_DELAY_MS = 80  # slower than any scanner


def type_text(qtbot: QtBot, widget: QWidget, text: str, delay_ms: int = 0) -> None:
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))
        if delay_ms:
            qtbot.wait(delay_ms)
