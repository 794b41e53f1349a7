"""The Qt binding must not leak or drop references to ``None``.

PySide6 6.12.0 dropped one reference to ``None`` on every Qt method that returns nothing
(``QLabel.setText``, ``setEnabled``...). On Python 3.11, where ``None`` is an ordinary object, the idle
desktop lost ~2 references a second and ~490 per call, and the interpreter aborted ("none_dealloc:
deallocating None") after roughly a hundred calls: an operator's work lost mid-shift. pyproject.toml
keeps PySide6 below 6.12; this test fails on any binding with the bug, whatever its version.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

ROUNDS = 2_000


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 (PEP 683)")
def test_qt_methods_returning_nothing_keep_none_alive(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    label, field = QLabel(window), QLineEdit(window)
    before = sys.getrefcount(None)
    for n in range(ROUNDS):
        label.setText(str(n))
        field.setText(str(n))
        window.setEnabled(True)
    lost = before - sys.getrefcount(None)
    assert abs(lost) < ROUNDS // 10, f"{lost} references to None lost in {3 * ROUNDS} Qt calls"
