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
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._effects: dict[str, Any] = {}
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
        effect = self._effects.get(name)
        if effect is not None:
            effect.play()
        else:
            QApplication.beep()
