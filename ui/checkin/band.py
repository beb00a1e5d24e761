"""The full-width result band: green recorded, orange repeat, red refused, blue asking,
grey-blue saving (a write waiting its turn on the database)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class Tone(StrEnum):
    IDLE = "idle"
    ASK = "ask"
    OK = "ok"
    REPEAT = "repeat"
    ERROR = "error"
    WAIT = "wait"


COLOURS = {
    Tone.IDLE: ("#eceff1", "#37474f"),
    Tone.ASK: ("#1565c0", "#ffffff"),
    Tone.OK: ("#2e7d32", "#ffffff"),
    Tone.REPEAT: ("#ef6c00", "#ffffff"),
    Tone.ERROR: ("#c62828", "#ffffff"),
    Tone.WAIT: ("#546e7a", "#ffffff"),
}

STYLES = {
    tone: (
        f"QWidget#resultBand {{ background:{background}; border-radius:6px; }}"
        f"QLabel {{ color:{foreground}; background:transparent; }}"
        "QLabel#bandTitle { font-size:26px; font-weight:bold; }"
        "QLabel#bandDetail { font-size:16px; }"
    )
    for tone, (background, foreground) in COLOURS.items()
}

CLEAR_AFTER_MS = 8000


class ResultBand(QWidget):
    def __init__(self, idle_text: str) -> None:
        super().__init__()
        self.setObjectName("resultBand")
        self.idle_text = idle_text
        self.tone = Tone.IDLE
        self.title = QLabel()
        self.title.setObjectName("bandTitle")
        self.detail = QLabel()
        self.detail.setObjectName("bandDetail")
        for label in (self.title, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumHeight(110)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.clear()

    def show_result(self, tone: Tone, title: str, detail: str = "", sticky: bool = False) -> None:
        if tone is not self.tone or not self.styleSheet():
            self.setStyleSheet(STYLES[tone])  # re-styling costs milliseconds: only on change
        self.tone = tone
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        if sticky:
            self._timer.stop()
        else:
            self._timer.start(CLEAR_AFTER_MS)

    def clear(self) -> None:
        self.show_result(Tone.IDLE, self.idle_text, sticky=True)
