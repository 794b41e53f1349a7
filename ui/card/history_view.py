"""The contact's last interactions, newest first, each result coloured by its category: as tall as its
rows (the card shows the last three at a glance), with a line saying so when there is none."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from app.wire.contacts import HistoryItem, HistoryMessage
from app.wire.dispositions import DispositionCategory, DispositionCode
from app.wire.recordings import RecordingRef
from ui.card.glance import queue_label
from ui.card.player import clock_text
from ui.i18n import pick
from ui.labels import format_datetime
from ui.theme import category_colour

_STATUS_COLOURS = {
    "delivered": DispositionCategory.SUCCESS,
    "replied": DispositionCategory.SUCCESS,
    "received": DispositionCategory.SUCCESS,
    "undelivered": DispositionCategory.NON_TARGET,
    "failed": DispositionCategory.NON_TARGET,
    "skipped": DispositionCategory.OTHER,
}
"""A message's status in the colours of the results it resembles (delivered green, lost red)."""


class HistoryView(QTreeWidget):
    """When, who, queue, result, the recording (length and pauses), comment; a chain's e-mail or SMS
    is a row too (when, the chain, the channel, its delivery status, the subject or text), and so is
    a message the client sent us (its text). Items are plain text (tree items never render markup)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._items: list[HistoryItem] = []
        self._codes: dict[str, DispositionCode] = {}
        self.retranslate()

    def show_history(self, items: list[HistoryItem], codes: list[DispositionCode]) -> None:
        """Show ``items`` (newest first); ``codes`` is the catalogue, for labels and colours."""
        self._items = items
        self._codes = {c.code: c for c in codes}
        self._fill()

    def _fill(self) -> None:
        self.clear()
        for item in self._items:
            if isinstance(item, HistoryMessage):
                self.addTopLevelItem(self._message_row(item))
                continue
            disposition = item.disposition
            code = self._codes.get(disposition.code) if disposition else None
            if disposition is None:
                result = self.tr("no result")
            elif code is None:
                result = disposition.code
            else:
                result = pick(code.label_en, code.label_ru)
            comment = disposition.comment.replace("\n", " ") if disposition else ""
            row = QTreeWidgetItem(
                [
                    format_datetime(item.ring_at),
                    item.operator,
                    queue_label(item.queue) or "",
                    result,
                    self._recording(item.recording),
                    comment,
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, item)  # the player finds the recording here
            if code is not None:
                row.setForeground(3, category_colour(code.category))
            row.setToolTip(5, "")
            self.addTopLevelItem(row)
        if not self._items:
            empty = QTreeWidgetItem(["", "", "", self.tr("No earlier calls"), "", ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(empty)
        for column in range(5):
            self.resizeColumnToContents(column)
        self._fit()

    def _message_row(self, item: HistoryMessage) -> QTreeWidgetItem:
        """An e-mail or SMS of a chain: when, "Chain: name", the channel, its delivery status, the
        subject or text (plain text, one line); why it was not sent in the tooltip."""
        channel = self.tr("E-mail") if item.channel == "email" else self.tr("SMS")
        status = self._status(item.status)
        shown = item.subject if item.channel == "email" and item.subject else item.text
        if item.direction == "inbound":  # the client's words: plain text, whatever they hold
            shown = item.text or item.subject or ""
            named = item.chain_name or item.chain
            source = (
                self.tr("Reply to chain: %1").replace("%1", named) if named else self.tr("From the client")
            )
        else:
            source = self.tr("Chain: %1").replace("%1", item.chain_name or item.chain or "")
        row = QTreeWidgetItem(
            [
                format_datetime(item.at),
                source,
                channel,
                status,
                "",
                " ".join(shown.split()),
            ]
        )
        colour = _STATUS_COLOURS.get(item.status)
        if colour is not None:
            row.setForeground(3, category_colour(colour))
        if item.error:
            row.setToolTip(3, item.error)
        row.setData(0, Qt.ItemDataRole.UserRole, item)
        return row

    def _status(self, status: str) -> str:
        words = {
            "queued": self.tr("queued"),
            "sent": self.tr("sent"),
            "delivered": self.tr("delivered"),
            "undelivered": self.tr("not delivered"),
            "failed": self.tr("not sent: error"),
            "skipped": self.tr("not sent"),
            "replied": self.tr("replied"),
            "received": self.tr("received"),
        }
        return words.get(status, status)

    def _recording(self, recording: RecordingRef | None) -> str:
        """ "1:02", "1:02, paused 0:02-0:04", "deleted" (retention), "uploading"; "" without one."""
        if recording is None:
            return ""
        if recording.purged:
            return self.tr("deleted")
        if not recording.stored:
            return self.tr("uploading")
        length = clock_text(recording.seconds)
        if not recording.pauses:
            return length
        pauses = ", ".join(f"{clock_text(p.start)}\u2013{clock_text(p.end)}" for p in recording.pauses)
        return self.tr("%1, paused %2").replace("%1", length).replace("%2", pauses)

    def _fit(self) -> None:
        """Exactly as tall as the header and the rows (no empty space, no scroll bar)."""
        rows = max(self.topLevelItemCount(), 1)
        row = max(self.sizeHintForRow(0), self.fontMetrics().height() + 4)
        header = self.header().sizeHint().height()
        self.setFixedHeight(header + rows * row + 2 * self.frameWidth())

    def retranslate(self) -> None:
        """Re-set the headers and results in the current language."""
        self.setHeaderLabels(
            [
                self.tr("When"),
                self.tr("Operator"),
                self.tr("Queue"),
                self.tr("Result"),
                self.tr("Recording"),
                self.tr("Comment"),
            ]
        )
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
