"""The new-contact form for an unknown caller: the number is already filled in, so saving takes two
keystrokes (Ctrl+S) and a name typed first is saved with Return.

When the centre's CRM knows the caller (``GET /contacts/lookup``'s ``crm``, issue 19), the form says
so above the fields, "From Bitrix24", with the CRM's name, company, e-mail and numbers as plain
text (a CRM's values may hold markup: shown literally), and the name is filled in from it: Ctrl+S
makes the contact in ringdesk from the CRM's data.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.wire.contacts import ContactIn
from app.wire.crm import CrmContactOut
from app.wire.schema import ValidationError
from ui.plain import plain_label, set_plain
from ui.theme import set_role

CRM_NAMES = {"bitrix24": "Bitrix24"}
"""The CRMs' own names (proper nouns, the same in every language); another source shows its code."""


def crm_name(source: str) -> str:
    return CRM_NAMES.get(source, source)


def source_text(crm: CrmContactOut) -> str:
    """Where the card's data came from: "From Bitrix24: not in ringdesk yet"."""
    return QCoreApplication.translate("NewContactForm", "From %1: not in ringdesk yet").replace(
        "%1", crm_name(crm.source)
    )


def crm_lines(crm: CrmContactOut) -> str:
    """The CRM's contact, a line per value, labelled in the current language."""
    lines = [crm.name] if crm.name else []
    if crm.company:
        lines.append(QCoreApplication.translate("NewContactForm", "Company: %1").replace("%1", crm.company))
    if crm.email:
        lines.append(QCoreApplication.translate("NewContactForm", "E-mail: %1").replace("%1", crm.email))
    if crm.phones:
        phones = ", ".join(crm.phones)
        lines.append(QCoreApplication.translate("NewContactForm", "Phones: %1").replace("%1", phones))
    return "\n".join(lines)


class NewContactForm(QWidget):
    """Number (prefilled), name, segment; Return or Ctrl+S creates the contact."""

    create_requested = Signal(object)
    """A valid :class:`~app.wire.contacts.ContactIn` to create."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._crm: CrmContactOut | None = None
        self.heading = plain_label()
        set_role(self.heading, "title")
        self.crm_box = QFrame()
        self.crm_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.crm_source = plain_label()
        bold = self.crm_source.font()
        bold.setBold(True)
        self.crm_source.setFont(bold)
        self.crm_details = plain_label()
        self.crm_details.setWordWrap(True)
        box = QVBoxLayout(self.crm_box)
        box.addWidget(self.crm_source)
        box.addWidget(self.crm_details)
        self.crm_box.hide()
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
        layout.addWidget(self.crm_box)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.save)
        layout.addStretch(1)
        self.retranslate()

    def show_number(self, number: str, crm: CrmContactOut | None = None) -> None:
        """Start a new contact for ``number`` (the caller's, already normalised by the core); ``crm``:
        what the centre's CRM knows of them, shown with its source and the name taken from it."""
        self._crm = crm
        self.phone.setText(number)
        self.name.setText(crm.name if crm is not None else "")
        self.segment.clear()
        set_plain(self.error, "")
        self.crm_box.setVisible(crm is not None)
        self.retranslate()

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
        crm = self._crm
        if crm is not None:
            set_plain(self.crm_source, source_text(crm))
            set_plain(self.crm_details, crm_lines(crm))
            self.heading.setText(self.tr("Create the contact in ringdesk"))
        else:
            self.heading.setText(self.tr("New contact"))
        self.phone_label.setText(self.tr("Phone"))
        self.name_label.setText(self.tr("Name"))
        self.segment_label.setText(self.tr("Segment"))
        self.save.setText(self.tr("Create contact (Ctrl+S)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
