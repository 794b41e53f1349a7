"""The script panel on real widgets, offscreen: plain text only, inputs, errors, keyboard-only use."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.scripts.runner import Result
from tests.scripts.support import ask, branch, doc, end, field, options, runner, say
from ui.script_panel import ScriptPanel
from ui.script_panel.inputs import ChoiceInput

HOSTILE = "<img src=x><b>Ivan</b>"
SCRIPT = doc(
    say("hello", "Здравствуйте, {{ contact.name }}!", next="q", title="Приветствие"),
    ask(
        "q",
        field("c", "single", label="{{ contact.name }}: выбор", options=options("a", "b"), required=True),
        next="more",
        title="Вопрос",
    ),
    ask(
        "more",
        field("n", "number", required=True, min=1),
        field("tags", "multi", options=options("x", "y")),
        next="b",
        title="Детали",
    ),
    branch("b", ("answers.c == 'a'", "end"), ("answers.c == 'b'", "end"), default="end"),
    end(disposition="callback", text="Итого: {{ answers.n }}", title="Конец"),
)


@pytest.fixture
def panel(qtbot: QtBot) -> ScriptPanel:
    widget = ScriptPanel(runner(SCRIPT, {"name": HOSTILE}))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def key(qtbot: QtBot, panel: ScriptPanel, keys: str, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    target = panel.focusWidget() or panel
    for k in keys:
        qtbot.keyClick(target, k, modifier)


def test_contact_data_is_shown_literally_as_plain_text(panel: ScriptPanel) -> None:
    assert panel.text.text() == f"Здравствуйте, {HOSTILE}!"
    for label in panel.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    panel.go_next()
    assert panel.inputs[0].label.text() == f"{HOSTILE}: выбор *"
    assert panel.inputs[0].label.textFormat() == Qt.TextFormat.PlainText


def test_enter_digits_and_alt_left_drive_the_whole_script(panel: ScriptPanel, qtbot: QtBot) -> None:
    states: list[dict[str, Any]] = []
    panel.sig_state_changed.connect(states.append)
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Return)
    assert panel.runner.view().node == "q"
    assert isinstance(panel.inputs[0], ChoiceInput) and panel.focusWidget() is panel.inputs[0].box
    key(qtbot, panel, "2")
    assert panel.inputs[0].value() == "b"
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Return)
    assert panel.runner.view().node == "more"
    assert panel.breadcrumb.text() == "Приветствие › Вопрос › Детали"
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert panel.runner.view().node == "q" and panel.inputs[0].value() == "b"  # the answer is kept
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClicks(panel.focusWidget(), "7")
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
    key(qtbot, panel, "12")
    assert panel.inputs[1].value() == ["x", "y"]
    with qtbot.waitSignal(panel.sig_finished) as finished:
        qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Enter)
    result = finished.args[0]
    assert isinstance(result, Result)
    assert (result.disposition, result.answers) == ("callback", {"c": "b", "n": 7, "tags": ["x", "y"]})
    assert panel.text.text() == "Итого: 7"
    assert panel.outcome.isVisible() and "callback" in panel.outcome.text()
    assert not panel.next_button.isEnabled()
    assert [s["node"] for s in states] == ["q", "more", "q", "more", "end"]


def test_invalid_input_shows_inline_messages_and_stays(panel: ScriptPanel, qtbot: QtBot) -> None:
    panel.go_next()
    panel.go_next()  # nothing chosen
    assert panel.runner.view().node == "q"
    assert panel.inputs[0].error.isVisible() and panel.inputs[0].error.text() == "Required"
    panel.inputs[0].box.buttons[0].setChecked(True)
    panel.go_next()
    panel.inputs[0].line_edit.setText("zero")
    panel.go_next()
    assert panel.inputs[0].error.text() == "Enter a number"
    panel.inputs[0].line_edit.setText("0")
    panel.go_next()
    assert panel.inputs[0].error.text() == "At least 1"
    assert not panel.inputs[1].error.isVisible()


def test_a_broken_step_is_reported_not_raised(qtbot: QtBot) -> None:
    widget = ScriptPanel(runner(doc(say("s", "{{ ''.__class__ }}", next="gone"), end())))
    qtbot.addWidget(widget)
    assert widget.text.text().startswith("[refused: ")
    widget.go_next()
    assert widget.problem.text().endswith("unknown step 'gone'")
    assert not widget.back_button.isEnabled()


def test_a_step_too_expensive_shows_a_refusal_and_the_operator_goes_on(qtbot: QtBot) -> None:
    widget = ScriptPanel(runner(doc(say("s", "Hi {{ ('a'*9999).replace('a', 'b'*9999) }}"), end())))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.text.text() == ""
    assert widget.problem.isVisible()
    assert widget.problem.text() == (
        "This script step is too expensive to show. Tell the script's author; you can go on."
    )
    assert widget.problem.toolTip().startswith("a replaced text would be 99980001 characters")
    assert widget.next_button.isEnabled()
    widget.go_next()
    assert widget.runner.finished
