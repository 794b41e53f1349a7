"""The desk's tool buttons follow their actions without keeping anything per change (issue 15).

Qt 6.11's ``QToolButton`` connected its default action's ``changed`` signal once more on every change
of the action: the call controls' actions are enabled and disabled on every call, so a shift's calls
piled up connections (~0.5 MB and one more slot run per change, per call taken, over 1,000 calls).
"""

from __future__ import annotations

from PySide6.QtCore import SIGNAL
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot

from tests.ui.conftest import FakeClock
from ui.actions import ActionCollection, ActionId
from ui.call_controls import CallControls, CallView
from ui.ringing_panel import RingingCall, RingingPanel
from ui.tool_buttons import action_button, toolbar_buttons

SHIFT = 300
"""A long real shift's calls (100-300)."""


def connections(action: QAction) -> int:
    return action.receivers(SIGNAL("changed()"))


def test_the_300th_ringing_call_adds_nothing_kept(qtbot: QtBot, actions: ActionCollection) -> None:
    """Every call rings: Answer and Reject are enabled, then disabled (what the shift bench found)."""
    panel = RingingPanel(actions)
    qtbot.addWidget(panel)
    watched = [actions[ActionId.ANSWER], actions[ActionId.REJECT]]

    def a_call() -> None:
        panel.show_ringing(RingingCall("+79130000000", "Ivan", "shop"))
        panel.show_idle()

    a_call()
    before = [connections(action) for action in watched]
    for _ in range(SHIFT):
        a_call()
    assert [connections(action) for action in watched] == before
    panel.show_ringing(RingingCall("+79130000000", "Ivan", "shop"))
    assert panel.answer_button.isEnabled() and panel.reject_button.isEnabled()
    panel.show_idle()
    assert not panel.answer_button.isEnabled()


def test_the_300th_call_adds_nothing_to_the_call_controls(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    controls = CallControls(actions, clock=clock)
    qtbot.addWidget(controls)

    def a_call() -> None:  # what a call does to the controls: its actions enabled, then disabled
        controls.show_call(CallView("+79130000000", clock.now, name="Ivan"))
        controls.show_no_call()

    a_call()
    watched = [actions[action_id] for action_id in controls.buttons]
    before = [connections(action) for action in watched]
    for _ in range(SHIFT):
        a_call()
    assert [connections(action) for action in watched] == before
    controls.show_call(CallView("+79130000000", clock.now, name="Ivan"))
    assert controls.buttons[ActionId.HANG_UP].isEnabled()  # the buttons still follow their actions
    controls.show_no_call()
    assert not controls.buttons[ActionId.HANG_UP].isEnabled()


def test_a_button_follows_what_its_action_says(qtbot: QtBot) -> None:
    action = QAction("Hang &up")
    button = action_button(action)
    qtbot.addWidget(button)
    action.setCheckable(True)
    action.setChecked(True)
    action.setText("Park && wait")
    action.setToolTip("Park the call")
    action.setEnabled(False)
    assert (button.isCheckable(), button.isChecked(), button.isEnabled()) == (True, True, False)
    assert button.toolTip() == "Park the call"
    plain = action_button(QAction("Park && wait"))  # what Qt's own setDefaultAction shows
    qtbot.addWidget(plain)
    assert button.text() == plain.text()


def test_the_toolbar_s_buttons_keep_nothing_per_change(qtbot: QtBot) -> None:
    toolbar = QToolBar()
    qtbot.addWidget(toolbar)
    action = QAction("Dial pad")
    toolbar.addAction(action)
    toolbar_buttons(toolbar, action)
    before = connections(action)
    for _ in range(SHIFT):  # a call's action enabled while it lasts, disabled after
        action.setEnabled(True)
        action.setEnabled(False)
    assert connections(action) == before
    assert not toolbar.widgetForAction(action).isEnabled()
