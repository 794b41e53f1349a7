"""Records the server did not accept, shown to the operator (issue 14: kept, never silently dropped).

:class:`RefusedNotice` sits in the main window's status bar while any record is parked: how many call
results (or records) the server did not accept, why in words (the newest refusal's reason), and a
"Show..." button. :class:`RefusedDialog` lists them: what each was, when it was saved, why, and the
server's own sentence (outside text, shown plain); "Send again" puts the chosen ones back in the queue
(once the cause is fixed: the code re-activated, the server repaired). Data: ``app.sync.refused``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.store.schema import OutboxKind
from app.sync.items import OutboxItem
from app.sync.refused import RefusedRecord, Why, refused_records
from app.sync.status import SyncStatus
from ui.labels import disposition_label, format_datetime, reason_label, status_label
from ui.plain import set_plain
from ui.theme import set_role


def why_text(why: Why) -> str:
    """A refusal's reason in words, in the current language."""
    words = {
        Why.INVALID: lambda: QCoreApplication.translate("Refused", "the server found it invalid"),
        Why.NOT_ALLOWED: lambda: QCoreApplication.translate("Refused", "the server does not allow it"),
        Why.CONFLICT: lambda: QCoreApplication.translate(
            "Refused", "someone else changed the same data meanwhile"
        ),
        Why.TOO_LARGE: lambda: QCoreApplication.translate("Refused", "it is too large for the server"),
        Why.SERVER_FAILED: lambda: QCoreApplication.translate(
            "Refused", "the server failed on it again and again"
        ),
        Why.OTHER: lambda: QCoreApplication.translate("Refused", "the server refused it"),
    }
    return words[why]()


class RefusedNotice(QWidget):
    """One line and a button while records are parked; hidden otherwise."""

    show_requested = Signal()
    """The operator wants to see the records (the desktop opens :class:`RefusedDialog`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[RefusedRecord] = []
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        set_role(self.label, "warning", "badge")
        self.show_button = QPushButton(self)
        self.show_button.clicked.connect(self.show_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.show_button)
        self.retranslate()
        self.hide()

    def show_records(self, records: Sequence[RefusedRecord]) -> None:
        self.records = list(records)
        self.retranslate()
        self.setVisible(bool(self.records))

    def retranslate(self) -> None:
        self.show_button.setText(self.tr("Show..."))
        if not self.records:
            set_plain(self.label, "")
            return
        # Plurals through self.tr with a plain count: that is the form lupdate extracts as a plural.
        count = len(self.records)
        if all(r.kind is OutboxKind.DISPOSITION for r in self.records):
            head = self.tr("%n call result(s) not accepted by the server", "", count)
        else:
            head = self.tr("%n record(s) not accepted by the server", "", count)
        set_plain(self.label, f"{head}: {why_text(self.records[-1].why)}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RefusedDialog(QDialog):
    """The refused records, one per line, and "Send again" for the chosen ones."""

    resend_requested = Signal(list)
    """Outbox item ids (``list[int]``) the operator wants sent again."""

    def __init__(self, records: Sequence[RefusedRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = list(records)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.resend = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.resend.clicked.connect(self._resend)
        self.buttons.rejected.connect(self.reject)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)
        self.resize(720, 360)
        self.retranslate()

    def show_records(self, records: Sequence[RefusedRecord]) -> None:
        self.records = list(records)
        self._fill()

    def lines(self) -> list[str]:
        """What each line of the list says (for tests and screen readers alike)."""
        return [self.list.item(row).text() for row in range(self.list.count())]

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Records not accepted by the server"))
        self.intro.setText(
            self.tr(
                "These records are kept on this computer but the server did not accept them. "
                "Tell your team lead or support what the server said; once it is fixed, choose "
                "them and press Send again."
            )
        )
        self.resend.setText(self.tr("Send again"))
        self.close_button.setText(self.tr("Close"))
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for record in self.records:
            item = QListWidgetItem(self._describe(record))  # a list item is never rich text
            item.setData(Qt.ItemDataRole.UserRole, record.item_id)
            self.list.addItem(item)
        self._selection_changed()

    def _describe(self, record: RefusedRecord) -> str:
        if record.kind is OutboxKind.DISPOSITION:
            what = self.tr("Call result")
            subject = " · ".join(p for p in (disposition_label(record.code), record.call_id or "") if p)
        elif record.kind is OutboxKind.STATUS:
            what = self.tr("Status change")
            subject = status_label(record.status or "")
            if record.reason:
                subject = f"{subject} ({reason_label(record.reason)})"
        else:
            what = self.tr("Contact edit")
            subject = f"#{record.contact_id}" if record.contact_id else ""
        said = self.tr("Server: %1").replace("%1", record.server_says) if record.server_says else ""
        first = f"{format_datetime(record.saved_at)}  {what}: {subject}"
        return "\n".join(line for line in (first, why_text(record.why), said) if line)

    def _selection_changed(self) -> None:
        self.resend.setEnabled(bool(self.list.selectedItems()))

    def _resend(self) -> None:
        ids = [int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()]
        if ids:
            self.resend_requested.emit(ids)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RefusedOutbox(Protocol):
    """What :class:`RefusedRecords` needs of the outbox (``app.sync.outbox.Outbox``)."""

    def parked(self) -> list[OutboxItem]: ...

    def requeue(self, item_id: int) -> None: ...


class RefusedRecords(QObject):
    """The notice and the dialog, kept up to date from the outbox (on the GUI thread)."""

    def __init__(self, outbox: RefusedOutbox, retry: Callable[[], None], window: QWidget) -> None:
        super().__init__(window)
        self._outbox = outbox
        self._retry = retry
        self._window = window
        self._parked: int | None = None
        self.notice = RefusedNotice()
        self.dialog: RefusedDialog | None = None
        self.notice.show_requested.connect(self.open)

    def refresh(self, status: SyncStatus | None = None) -> None:
        """Read the parked records again (only when ``status`` says their number changed)."""
        if status is not None and status.parked == self._parked:
            return
        records = refused_records(self._outbox)
        self._parked = len(records)
        self.notice.show_records(records)
        if self.dialog is not None:
            self.dialog.show_records(records)

    def open(self) -> None:
        """Show the list (built on first use, then reused)."""
        if self.dialog is None:
            self.dialog = RefusedDialog(self.notice.records, self._window)
            self.dialog.resend_requested.connect(self._resend)
        self.dialog.show_records(self.notice.records)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _resend(self, ids: list[int]) -> None:
        for item_id in ids:
            with contextlib.suppress(ValueError):  # sent again meanwhile
                self._outbox.requeue(item_id)
        self._retry()
        self.refresh()
