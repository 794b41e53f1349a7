"""The script panel widget: breadcrumb, the step's text, its inputs, Back / Next.

It holds a :class:`~app.scripts.runner.Runner` and nothing else of the script: Next sends what was
typed to ``runner.next``, Back calls ``runner.back``, and after either the panel redraws from
``runner.view()``. Keys: Enter is Next, Alt+Left is Back, digits pick options of the focused choice
(the first choice is focused when a step opens). ``sig_state_changed`` carries the runner's JSON state
after every move so the caller can save it and resume after a crash.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.scripts.runner import Runner, StepView
from ui.labels import disposition_label
from ui.script_panel.inputs import FieldInput, make_input, plain_label
from ui.script_panel.messages import field_error
from ui.theme import set_role


class ScriptPanel(QWidget):
    """Shows one script run; see the module notes."""

    sig_finished = Signal(object)
    """The script reached an end: the :class:`~app.scripts.runner.Result` (answers, disposition)."""
    sig_state_changed = Signal(dict)
    """The runner moved (Next or Back): its JSON state, to be saved."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.inputs: list[FieldInput] = []
        layout = QVBoxLayout(self)
        self.breadcrumb = plain_label("", self)
        self.breadcrumb.setObjectName("breadcrumb")
        self.breadcrumb.setEnabled(False)
        self.title = plain_label("", self)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.text = plain_label("", self)
        self.text.setObjectName("stepText")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields_box = QWidget(self)
        self.fields_layout = QVBoxLayout(self.fields_box)
        self.fields_layout.setContentsMargins(0, 0, 0, 0)
        self.problem = plain_label("", self)
        set_role(self.problem, "error")  # the theme's danger colour, readable in light and dark
        self.outcome = plain_label("", self)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        for widget in (self.breadcrumb, self.title, self.text, self.fields_box, self.problem, self.outcome):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.shortcuts: list[QShortcut] = []
        for keys, slot in (("Return", self.go_next), ("Enter", self.go_next), ("Alt+Left", self.go_back)):
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        self.translate_ui()
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        """A language switch re-words the buttons and the outcome; the inputs stay as they are, with
        what the operator typed in them."""
        if event.type() == QEvent.Type.LanguageChange:
            self._button_texts()
            view = self.runner.view()
            self.outcome.setText(self._outcome_text(view))
        super().changeEvent(event)

    def translate_ui(self) -> None:
        """Button texts in the current UI language, and the step shown again."""
        self._button_texts()
        self.refresh()

    def _button_texts(self) -> None:
        self.back_button.setText(self.tr("Back (Alt+Left)"))
        self.next_button.setText(self.tr("Next (Enter)"))
        self.back_button.setToolTip(self.tr("Return to the previous step"))

    # -- intents -------------------------------------------------------------------------------

    def go_next(self) -> None:
        if self.runner.finished:
            return
        values: dict[str, Any] = {i.field_id: i.value() for i in self.inputs}
        errors = self.runner.next(values)
        if errors:
            by_field = {e.field: field_error(e) for e in errors}
            for entry in self.inputs:
                entry.set_error(by_field.get(entry.field_id))
            first = next(i for i in self.inputs if i.field_id in by_field)
            first.focus()
            return
        self._moved()

    def go_back(self) -> None:
        if self.runner.back():
            self._moved()

    def _moved(self) -> None:
        self.refresh()
        self.sig_state_changed.emit(self.runner.state())
        result = self.runner.result()
        if result is not None:
            self.sig_finished.emit(result)

    # -- drawing -------------------------------------------------------------------------------

    def refresh(self) -> None:
        view = self.runner.view()
        self.breadcrumb.setText(" › ".join(c.title for c in view.breadcrumb))
        self.title.setText(view.title)
        self.title.setVisible(bool(view.title))
        self.text.setText(view.text)
        self.text.setVisible(bool(view.text))
        self.problem.setText(self._problem_text(view))
        self.problem.setToolTip(view.too_expensive or "")
        self.problem.setVisible(bool(view.problem or view.too_expensive))
        self.outcome.setText(self._outcome_text(view))
        self.outcome.setVisible(view.finished)
        self.back_button.setEnabled(view.can_back)
        self.next_button.setEnabled(not view.finished)
        self._rebuild_inputs(view)

    def _problem_text(self, view: StepView) -> str:
        if view.problem:
            return self.tr("This step cannot continue: {0}").format(view.problem)
        if view.too_expensive:  # the operator's words; the author's reason (English) is in the tooltip
            return self.tr(
                "This script step is too expensive to show. Tell the script's author; you can go on."
            )
        return ""

    def _outcome_text(self, view: StepView) -> str:
        if not view.finished:
            return ""
        suggested = disposition_label(view.disposition) if view.disposition else self.tr("none")
        return self.tr("End of script. Suggested disposition: {0}").format(suggested)

    def _rebuild_inputs(self, view: StepView) -> None:
        for entry in self.inputs:
            self.fields_layout.removeWidget(entry)
            entry.deleteLater()
        self.inputs = [make_input(f, self.fields_box) for f in view.fields]
        for entry in self.inputs:
            self.fields_layout.addWidget(entry)
            entry.show()
        self.focus_step()

    def focus_step(self) -> None:
        """Put the keyboard on the step: its first input, else Next (so Enter goes on)."""
        if self.inputs:
            self.inputs[0].focus()
        elif self.next_button.isEnabled():
            self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.setFocus(Qt.FocusReason.OtherFocusReason)  # the end: Enter and Alt+Left still reach us


__all__ = ["ScriptPanel"]
