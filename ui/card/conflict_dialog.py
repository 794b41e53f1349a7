"""The 412 dialog: someone saved the contact while the operator was editing it.

For each field both changed, it shows the operator's value and the server's side by side and lets the
operator keep either (their own preselected: it is what they just typed, usually while talking to the
customer). Keyboard: Tab moves between rows, arrows switch mine/theirs, Return applies.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.card.contact_fields import Conflict
from ui.plain import plain_label

MINE = "mine"
THEIRS = "theirs"


class ConflictDialog(QDialog):
    """Mine or theirs, per field; ``choices()`` after it is accepted."""

    def __init__(self, rows: list[tuple[Conflict, str, str, str]], parent: QWidget | None = None) -> None:
        """``rows``: each conflict with its field label and both values already in words."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("The contact was changed by someone else"))
        self._groups: dict[str, QButtonGroup] = {}
        self.mine_buttons: dict[str, QRadioButton] = {}
        self.theirs_buttons: dict[str, QRadioButton] = {}
        intro = plain_label(
            self.tr("Someone else changed these fields while you were editing. Choose which value to keep.")
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(plain_label(self.tr("Field")), 0, 0)
        grid.addWidget(plain_label(self.tr("Your value")), 0, 1)
        grid.addWidget(plain_label(self.tr("Saved by someone else")), 0, 2)
        for row, (conflict, label, mine, theirs) in enumerate(rows, start=1):
            group = QButtonGroup(self)
            mine_button, theirs_button = QRadioButton(), QRadioButton()
            mine_button.setChecked(True)
            group.addButton(mine_button)
            group.addButton(theirs_button)
            grid.addWidget(plain_label(label), row, 0)
            for column, (button, text) in enumerate(((mine_button, mine), (theirs_button, theirs)), start=1):
                cell = QWidget()
                line = QGridLayout(cell)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(button, 0, 0)
                value = plain_label(text)
                value.setWordWrap(True)
                value.setBuddy(button)
                line.addWidget(value, 0, 1)
                line.setColumnStretch(1, 1)
                grid.addWidget(cell, row, column)
            self._groups[conflict.path] = group
            self.mine_buttons[conflict.path] = mine_button
            self.theirs_buttons[conflict.path] = theirs_button
        all_mine = QPushButton(self.tr("Keep all mine"))
        all_mine.clicked.connect(lambda: self._all(self.mine_buttons))
        all_theirs = QPushButton(self.tr("Take all theirs"))
        all_theirs.clicked.connect(lambda: self._all(self.theirs_buttons))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(all_mine, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(all_theirs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def _all(self, buttons: dict[str, QRadioButton]) -> None:
        for button in buttons.values():
            button.setChecked(True)

    def choices(self) -> dict[str, str]:
        """``MINE`` or ``THEIRS`` for each conflicting field path."""
        return {path: MINE if button.isChecked() else THEIRS for path, button in self.mine_buttons.items()}
