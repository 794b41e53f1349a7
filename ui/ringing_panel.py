"""The ringing panel: who is calling, from which queue, and Answer / Reject (F5 / Shift+F5).

Showing it never takes the keyboard focus: an operator typing a note keeps typing while the phone rings
(the hotkeys work from anywhere in the window).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from ui.actions import ActionCollection, ActionId
from ui.card.glance import queue_label
from ui.plain import plain_label, set_plain
from ui.theme import set_role
from ui.tool_buttons import keep_in_step


@dataclass(frozen=True)
class RingingCall:
    """An offered call as the panel shows it; every text is outside data."""

    number: str
    name: str | None = None
    """The contact's name from the CRM, else the SIP display name, else ``None``."""
    queue: str | None = None


class RingingPanel(QFrame):
    """Caller, queue and the Answer / Reject buttons; hidden while nothing rings."""

    answer_requested = Signal()
    """The operator wants to take the offered call."""
    reject_requested = Signal()
    """The operator declines the offered call."""

    def __init__(self, actions: ActionCollection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ringing")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._actions = actions
        self._call: RingingCall | None = None
        self.heading = plain_label()
        set_role(self.heading, "muted")
        self.name = plain_label()
        set_role(self.name, "title")
        self.number = plain_label()
        self.queue = plain_label()
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer_button = QToolButton()
        self.answer_button.setObjectName("answer")
        self.reject_button = QToolButton()
        self.reject_button.setObjectName("reject")
        for button, action_id in (
            (self.answer_button, ActionId.ANSWER),
            (self.reject_button, ActionId.REJECT),
        ):
            keep_in_step(button).setDefaultAction(actions[action_id])  # (ui/tool_buttons.py says why)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        actions[ActionId.ANSWER].triggered.connect(self._answer)
        actions[ActionId.REJECT].triggered.connect(self._reject)

        text = QVBoxLayout()
        for label in (self.heading, self.name, self.number, self.queue):
            text.addWidget(label)
        buttons = QVBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.reject_button)
        layout = QHBoxLayout(self)
        layout.addLayout(text, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self.show_idle()

    def show_ringing(self, call: RingingCall) -> None:
        """Show ``call`` and enable Answer / Reject; the focus stays where it is."""
        self._call = call
        set_plain(self.name, call.name or call.number)
        set_plain(self.number, call.number if call.name else "")
        self.number.setVisible(bool(call.name))
        self.queue.setVisible(bool(call.queue))
        self._show_queue()
        self._actions[ActionId.ANSWER].setEnabled(True)
        self._actions[ActionId.REJECT].setEnabled(True)
        self.show()

    def show_idle(self) -> None:
        """Nothing rings: hide the panel and disable its actions."""
        self._call = None
        self._actions[ActionId.ANSWER].setEnabled(False)
        self._actions[ActionId.REJECT].setEnabled(False)
        self.hide()

    def _answer(self) -> None:
        if self._call is not None:
            self.answer_requested.emit()

    def _reject(self) -> None:
        if self._call is not None:
            self.reject_requested.emit()

    def _show_queue(self) -> None:
        if self._call is not None and self._call.queue:
            set_plain(self.queue, self.tr("Queue: %1").replace("%1", queue_label(self._call.queue) or ""))

    def retranslate(self) -> None:
        """Re-set the texts in the current language."""
        self.heading.setText(self.tr("Incoming call"))
        self._show_queue()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
