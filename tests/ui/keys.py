"""Typing any text (Chinese too) into a widget, key by key, like a person or a scanner.

QTest.keyClicks only takes Latin-1; a QKeyEvent carrying the text works for every script.

Key timing is not wall time: the desk reads a key's time from `ui.desk.search_box.clock`
for events without a timestamp (all events made in tests), and `KeyClock` replaces it
(tests/ui/conftest.py). Each key read steps the clock by the pace being typed: scanner
speed in a burst, a person's speed otherwise. A loaded machine changes no verdict.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

HUMAN_DELAY_MS = 80  # slower than any scanner
SCANNER_GAP_MS = 4  # a USB scanner types a character every few milliseconds
PERSON_GAP_MS = 200  # a key pressed on its own (qtbot.keyClick)


class KeyClock:
    """Seconds that advance by `step_ms` each time a key's time is read."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.step_ms = PERSON_GAP_MS

    def __call__(self) -> float:
        self.now += self.step_ms / 1000
        return self.now


CLOCK = KeyClock()


def type_text(qtbot: QtBot, widget: QWidget, text: str, delay_ms: int = 0) -> None:
    """No delay: a scanner burst (keys 4 ms apart). A delay: a person (keys that far apart,
    and the event loop runs between them, so the screen's timers fire as they would)."""
    before = CLOCK.step_ms
    CLOCK.step_ms = delay_ms or SCANNER_GAP_MS
    try:
        for char in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                QApplication.sendEvent(widget, event)
            if delay_ms:
                qtbot.wait(delay_ms)
    finally:
        CLOCK.step_ms = before
    CLOCK.now += PERSON_GAP_MS / 1000  # whatever follows is a new key, not the same burst
