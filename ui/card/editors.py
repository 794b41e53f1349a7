"""One editor widget per field kind, each reading and writing a JSON-shaped value.

Editors only convert between what is typed and the value (``""`` to ``None``, ``"12"`` to ``12``); they
do not judge it. Whatever cannot be converted is passed on as typed, so the wire model's validation
names the field and the card can mark it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ui.card.contact_fields import FieldSpec

_CHANNELS = {
    "call": lambda: QCoreApplication.translate("Card", "Call"),
    "sms": lambda: QCoreApplication.translate("Card", "SMS"),
    "email": lambda: QCoreApplication.translate("Card", "E-mail"),
}


def display(spec: FieldSpec, value: Any) -> str:
    """``value`` as the card shows it in words (for the conflict dialog)."""
    if value is None or value == "":
        return QCoreApplication.translate("Card", "(empty)")
    if spec.kind == "tristate":
        return (
            QCoreApplication.translate("Card", "Yes") if value else QCoreApplication.translate("Card", "No")
        )
    if spec.path == "preferred_channel" and value in _CHANNELS:
        return _CHANNELS[value]()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


class FieldEditor(QObject):
    """An editor for one field: ``widget`` goes in the form, ``changed`` fires on every edit."""

    changed = Signal()
    """The operator edited the value."""

    def __init__(self, spec: FieldSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = spec

    @property
    def widget(self) -> QWidget:
        """The widget to put in the form."""
        raise NotImplementedError

    def value(self) -> Any:
        """The value as typed, converted where it can be."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` (without emitting ``changed``)."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-set texts that are words rather than data (the choices of a yes/no box)."""


class LineEditor(FieldEditor):
    """Text, phones (comma-separated), dates (YYYY-MM-DD) and numbers, typed in a line."""

    def __init__(self, spec: FieldSpec, parent: QObject | None = None) -> None:
        super().__init__(spec, parent)
        self.line = QLineEdit()
        self.line.setObjectName(spec.path)
        self.line.textEdited.connect(self.changed)
        if spec.kind == "date":
            self.line.setPlaceholderText("YYYY-MM-DD")

    @property
    def widget(self) -> QWidget:
        return self.line

    def value(self) -> Any:
        text = self.line.text().strip()
        if self.spec.kind == "phones":
            return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        if self.spec.path == "name":
            return text
        if not text:
            return None
        if self.spec.kind == "number":
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                return text
            return int(number) if number.is_integer() and "." not in text and "," not in text else number
        return text

    def set_value(self, value: Any) -> None:
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(0)


class ComboEditor(FieldEditor):
    """Yes / no / not recorded, or one of a list of choices (the first entry is "not set")."""

    def __init__(self, spec: FieldSpec, parent: QObject | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        self.combo.setObjectName(spec.path)
        values: list[Any] = [None, True, False] if spec.kind == "tristate" else [None, *spec.choices]
        for value in values:
            self.combo.addItem("", value)
        self.combo.activated.connect(lambda _: self.changed.emit())
        self.retranslate()

    @property
    def widget(self) -> QWidget:
        return self.combo

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))

    def retranslate(self) -> None:
        for index in range(self.combo.count()):
            value = self.combo.itemData(index)
            if value is None and self.spec.kind == "tristate":
                text = QCoreApplication.translate("Card", "not recorded")
            elif value is None:
                text = "—"
            else:
                text = display(self.spec, value)
            self.combo.setItemText(index, text)


def make_editor(spec: FieldSpec, parent: QObject | None = None) -> FieldEditor:
    """The editor for ``spec``'s kind."""
    return ComboEditor(spec, parent) if spec.kind in ("tristate", "choice") else LineEditor(spec, parent)
