"""The one input of the desk: a person typing, or a USB scanner typing a QR text fast.

A key's time is the time the keyboard sent it (`QKeyEvent.timestamp()`, in milliseconds),
not the time the screen got round to it: keys that waited while the desk was busy keep
their own gaps, so typing is never mistaken for a scanner (nor a scanner for typing).
Events made by a program carry no timestamp; those are timed by `clock` (replaced in tests).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

# A scanner types a character every few milliseconds; nobody types six in a row that fast.
BURST_MIN_CHARS = 6
BURST_MAX_GAP_S = 0.05

# Seconds, for keys without a timestamp of their own; tests put a stepped clock here.
clock: Callable[[], float] = time.monotonic


def key_time(event: QKeyEvent) -> float:
    """When the key was pressed, in seconds (only differences between keys mean anything)."""
    stamp = event.timestamp()
    return stamp / 1000 if stamp else clock()


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
        # A key the screen may take before it is typed (a service key on a highlighted
        # row); given the key and its time, True when taken.
        self.take_key: Callable[[QKeyEvent, float], bool] = lambda _event, _at: False
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

    def follows_fast(self, at: float) -> bool:
        """Whether a key at ``at`` follows the last one at scanner speed."""
        return bool(self._stamps) and at - self._stamps[-1] < BURST_MAX_GAP_S

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
            at = key_time(event)
            if self.take_key(event, at):
                return
            self._stamps.append(at)
        super().keyPressEvent(event)
