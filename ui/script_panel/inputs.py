"""One input widget per field type, each with its inline error line.

Choices are radio buttons or check boxes numbered 1..9: with the choice focused, a digit picks (or
ticks) that option, so an operator answers without the mouse. Yes/no is a choice of two (1 yes, 2 no).
Dates, numbers, phones and e-mails are line edits: the core parses what was typed (``12,5``,
``31.12.1990``, ``8 912 ...``) and the error line says what is wrong, in the UI language.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.scripts.runner import FieldView
from ui.theme import set_role


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that never interprets markup (script and CRM texts are untrusted)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    return label


class FieldInput(QWidget):
    """A field's label, editor and error line; ``value()`` is what the operator typed, raw."""

    def __init__(self, view: FieldView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_id = view.id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        self.label = plain_label(view.label + (" *" if view.required else ""), self)
        layout.addWidget(self.label)
        if view.hint:
            self.hint = plain_label(view.hint, self)
            self.hint.setEnabled(False)
            layout.addWidget(self.hint)
        self.editor = self._make_editor(view)
        layout.addWidget(self.editor)
        self.error = plain_label("", self)
        self.error.setObjectName("fieldError")
        set_role(self.error, "error")  # the theme's red, readable in both themes
        self.error.hide()
        layout.addWidget(self.error)

    def _make_editor(self, view: FieldView) -> QWidget:
        edit = QLineEdit(self)
        placeholders = {
            "date": QCoreApplication.translate("ScriptPanel", "DD.MM.YYYY"),
            "phone": QCoreApplication.translate("ScriptPanel", "+7 912 345-67-89"),
            "email": QCoreApplication.translate("ScriptPanel", "name@example.ru"),
        }
        edit.setPlaceholderText(placeholders.get(view.type, ""))
        if view.value is not None:
            edit.setText(_as_text(view))
        self.line_edit = edit
        return edit

    def value(self) -> Any:
        return self.line_edit.text()

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)


def _as_text(view: FieldView) -> str:
    value = view.value
    if view.type == "date" and isinstance(value, str) and len(value) == 10:
        return f"{value[8:10]}.{value[5:7]}.{value[0:4]}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ChoiceBox(QWidget):
    """Numbered options; a digit key picks option N (ticks or unticks it in a multiple choice)."""

    def __init__(self, labels: list[str], multiple: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not multiple)
        self.buttons: list[QAbstractButton] = []
        for number, text in enumerate(labels, 1):
            caption = f"{number}. {text}" if number <= 9 else text
            button: QAbstractButton = QCheckBox(caption, self) if multiple else QRadioButton(caption, self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the box takes the keys, buttons the mouse
            self.group.addButton(button, number - 1)
            layout.addWidget(button)
            self.buttons.append(button)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= min(len(self.buttons), 9):
            button = self.buttons[int(text) - 1]
            button.setChecked(not button.isChecked() if not self.group.exclusive() else True)
            event.accept()
            return
        super().keyPressEvent(event)

    def checked(self) -> list[int]:
        return [i for i, b in enumerate(self.buttons) if b.isChecked()]


class ChoiceInput(FieldInput):
    """Single choice, multiple choice and yes/no."""

    def _make_editor(self, view: FieldView) -> QWidget:
        if view.type == "yesno":
            self.values: list[Any] = [True, False]
            labels = [
                QCoreApplication.translate("ScriptPanel", "Yes"),
                QCoreApplication.translate("ScriptPanel", "No"),
            ]
        else:
            self.values = [o.value for o in view.options]
            labels = [o.label for o in view.options]
        self.multiple = view.type == "multi"
        self.box = ChoiceBox(labels, self.multiple, self)
        chosen = view.value if isinstance(view.value, list) else [view.value]
        for i, value in enumerate(self.values):
            if view.value is not None and value in chosen:
                self.box.buttons[i].setChecked(True)
        return self.box

    def value(self) -> Any:
        picked = [self.values[i] for i in self.box.checked()]
        if self.multiple:
            return picked
        return picked[0] if picked else None


def make_input(view: FieldView, parent: QWidget | None = None) -> FieldInput:
    if view.type in ("single", "multi", "yesno"):
        return ChoiceInput(view, parent)
    return FieldInput(view, parent)
