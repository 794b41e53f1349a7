"""Tool buttons that follow their action without piling up connections.

Qt 6.11's ``QToolButton`` answers every ``ActionChanged`` of its default action (the action enabled,
disabled, checked, renamed) by calling ``setDefaultAction`` again, which connects the action's
``changed`` signal to the button once more, never disconnecting the previous one. The call controls'
actions are enabled and disabled on every call (hang up, hold, mute...), so each call left four more
connections (~120 B each in Qt's heap), ~0.5 MB over a shift of 1,000 calls, and every ``changed``
emission then ran one more slot per call taken (issue 15: measured with heaptrack, a 1,000-call shift
against a 100-call one: 3,600 more connections from ``QToolButton::setDefaultAction``).

:func:`keep_in_step` filters that event on a button: the button copies what ``setDefaultAction`` copies
(text, icon, tips, checkable, checked, enabled) and Qt's handler, with its extra connection, never runs.
The toolbar's own buttons (``QToolBar.addAction``) get the same filter through :func:`toolbar_buttons`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QActionEvent
from PySide6.QtWidgets import QToolBar, QToolButton


def _stripped(text: str) -> str:
    """The icon text Qt makes from an action's text when none is set (``qt_strippedText``)."""
    text = text.replace("...", "").replace("…", "")
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "&" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def follow(button: QToolButton, action: QAction) -> None:
    """Copy onto ``button`` what ``QToolButton::setDefaultAction`` copies from ``action``."""
    text = action.iconText()
    if text == _stripped(action.text()):  # made from the text: its '&' are not mnemonics (as Qt does)
        text = text.replace("&", "&&")
    button.setText(text)
    button.setIcon(action.icon())
    button.setToolTip(action.toolTip())
    button.setStatusTip(action.statusTip())
    button.setWhatsThis(action.whatsThis())
    button.setCheckable(action.isCheckable())
    button.setChecked(action.isChecked())
    button.setEnabled(action.isEnabled())


class _InStep(QObject):
    """The event filter of :func:`keep_in_step` (one for all the buttons)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() is not QEvent.Type.ActionChanged or not isinstance(watched, QToolButton):
            return False
        action = event.action() if isinstance(event, QActionEvent) else None
        if action is None or action is not watched.defaultAction():
            return False
        follow(watched, action)
        return True  # Qt's own handler would connect ``changed`` once more


_FILTER: list[_InStep] = []


def keep_in_step(button: QToolButton) -> QToolButton:
    """Have ``button`` follow its default action's changes without a new connection each time."""
    if not _FILTER:
        _FILTER.append(_InStep())
    button.installEventFilter(_FILTER[0])
    return button


def action_button(action: QAction) -> QToolButton:
    """A tool button for ``action`` (its default action), kept in step by :func:`keep_in_step`."""
    button = QToolButton()
    button.setDefaultAction(action)
    return keep_in_step(button)


def toolbar_buttons(toolbar: QToolBar, *actions: QAction) -> None:
    """Keep in step the buttons ``toolbar`` made for ``actions`` (``QToolBar.addAction``)."""
    for action in actions:
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            keep_in_step(button)
