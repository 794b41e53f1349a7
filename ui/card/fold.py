"""A section that folds: a header button (Tab reaches it, Space or its Alt key opens it) and a body shown
only when open. The call card folds the contact's editable fields into one, so the glance (who, why,
the last calls) fits above the script without scrolling."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QToolButton, QVBoxLayout, QWidget


class Fold(QWidget):
    """``header`` toggles ``body``; folded at start."""

    toggled = Signal(bool)
    """``True`` when it opened."""

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = body
        self.header = QToolButton()
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setArrowType(Qt.ArrowType.RightArrow)
        self.header.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.header.setAutoRaise(True)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.toggled.connect(self._show)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(body, 1)
        body.hide()

    @property
    def expanded(self) -> bool:
        return self.header.isChecked()

    def expand(self) -> None:
        self.header.setChecked(True)

    def collapse(self) -> None:
        self.header.setChecked(False)

    def _show(self, on: bool) -> None:
        self.header.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)
        self.setSizePolicy(
            QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding if on else QSizePolicy.Policy.Maximum
        )
        self.toggled.emit(on)
