"""The disposition form, driven from the keyboard only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.session.phase import Direction
from app.wire.dispositions import DispositionCategory, DispositionCode
from tests.ui.conftest import FakeClock
from ui import sample_data
from ui.actions import ActionCollection, ActionId
from ui.disposition_form import AcwView, DispositionChoice, DispositionForm, DispositionRequest


def open_form(qtbot: QtBot, actions: ActionCollection, clock: FakeClock, **kw: object) -> DispositionForm:
    form = DispositionForm(actions, clock=clock)
    form.addActions(list(actions))
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    request = DispositionRequest(sample_data.CODES, AcwView(clock.now, **kw), time_zone="Asia/Novosibirsk")  # type: ignore[arg-type]
    form.show_form(request)
    return form


def test_one_key_choice_then_ctrl_return(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    form = open_form(qtbot, actions, clock)
    assert QApplication.focusWidget() is form.codes
    assert form.codes.count() == 5  # the retired code is not offered
    qtbot.keyClick(form.codes, Qt.Key.Key_1)
    assert form.chosen() is not None and form.chosen().code == "sale"  # type: ignore[union-attr]
    with qtbot.waitSignal(form.submit_requested) as sent:
        qtbot.keyClick(form.codes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent.args == [DispositionChoice("sale")]


def test_comment_required_blocks_until_typed(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    form = open_form(qtbot, actions, clock)
    qtbot.keyClick(form.codes, Qt.Key.Key_3)  # "Refused" needs a comment
    assert form.comment_label.text() == "Comment (required)"
    with qtbot.assertNotEmitted(form.submit_requested):
        qtbot.keyClick(form.codes, Qt.Key.Key_Return)
    assert form.problem.text() == "This result needs a comment"
    assert QApplication.focusWidget() is form.comment  # sent to what is missing
    qtbot.keyClicks(form.comment, "Too dear")
    with qtbot.waitSignal(form.submit_requested) as sent:
        qtbot.keyClick(form.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sent.args == [DispositionChoice("refused", "Too dear")]


def test_callback_in_clients_time(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    form = open_form(qtbot, actions, clock)
    assert form.callback.isHidden()
    qtbot.keyClick(form.codes, Qt.Key.Key_2)  # "Call back" needs a time
    assert form.callback.isVisibleTo(form)
    assert "Novosibirsk (UTC+7)" in form.callback_label.text()  # the city and offset, not the IANA name
    qtbot.keyClick(form.codes, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.comment
    qtbot.keyClick(form.comment, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.callback
    with qtbot.waitSignal(form.submit_requested) as sent:
        qtbot.keyClick(form.callback, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    choice = sent.args[0]
    assert choice.code == "callback"
    # Proposed: the next full hour in the client's zone (NOW is 16:30 in Novosibirsk).
    assert choice.callback_at.utcoffset() == timedelta(hours=7)
    assert (choice.callback_at.hour, choice.callback_at.minute) == (17, 0)


def test_alt_digit_picks_from_the_comment(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    form = open_form(qtbot, actions, clock)
    form.comment.setFocus()
    qtbot.keyClick(form.comment, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert form.chosen().code == "no_answer"  # type: ignore[union-attr]
    assert form.comment.toPlainText() == ""
    qtbot.keyClick(form.comment, Qt.Key.Key_4)  # a plain digit in the comment is text
    assert form.comment.toPlainText() == "4"


def test_suggested_code_preselected_and_timer_counts_down(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    form = DispositionForm(actions, clock=clock)
    qtbot.addWidget(form)
    form.show_form(
        DispositionRequest(sample_data.CODES, AcwView(clock.now, limit=timedelta(seconds=120)), "info")
    )
    assert form.chosen().code == "info"  # type: ignore[union-attr]
    assert form.timer.text() == "2:00"
    clock.now += timedelta(seconds=100)
    form.timer.refresh()
    assert form.timer.text() == "0:20"
    assert form.timer.property("role") == "warning"
    form.show_closed()
    assert not actions[ActionId.SUBMIT_DISPOSITION].isEnabled()
    assert not actions[ActionId.DISPOSITION_1].isEnabled()


def test_optional_acw_can_be_skipped(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    form = open_form(qtbot, actions, clock, can_skip=True)
    assert form.skip.isVisibleTo(form)
    with qtbot.waitSignal(form.skip_requested):
        qtbot.mouseClick(form.skip, Qt.MouseButton.LeftButton)


def test_the_list_fits_the_call_and_reads_at_a_glance(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    """Issue 13: only codes that fit an answered incoming call, the queue's own first, every code with
    its key and its category in words, whose call it is, and nothing red before the operator acts."""
    cat = DispositionCategory

    def code(name: str, category: DispositionCategory, key: int | None, queue: str | None = None) -> object:
        return DispositionCode(
            code=name, label_en=name.title(), label_ru=name, category=category, hotkey=key, queue=queue
        )

    codes = [
        code("sale", cat.SUCCESS, 1),
        code("no_answer", cat.NOT_REACHED, 4),
        code("later", cat.CALLBACK, None),
        code("new_order", cat.SUCCESS, 1, queue="shop"),
        code("foreign", cat.NON_TARGET, None, queue="shop"),
    ]
    form = DispositionForm(actions, clock=clock)
    form.addActions(list(actions))
    qtbot.addWidget(form)
    form.show()
    request = DispositionRequest(
        codes,  # type: ignore[arg-type]
        AcwView(clock.now),
        caller="Иванов Иван  +79131234567",
        direction=Direction.INBOUND,
    )
    form.show_form(request)
    rows = [form.codes.item(row).text() for row in range(form.codes.count())]
    assert rows == [
        "1   New_Order  ·  success",
        "2   Foreign  ·  not a target",
        "3   Sale  ·  success",
        "4   Later  ·  callback",
    ]
    assert form.caller.text() == "Иванов Иван  +79131234567"
    assert form.problem.text() == ""  # nothing chosen yet, but nothing done either: no red
    with qtbot.assertNotEmitted(form.submit_requested):
        qtbot.keyClick(form.codes, Qt.Key.Key_Return)
    assert form.problem.text() == "Choose a result (keys 1-9)"
    qtbot.keyClick(form.codes, Qt.Key.Key_3)
    assert form.chosen() is not None and form.chosen().code == "sale"  # type: ignore[union-attr]
    form.show_form(replace(request, direction=Direction.OUTBOUND))  # an outgoing call may not be reached
    assert any("No_Answer" in form.codes.item(row).text() for row in range(form.codes.count()))
    assert form.problem.text() == ""  # a new form starts clean
