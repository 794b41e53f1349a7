"""Status bar and menu, tray, ringing panel, call controls and dial pad: what the operator sees and what
their keys and clicks ask for."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.wire.statuses import OperatorStatus
from tests.ui.conftest import FakeClock
from ui import sample_data
from ui.actions import ActionId
from ui.call_controls import CallView, WaitingCall
from ui.main_window import MainWindow
from ui.ringing_panel import RingingCall
from ui.status_menu import StatusChoice, StatusView
from ui.tray import Tray

BREAK = sample_data.REASONS[1]


def make_window(qtbot: QtBot, clock: FakeClock) -> MainWindow:
    window = MainWindow(clock=clock)
    qtbot.addWidget(window)
    window.status.show_reasons(sample_data.REASONS)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_status_time_in_status_and_overlong_break(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    window.status.show_status(StatusView(OperatorStatus.NOT_READY, clock.now - timedelta(minutes=3), BREAK))
    assert window.status.status.text() == "Break"
    assert window.status.time_in_status.text() == "3:00"
    clock.now += timedelta(minutes=13)
    window.status.time_in_status.refresh()
    assert window.status.time_in_status.text() == "16:00"
    assert window.status.time_in_status.property("role") == "error"  # the break allows 15 minutes


def test_status_menu_and_ready_hotkey(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    window.status.show_status(StatusView(OperatorStatus.NOT_READY, clock.now, sample_data.REASONS[0]))
    texts = [a.text() for a in window.status.menu.actions() if a.text()]
    assert texts[:3] == ["Ready", "Break", "Lunch"] and texts[-1] == "End of shift"  # shift start: system
    with qtbot.waitSignal(window.status.status_requested) as asked:
        qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert asked.args == [StatusChoice(OperatorStatus.READY)]
    lunch = next(a for a in window.status.menu.actions() if a.text() == "Lunch")
    with qtbot.waitSignal(window.status.status_requested) as asked:
        lunch.trigger()
    assert asked.args == [StatusChoice(OperatorStatus.NOT_READY, "lunch")]


def test_during_a_call_a_choice_is_the_next_status(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    window.status.show_status(StatusView(OperatorStatus.ON_CALL, clock.now))
    assert window.status.menu.actions()[0].text() == "After this call"
    lunch = next(a for a in window.status.menu.actions() if a.text() == "Lunch")
    with (
        qtbot.waitSignal(window.status.next_status_requested) as asked,
        qtbot.assertNotEmitted(window.status.status_requested),
    ):
        lunch.trigger()
    assert asked.args == [StatusChoice(OperatorStatus.NOT_READY, "lunch")]
    window.status.show_status(
        StatusView(OperatorStatus.ON_CALL, clock.now, next=StatusChoice(OperatorStatus.NOT_READY, "lunch"))
    )
    assert window.status.next.text() == "Next: Lunch"
    assert window.status.status.text() == "On call"


def test_unregistered_phone_is_shown(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    window.status.show_status(StatusView(OperatorStatus.READY, clock.now, registered=False))
    assert window.status.unregistered.isVisibleTo(window)
    assert window.status.unregistered.text() == "Phone not registered: no calls"


def test_tray_menu_offers_the_same_statuses(qtbot: QtBot, clock: FakeClock) -> None:
    tray = Tray()
    tray.show_reasons(sample_data.REASONS)
    tray.show_status(StatusView(OperatorStatus.READY, clock.now))
    texts = [a.text() for a in tray.menu.actions() if a.text()]
    assert texts[0] == "Ready" and texts[-2:] == ["Show window", "Quit"]
    with qtbot.waitSignal(tray.status_requested) as asked:
        next(a for a in tray.menu.actions() if a.text() == "Break").trigger()
    assert asked.args == [StatusChoice(OperatorStatus.NOT_READY, "break")]
    assert "Ready" in tray.icon.toolTip()


def test_ringing_answer_by_hotkey_without_stealing_focus(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    assert not window.action_collection[ActionId.ANSWER].isEnabled()
    window.card.show_unknown("+79130000000")
    window.card.new_contact.name.setFocus()
    window.ringing.show_ringing(RingingCall("+79131234567", "Иванов Иван", queue="sales"))
    window.bring_forward()
    assert window.focusWidget() is window.card.new_contact.name  # typing goes on
    assert window.ringing.name.text() == "Иванов Иван"
    assert window.ringing.queue.text() == "Queue: Sales"
    with qtbot.waitSignal(window.ringing.answer_requested):
        qtbot.keyClick(window.card.new_contact.name, Qt.Key.Key_F5)
    with qtbot.waitSignal(window.ringing.reject_requested):
        qtbot.mouseClick(window.ringing.reject_button, Qt.MouseButton.LeftButton)
    window.ringing.show_idle()
    assert window.ringing.isHidden()
    with qtbot.assertNotEmitted(window.ringing.answer_requested):
        qtbot.keyClick(window, Qt.Key.Key_F5)


def test_call_controls(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    controls = window.controls
    call = CallView("+79131234567", clock.now - timedelta(seconds=65), name="Иванов")
    controls.show_call(call)
    assert controls.timer.text() == "1:05"
    with qtbot.waitSignal(controls.hold_toggle_requested):
        qtbot.keyClick(window, Qt.Key.Key_F7)
    assert not window.action_collection[ActionId.HOLD].isChecked()  # not held until the core says so
    assert not controls.mute_bar.isVisibleTo(window)
    controls.show_call(CallView(call.number, call.answered_at, held=True, muted=True))
    assert window.action_collection[ActionId.HOLD].isChecked()
    assert controls.state.text() == "On hold · Muted"
    assert controls.mute_bar.isVisibleTo(window)
    assert controls.mute_bar.text() == "Microphone off: the caller cannot hear you. Press F8 to turn it on."
    with qtbot.waitSignal(controls.mute_toggle_requested):
        qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.action_collection[ActionId.MUTE].isChecked()  # still muted until the core says not
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert controls.keypad.isVisibleTo(window)
    with qtbot.waitSignal(controls.dtmf_requested) as asked:
        controls.keypad.buttons["#"].click()
    assert asked.args == ["#"]
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc closes the keypad
    assert not controls.keypad.isVisibleTo(window)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    assert window.focusWidget() is controls.transfer_target
    qtbot.keyClick(controls.transfer_target, Qt.Key.Key_Escape)  # and the transfer box
    assert not controls.transfer_box.isVisibleTo(window)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    assert window.focusWidget() is controls.transfer_target
    qtbot.keyClicks(controls.transfer_target, "2045")
    with qtbot.waitSignal(controls.transfer_requested) as asked:
        qtbot.mouseClick(controls.attended, Qt.MouseButton.LeftButton)
    assert asked.args == ["2045", True]
    controls.show_call(
        CallView(call.number, call.answered_at, consulting="2045", waiting=WaitingCall("+7913", "Петров"))
    )
    assert controls.complete.isVisibleTo(window) and not controls.blind.isVisibleTo(window)
    assert controls.waiting.text() == "Second call waiting: Петров"
    assert controls.take_waiting.text() == "Answer second call (Ctrl+F5)"
    with qtbot.waitSignal(controls.answer_waiting_requested):
        qtbot.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(controls.hang_up_requested):
        qtbot.keyClick(window, Qt.Key.Key_F6)
    controls.show_no_call()
    assert not window.action_collection[ActionId.HANG_UP].isEnabled()


def test_dial_pad_from_the_keyboard(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.dock.isVisible()
    assert window.focusWidget() is window.dial_pad.number
    qtbot.keyClicks(window.dial_pad.number, "+7913 123")
    with qtbot.waitSignal(window.dial_pad.dial_requested) as asked:
        qtbot.keyClick(window.dial_pad.number, Qt.Key.Key_Return)
    assert asked.args == ["+7913 123"]


def test_fits_a_1366x768_screen(qtbot: QtBot, clock: FakeClock) -> None:
    window = make_window(qtbot, clock)
    window.controls.show_call(CallView("+7913", clock.now))
    window.ringing.show_ringing(RingingCall("+7913"))
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 740


def test_status_changes_reuse_the_status_icons(qtbot: QtBot, clock: FakeClock) -> None:
    """A new QIcon per change rendered and cached its pixmaps anew: memory grew with every change."""
    window = make_window(qtbot, clock)
    keys = set()
    for view in (
        StatusView(OperatorStatus.READY, clock.now),
        StatusView(OperatorStatus.NOT_READY, clock.now, BREAK),
        StatusView(OperatorStatus.READY, clock.now),
    ):
        window.status.show_status(view)
        keys |= {a.icon().cacheKey() for a in window.status.menu.actions() if not a.icon().isNull()}
    names = {"status-ready", "status-away", "status-offline"}
    assert len(keys) <= len(names)
