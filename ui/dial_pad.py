"""The outgoing dial pad: a number field, the phone keys, and the history of recent calls.

The widget does not check or normalise numbers (the core does, with :mod:`app.phones`); it emits what
the operator typed, trimmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from app.store.calls import CallRecord

from ui.keypad import Keypad
from ui.lazy import settle
from ui.plain import plain_label


@dataclass(frozen=True)
class DialHistoryEntry:
    """One recent call in the dial pad's history."""

    number: str
    at: datetime
    name: str | None = None
    outgoing: bool = True
    call_id: str = ""
    """The call's record id, so a call listed from the log and finished now is listed once."""


def history_entries(records: list[CallRecord], names: Mapping[int, str]) -> list[DialHistoryEntry]:
    """The dial pad's rows for calls from the local call log, named by contact id."""
    return [
        DialHistoryEntry(
            record.remote,
            record.ring_at,
            names.get(record.contact_id) if record.contact_id is not None else None,
            record.direction == "outbound",
            record.call_id,
        )
        for record in records
        if record.remote
    ]


class DialPad(QWidget):
    """Type or click a number, press Enter; or pick a recent call and press Enter."""

    dial_requested = Signal(str)
    """The operator wants to call this number (as typed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[DialHistoryEntry] = []
        self._built = False

    def _build(self) -> None:
        """The pad's widgets, made when it is first shown: it lives in a dock the operator opens now and
        then, so the idle desktop does not hold them (issue 5)."""
        if self._built:
            return
        self._built = True
        self.number = QLineEdit()
        self.number.setClearButtonEnabled(True)
        self.number.returnPressed.connect(self._dial_typed)
        self.number.textChanged.connect(self._update)
        self.keypad = Keypad()
        self.keypad.key_pressed.connect(self.number.insert)
        self.call_button = QPushButton()
        self.call_button.clicked.connect(self._dial_typed)
        self.history_label = plain_label()
        self.history = QListWidget()
        self.history.itemActivated.connect(self._dial_item)
        self.history.installEventFilter(self)
        layout = QVBoxLayout(self)
        for widget in (self.number, self.keypad, self.call_button, self.history_label, self.history):
            layout.addWidget(widget)
        self.retranslate()
        self._update()
        self._fill_history()
        settle(self, self)

    def show_history(self, entries: list[DialHistoryEntry]) -> None:
        """Replace the history (newest first); names and numbers are shown as plain text."""
        self._entries = list(entries)
        if self._built:
            self._fill_history()

    def _fill_history(self) -> None:
        self.history.clear()
        for entry in self._entries:
            arrow = "→" if entry.outgoing else "←"
            label = f"{arrow} {entry.number}" + (f"  {entry.name}" if entry.name else "")
            item = QListWidgetItem(f"{label}\n{entry.at.astimezone():%d.%m %H:%M}")
            item.setData(Qt.ItemDataRole.UserRole, entry.number)
            self.history.addItem(item)

    def focus_number(self) -> None:
        """Put the cursor in the number field (the dial-pad action does this)."""
        self._build()
        self.number.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.number.selectAll()

    def _dial_typed(self) -> None:
        number = self.number.text().strip()
        if number:
            self.dial_requested.emit(number)

    def _dial_item(self, item: QListWidgetItem) -> None:
        self.dial_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _update(self) -> None:
        self.call_button.setEnabled(bool(self.number.text().strip()))

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        # Enter on a history row dials it on every platform (itemActivated is double-click on some).
        if watched is self.history and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            item = self.history.currentItem()
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
                self._dial_item(item)
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def retranslate(self) -> None:
        """Re-set the texts in the current language (nothing to do before the pad was first shown)."""
        if not self._built:
            return
        self.number.setPlaceholderText(self.tr("Number to call"))
        self.call_button.setText(self.tr("Call"))
        self.history_label.setText(self.tr("Recent calls"))

    def showEvent(self, event: QShowEvent) -> None:
        self._build()  # however the dock was opened: the action, or the toolbar's context menu
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
