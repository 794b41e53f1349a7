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
from ui.i18n import pick
from ui.labels import RUSSIAN_ZONES, date_pattern, format_date, parse_date, zone_label

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
    if spec.custom is not None and (
        label := next((c for c in spec.custom.choice_labels if c.value == value), None)
    ):
        return pick(label.label_en, label.label_ru)
    if spec.kind == "zone":
        return zone_label(str(value)) or str(value)
    if spec.kind == "date":
        return format_date(str(value))
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
    """Text, phones (comma-separated), dates (in the language's form: 06.12.2026) and numbers, typed in
    a line. A date is shown in the UI's form and given back as ISO; what does not read as a date is
    passed on as typed, for the wire model to refuse."""

    def __init__(self, spec: FieldSpec, parent: QObject | None = None) -> None:
        super().__init__(spec, parent)
        self.line = QLineEdit()
        self.line.setObjectName(spec.path)
        self.line.textEdited.connect(self.changed)
        self.retranslate()

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
        if self.spec.kind == "date":
            return parse_date(text) or text
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
        if self.spec.kind == "date" and isinstance(value, str):
            value = format_date(value)
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(0)

    def retranslate(self) -> None:
        if self.spec.kind == "date":
            iso = self.value()
            self.line.setPlaceholderText(date_pattern())
            if isinstance(iso, str) and parse_date(iso):
                self.set_value(iso)


class ComboEditor(FieldEditor):
    """Yes / no / not recorded, one of a list of choices, or a time zone (the first entry is "not
    set"; a zone the list does not offer is added when a contact has it)."""

    def __init__(self, spec: FieldSpec, parent: QObject | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox()
        self.combo.setObjectName(spec.path)
        values: list[Any] = [None, True, False] if spec.kind == "tristate" else [None, *spec.choices]
        if spec.kind == "zone":
            values = [None, *RUSSIAN_ZONES]
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
        if index < 0 and self.spec.kind == "zone" and value:
            self.combo.addItem(display(self.spec, value), value)
            index = self.combo.count() - 1
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
    combo = spec.kind in ("tristate", "choice", "zone")
    return ComboEditor(spec, parent) if combo else LineEditor(spec, parent)
