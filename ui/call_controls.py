"""In-call controls: hang up, hold, mute, the DTMF keypad, blind and attended transfer, second call.

The widget mirrors the call as the core reports it, and nothing else: Hold and Mute ask the core to
*toggle* its state (the intent carries no value, so a button that missed an update cannot send a stale
one), and their buttons are down only while the core says the call is held or the microphone is off.
The presenter re-renders on every core change, mute included. While the microphone is off a red bar
across the panel says so in words: an operator who forgot F8 must not talk into silence.

Keyboard: every button prints its hotkey; Ctrl+F5 takes a waiting call, Ctrl+F7 swaps to the held one,
Esc closes the transfer box and the keypad.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.actions import ActionCollection, ActionId
from ui.elapsed import Clock, ElapsedLabel, utc_now
from ui.keypad import Keypad
from ui.lazy import settle
from ui.plain import plain_label, set_plain
from ui.theme import set_role
from ui.tool_buttons import action_button


@dataclass(frozen=True)
class WaitingCall:
    """A second call offered while the operator talks."""

    number: str
    name: str | None = None


@dataclass(frozen=True)
class CallView:
    """The call in progress as the controls show it."""

    number: str
    answered_at: datetime
    name: str | None = None
    held: bool = False
    muted: bool = False
    consulting: str | None = None
    """The number being consulted in an attended transfer (the customer is held meanwhile)."""
    waiting: WaitingCall | None = None
    swappable: bool = False
    """Another call of the operator's is on hold: Swap (Ctrl+F7) goes back to it."""


class CallControls(QFrame):
    """Buttons for the call in progress, bound to the call actions (F6-F9, Ctrl+K)."""

    hang_up_requested = Signal()
    """End the call."""
    hold_toggle_requested = Signal()
    """Hold the call if the core says it is not held, else resume it."""
    mute_toggle_requested = Signal()
    """Turn the microphone off if the core says it is on, else back on."""
    dtmf_requested = Signal(str)
    """Send this key as DTMF."""
    transfer_requested = Signal(str, bool)
    """Transfer to the number; ``True`` for attended (consult first), ``False`` for blind."""
    transfer_complete_requested = Signal()
    """Attended transfer: join the customer to the consulted party."""
    transfer_cancel_requested = Signal()
    """Attended transfer: drop the consultation and return to the customer."""
    answer_waiting_requested = Signal()
    """Take the waiting second call (the core holds the current one)."""
    swap_requested = Signal()
    """Go back to the held call (the core holds the current one)."""

    def __init__(
        self, actions: ActionCollection, parent: QWidget | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self.setProperty("panel", True)
        self._actions = actions
        self._clock = clock
        self._call: CallView | None = None
        self._return_focus: QWidget | None = None
        """Where the keyboard was before the transfer box took it; Esc gives it back."""
        self._built = False
        actions[ActionId.HANG_UP].triggered.connect(self._hang_up)
        actions[ActionId.HOLD].triggered.connect(self._hold)
        actions[ActionId.MUTE].triggered.connect(self._mute)
        actions[ActionId.TRANSFER].triggered.connect(self._open_transfer)
        actions[ActionId.KEYPAD].triggered.connect(self._toggle_keypad)
        actions[ActionId.ANSWER_WAITING].triggered.connect(self._answer_waiting)
        actions[ActionId.SWAP].triggered.connect(self._swap)
        for action_id in (ActionId.KEYPAD, ActionId.HOLD, ActionId.MUTE):
            actions[action_id].setCheckable(True)
        self.show_no_call()

    def _build(self) -> None:
        """The panel's widgets, made on the first call: the idle desktop never shows them (issue 5)."""
        if self._built:
            return
        self._built = True
        self.mute_bar = plain_label()
        self.mute_bar.setObjectName("muteBar")
        self.mute_bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.party = plain_label()
        set_role(self.party, "title")
        self.timer = ElapsedLabel(clock=self._clock)
        self.state = plain_label()
        set_role(self.state, "warning", "badge")
        self.buttons: dict[ActionId, QToolButton] = {}
        row = QGridLayout()
        for column, action_id in enumerate(
            (ActionId.HANG_UP, ActionId.HOLD, ActionId.MUTE, ActionId.TRANSFER, ActionId.KEYPAD)
        ):
            button = action_button(self._actions[action_id])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button, 0, column)
            self.buttons[action_id] = button
        self.buttons[ActionId.HANG_UP].setObjectName("hangup")

        self.keypad = Keypad()
        self.keypad.key_pressed.connect(self._dtmf)
        self.keypad.hide()
        self.transfer_box = QWidget()
        self.transfer_target = QLineEdit()
        self.transfer_target.returnPressed.connect(lambda: self._transfer(attended=False))
        self.blind = QPushButton()
        self.blind.clicked.connect(lambda: self._transfer(attended=False))
        self.attended = QPushButton()
        self.attended.clicked.connect(lambda: self._transfer(attended=True))
        self.complete = QPushButton()
        self.complete.clicked.connect(self.transfer_complete_requested)
        self.cancel = QPushButton()
        self.cancel.clicked.connect(self.transfer_cancel_requested)
        transfer = QHBoxLayout(self.transfer_box)
        transfer.setContentsMargins(0, 0, 0, 0)
        for widget in (self.transfer_target, self.blind, self.attended, self.complete, self.cancel):
            transfer.addWidget(widget)
        self.transfer_box.hide()
        self.waiting = plain_label()
        set_role(self.waiting, "info", "badge")
        self.take_waiting = action_button(self._actions[ActionId.ANSWER_WAITING])
        self.take_waiting.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.take_waiting.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.swap = action_button(self._actions[ActionId.SWAP])
        self.swap.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.swap.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        waiting = QHBoxLayout()
        waiting.addWidget(self.waiting, 1)
        waiting.addWidget(self.take_waiting)
        waiting.addWidget(self.swap)
        # Esc closes the pop-ups of the panel; the shortcut exists only while one is open, so Esc
        # means nothing here otherwise (and cannot clash with another Esc of the window).
        self.close_popups = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.close_popups.setContext(Qt.ShortcutContext.WindowShortcut)
        self.close_popups.activated.connect(self._close_popups)
        self.close_popups.setEnabled(False)

        header = QHBoxLayout()
        header.addWidget(self.party, 1)
        header.addWidget(self.state)
        header.addWidget(self.timer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.mute_bar)
        layout.addLayout(header)
        layout.addLayout(row)
        layout.addWidget(self.transfer_box)
        layout.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(waiting)
        self.retranslate()
        self._reset()
        settle(self, self)

    def show_call(self, call: CallView) -> None:
        """Show the call in progress and enable the call actions."""
        self._build()
        fresh = self._call is None or self._call.answered_at != call.answered_at
        self._call = call
        set_plain(self.party, f"{call.name}  {call.number}" if call.name else call.number)
        if fresh:
            self.timer.start(call.answered_at)
        for action_id in (ActionId.HANG_UP, ActionId.HOLD, ActionId.MUTE, ActionId.TRANSFER, ActionId.KEYPAD):
            self._actions[action_id].setEnabled(True)
        self._actions[ActionId.HOLD].setChecked(call.held)
        self._actions[ActionId.MUTE].setChecked(call.muted)
        self.mute_bar.setVisible(call.muted)
        self._actions[ActionId.ANSWER_WAITING].setEnabled(call.waiting is not None)
        self._actions[ActionId.SWAP].setEnabled(call.swappable)
        self.swap.setVisible(call.swappable)
        consulting = call.consulting is not None
        self.blind.setVisible(not consulting)
        self.attended.setVisible(not consulting)
        self.transfer_target.setEnabled(not consulting)
        self.complete.setVisible(consulting)
        self.cancel.setVisible(consulting)
        if consulting:
            self._show_popup(self.transfer_box)
        self.waiting.setVisible(call.waiting is not None)
        self.take_waiting.setVisible(call.waiting is not None)
        if call.waiting is not None:
            who = call.waiting.name or call.waiting.number
            set_plain(self.waiting, self.tr("Second call waiting: %1").replace("%1", who))
        self.retranslate()
        self.show()

    def show_no_call(self) -> None:
        """No call: disable the call actions and reset the panel."""
        self._call = None
        for action_id in (
            ActionId.HANG_UP,
            ActionId.HOLD,
            ActionId.MUTE,
            ActionId.TRANSFER,
            ActionId.KEYPAD,
            ActionId.ANSWER_WAITING,
            ActionId.SWAP,
        ):
            self._actions[action_id].setEnabled(False)
        for action_id in (ActionId.KEYPAD, ActionId.HOLD, ActionId.MUTE):
            self._actions[action_id].setChecked(False)
        if self._built:
            self._reset()
        self.hide()

    def _reset(self) -> None:
        self.timer.stop()
        self.keypad.hide()
        self.transfer_box.hide()
        self.transfer_target.clear()
        self.waiting.hide()
        self.take_waiting.hide()
        self.swap.hide()
        self.state.hide()
        self.mute_bar.hide()
        self.close_popups.setEnabled(False)

    def _hang_up(self) -> None:
        if self._call is not None:
            self.hang_up_requested.emit()

    def _hold(self) -> None:
        if self._call is not None:
            self._actions[ActionId.HOLD].setChecked(self._call.held)  # until the core says otherwise
            self.hold_toggle_requested.emit()

    def _mute(self) -> None:
        if self._call is not None:
            self._actions[ActionId.MUTE].setChecked(self._call.muted)  # until the core says otherwise
            self.mute_toggle_requested.emit()

    def _answer_waiting(self) -> None:
        if self._call is not None and self._call.waiting is not None:
            self.answer_waiting_requested.emit()

    def _swap(self) -> None:
        if self._call is not None and self._call.swappable:
            self.swap_requested.emit()

    def _dtmf(self, key: str) -> None:
        if self._call is not None:
            self.dtmf_requested.emit(key)

    def _toggle_keypad(self, on: bool) -> None:
        self._build()
        if on:
            self._show_popup(self.keypad)
        else:
            self.keypad.hide()
            self._popups_changed()

    def _open_transfer(self) -> None:
        self._build()
        focused = QApplication.focusWidget()
        if focused is not None and not self.isAncestorOf(focused):
            self._return_focus = focused
        self._show_popup(self.transfer_box)
        self.transfer_target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show_popup(self, popup: QWidget) -> None:
        popup.show()
        self._popups_changed()

    def _popups_changed(self) -> None:
        self.close_popups.setEnabled(not self.keypad.isHidden() or not self.transfer_box.isHidden())

    def _close_popups(self) -> None:
        """Esc: close the keypad and the transfer box (a consultation keeps its box: it is the call's
        state, not a pop-up), and give the keyboard back to where it was before (the script)."""
        self.keypad.hide()
        self._actions[ActionId.KEYPAD].setChecked(False)
        if self._call is None or self._call.consulting is None:
            self.transfer_box.hide()
            self.transfer_target.clear()
        self._popups_changed()
        back, self._return_focus = self._return_focus, None
        if back is not None and shiboken6.isValid(back) and back.isVisible():
            back.setFocus(Qt.FocusReason.PopupFocusReason)

    def _transfer(self, *, attended: bool) -> None:
        target = self.transfer_target.text().strip()
        if self._call is not None and target:
            self.transfer_requested.emit(target, attended)

    def retranslate(self) -> None:
        """Re-set the texts in the current language (nothing to do before the first call)."""
        if not self._built:
            return
        call = self._call
        states = []
        if call and call.held:
            states.append(self.tr("On hold"))
        if call and call.muted:
            states.append(self.tr("Muted"))
        if call and call.consulting:
            states.append(self.tr("Consulting %1").replace("%1", call.consulting))
        set_plain(self.state, " · ".join(states))
        self.state.setVisible(bool(states))
        self.transfer_target.setPlaceholderText(self.tr("Transfer to number or extension"))
        self.blind.setText(self.tr("Blind transfer"))
        self.attended.setText(self.tr("Consult first"))
        self.complete.setText(self.tr("Complete transfer"))
        self.cancel.setText(self.tr("Back to caller"))
        key = self._actions[ActionId.MUTE].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        set_plain(
            self.mute_bar,
            self.tr("Microphone off: the caller cannot hear you. Press %1 to turn it on.").replace("%1", key)
            if key
            else self.tr("Microphone off: the caller cannot hear you."),
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
