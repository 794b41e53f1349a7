"""The new-contact form for an unknown caller: the number is already filled in, so saving takes two
keystrokes (Ctrl+S) and a name typed first is saved with Return."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.wire.contacts import ContactIn
from ui.plain import plain_label, set_plain
from ui.theme import set_role


class NewContactForm(QWidget):
    """Number (prefilled), name, segment; Return or Ctrl+S creates the contact."""

    create_requested = Signal(object)
    """A valid :class:`~app.wire.contacts.ContactIn` to create."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = plain_label()
        set_role(self.heading, "title")
        self.phone = QLineEdit()
        self.name = QLineEdit()
        self.segment = QLineEdit()
        self.error = plain_label()
        set_role(self.error, "error")
        self.error.setWordWrap(True)
        self.save = QPushButton()
        self.save.clicked.connect(self.submit)
        self.form = QFormLayout()
        self.phone_label, self.name_label, self.segment_label = plain_label(), plain_label(), plain_label()
        self.form.addRow(self.phone_label, self.phone)
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.segment_label, self.segment)
        for line in (self.phone, self.name, self.segment):
            line.returnPressed.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.save)
        layout.addStretch(1)
        self.retranslate()

    def show_number(self, number: str) -> None:
        """Start a new contact for ``number`` (the caller's, already normalised by the core)."""
        self.phone.setText(number)
        self.name.clear()
        self.segment.clear()
        set_plain(self.error, "")

    def show_error(self, text: str) -> None:
        """Show why the server refused the contact (plain text)."""
        set_plain(self.error, text)

    def submit(self) -> None:
        """Validate against the wire model and emit ``create_requested``; show the problem otherwise."""
        try:
            contact = ContactIn.model_validate(
                {
                    "name": self.name.text(),
                    "phones": [self.phone.text().strip()],
                    "segment": self.segment.text().strip() or None,
                }
            )
        except ValidationError as error:
            set_plain(self.error, "; ".join(str(e["msg"]) for e in error.errors()))
            return
        set_plain(self.error, "")
        self.create_requested.emit(contact)

    def retranslate(self) -> None:
        """Re-set the texts in the current language."""
        self.heading.setText(self.tr("New contact"))
        self.phone_label.setText(self.tr("Phone"))
        self.name_label.setText(self.tr("Name"))
        self.segment_label.setText(self.tr("Segment"))
        self.save.setText(self.tr("Create contact (Ctrl+S)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
