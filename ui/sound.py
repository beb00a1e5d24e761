"""Short result sounds. QtMultimedia needs libpulse on Linux; without it, the system beep."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication

from resources import sound_path

log = logging.getLogger(__name__)

SOUNDS = ("ok", "repeat", "error")


class Sounds:
    """Loaded by ``load`` (the shell does when someone comes on duty) or at the first sound:
    QtMultimedia takes a moment to start, which the sign-in page need not wait for."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._effects: dict[str, Any] = {}
        self._loaded = False

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as error:  # e.g. libpulse.so.0 missing on a bare Linux
            log.info("no QtMultimedia (%s); using the system beep", error)
            return
        for name in SOUNDS:
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(sound_path(name))))
            effect.setVolume(0.6)
            self._effects[name] = effect

    def play(self, name: str) -> None:
        if not self.enabled:
            return
        self.load()
        effect = self._effects.get(name)
        if effect is not None:
            effect.play()
        else:
            QApplication.beep()
