"""Qt bindings must not leak or drop references: a desk runs all day.

PySide6 6.12.0 under Python 3.11 dropped one reference to ``None`` per void Qt call, and the
interpreter aborted ("none_dealloc") after a few dozen check-ins. pyproject.toml keeps that
release away from Python 3.11; this test catches such a build wherever it shows up.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_the_reference_count_of_none(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("张三 签到成功")
    assert sys.getrefcount(None) >= before - 50  # other objects may come and go
