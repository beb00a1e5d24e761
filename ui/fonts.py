"""The CJK font that ships with the app, registered with Qt before any widget exists."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from resources import FONT_FAMILY, font_path

log = logging.getLogger(__name__)


def install_app_font(app: QApplication, point_size: int = 11) -> str:
    """Register WenQuanYi Micro Hei and make it the application font; returns the family."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else FONT_FAMILY
    if font_id < 0:
        log.error("could not load the bundled font %s", font_path())
    font = QFont(family, point_size)
    app.setFont(font)
    return family
