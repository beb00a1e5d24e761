"""The one input of the desk: a person typing, or a USB scanner typing a QR text fast."""

from __future__ import annotations

import time
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

# A scanner types a character every few milliseconds; nobody types six in a row that fast.
BURST_MIN_CHARS = 6
BURST_MAX_GAP_S = 0.05


class SearchBox(QLineEdit):
    """Emits ``submitted(text, from_scanner)`` on Enter and passes navigation keys on."""

    submitted = Signal(str, bool)
    navigate = Signal(int)  # -1 up, +1 down
    escaped = Signal()
    key_for_state = Signal(QKeyEvent)  # digits etc. while the screen waits for a choice

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("checkinSearch")
        self._stamps: list[float] = []
        self.capturing = False  # the screen takes keys itself (services, confirmations)
        self.textChanged.connect(self._on_text)

    def _on_text(self, text: str) -> None:
        if not text:
            self._stamps.clear()

    def looks_scanned(self) -> bool:
        stamps = self._stamps[-len(self.text()) :] if self.text() else []
        if len(stamps) < BURST_MIN_CHARS:
            return False
        gaps = [b - a for a, b in pairwise(stamps)]
        return max(gaps, default=0.0) < BURST_MAX_GAP_S

    def typing_fast(self) -> bool:
        """Whether the last two characters came at scanner speed (a burst is under way)."""
        return len(self._stamps) >= 2 and self._stamps[-1] - self._stamps[-2] < BURST_MAX_GAP_S

    def feed(self, text: str, stamp: float) -> None:
        """Type ``text`` as if its key had come at ``stamp`` (keys the screen held back)."""
        self._stamps.append(stamp)
        self.insert(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.capturing:
            self.key_for_state.emit(event)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit(self.text(), self.looks_scanned())
            return
        if key == Qt.Key.Key_Up:
            self.navigate.emit(-1)
            return
        if key == Qt.Key.Key_Down:
            self.navigate.emit(1)
            return
        if key == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        if event.text():
            self._stamps.append(time.monotonic())
        super().keyPressEvent(event)
