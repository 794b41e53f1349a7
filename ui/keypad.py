"""The twelve phone keys, shared by the dial pad and the in-call DTMF keypad."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QToolButton, QWidget

KEYS = "123456789*0#"


class Keypad(QWidget):
    """A 4x3 grid of phone keys; typing a key on the keyboard presses it too."""

    key_pressed = Signal(str)
    """One of ``0-9 * #`` was pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        for index, key in enumerate(KEYS):
            button = QToolButton()
            button.setText(key)
            button.setMinimumSize(40, 32)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[key] = button
