"""Outside text (CRM fields, SIP display names, server messages) shown as plain text, never as markup.

Qt guesses: a ``QLabel`` in ``Qt.AutoText`` renders anything that *looks* like HTML, so a contact named
``<img src=x><b>Ivan</b>`` would load an image and print a bold "Ivan". Tooltips and message boxes guess
the same way, and button texts eat ``&`` as a mnemonic marker. Every widget puts outside text on screen
through these helpers, so the rule lives in one place and a test can check it once per widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` literally, whatever it contains."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def set_plain(label: QLabel, text: str) -> None:
    """Set ``text`` literally, even on a label that was created elsewhere as rich text."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)


def button_text(text: str) -> str:
    """``text`` for a button, menu or tab title: ``&`` doubled so "Smith & Co" is not a mnemonic."""
    return text.replace("&", "&&")


def tooltip(text: str) -> str:
    """``text`` as a tooltip: Qt renders tooltips as HTML when they look like it, so escape them."""
    import html  # here: its entity tables (~0.4 MB) are for the settings dialog only (issue 5)

    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


def message_box(
    parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning
) -> QMessageBox:
    """A non-modal message box with plain ``text`` (a server error message, say), opened and returned."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
