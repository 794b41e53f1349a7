"""One call opened from a report's drill-down (Enter or a double-click on a listed call): what a
team lead opens it for, read-only.

* **Call**: caller, line, queue, request type, operator, when it arrived and how long the caller
  waited (against the queue's N), its outcome;
* **Client**: the contact card as the server holds it (name, phones, city, segment, e-mail, time
  zone, preferred channel, consents, custom fields), every value plain text (CRM data is outside
  text);
* **Handling and script answers**: each disposition (time, operator, result, talk, comment) with
  the answers the operator gave along the call script beneath it;
* **Recordings**: Enter, a double-click or *Play* (Alt+P) plays the chosen one in the lead's
  headset through the card's player bar and the desktop's one
  :class:`~app.workstation.playback.RecordingPlayer` (the server audits the play), as "Recorded
  calls..." does.

The window renders a :class:`~app.wire.reports.CallCard`; it changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.wire.contacts import ContactOut
from app.wire.reports import CallCard
from app.workstation.playback import RecordingPlayer
from ui.card.player import PlayerBar, PlayerControl, clock_text
from ui.elapsed import format_duration
from ui.labels import disposition_label, format_date, format_datetime
from ui.plain import set_plain
from ui.team.reports.tables import request_text

Runner = Callable[[Awaitable[Any]], None]

CALL_FIELDS = ("caller", "dnis", "queue", "request_type", "operator", "arrived", "wait", "outcome")
CONTACT_FIELDS = (
    "name",
    "phones",
    "city",
    "segment",
    "email",
    "time_zone",
    "birthday",
    "preferred_channel",
    "consent",
)


def _answer_text(answer: Any, yes: str, no: str) -> str:
    """An answer as the lead reads it: a yes/no in words, the options ticked joined, none empty."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return yes if answer else no
    if isinstance(answer, list):
        return ", ".join(str(item) for item in answer)
    return str(answer)


def _form(box: QGroupBox, keys: tuple[str, ...]) -> tuple[QFormLayout, dict[str, QLabel], dict[str, QLabel]]:
    """A two-column form of plain-text values; (the form, captions, values) by key (a row with no
    value is hidden: :func:`_show_row`)."""
    form = QFormLayout(box)
    captions, values = {}, {}
    for key in keys:
        caption, value = QLabel(box), QLabel(box)
        value.setTextFormat(Qt.TextFormat.PlainText)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setWordWrap(True)
        form.addRow(caption, value)
        captions[key], values[key] = caption, value
    return form, captions, values


def _show_row(form: QFormLayout, value: QLabel, text: str) -> None:
    set_plain(value, text)
    form.setRowVisible(value, bool(text))


class CallCardWindow(QWidget):
    """A call's card (module notes)."""

    def __init__(
        self,
        run: Runner,
        player: Callable[[], RecordingPlayer | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportCallCard")
        self.card: CallCard | None = None
        self.call_box, self.contact_box = QGroupBox(self), QGroupBox(self)
        self.call_form, self.call_captions, self.call_values = _form(self.call_box, CALL_FIELDS)
        self.contact_form, self.contact_captions, self.contact_values = _form(
            self.contact_box, CONTACT_FIELDS
        )
        self.no_contact = QLabel(self.contact_box)
        self.contact_form.addRow(self.no_contact)
        self.custom_form = QFormLayout()
        self.custom_values: dict[str, QLabel] = {}
        self.contact_form.addRow(self.custom_form)
        self.handling_label = QLabel(self)
        self.handling = QTreeWidget(self)  # dispositions, their script answers beneath
        self.handling.setColumnCount(5)
        self.handling_label.setBuddy(self.handling)
        self.recordings_label = QLabel(self)
        self.recordings = QTreeWidget(self)
        self.recordings.setRootIsDecorated(False)
        self.recordings.setColumnCount(2)
        self.recordings_label.setBuddy(self.recordings)
        self.recordings.itemActivated.connect(lambda item, _col: self.play(item))
        self.play_button = QPushButton(self)
        self.play_button.clicked.connect(lambda: self.play(self.recordings.currentItem()))
        self.player_bar = PlayerBar(self)
        self.player_bar.hide()
        self.player = PlayerControl(self.player_bar, player, run)

        top = QHBoxLayout()
        top.addWidget(self.call_box, 1)
        top.addWidget(self.contact_box, 1)
        heard = QHBoxLayout()
        heard.addWidget(self.recordings_label)
        heard.addStretch(1)
        heard.addWidget(self.play_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.handling_label)
        layout.addWidget(self.handling, 2)
        layout.addLayout(heard)
        layout.addWidget(self.recordings, 1)
        layout.addWidget(self.player_bar)
        self.retranslate()
        self.resize(900, 640)

    # ----- what the lead reads ------------------------------------------------------------------

    def show_card(self, card: CallCard) -> None:
        self.card = card
        self._fill()
        first = self.recordings.topLevelItem(0)
        if first is not None:
            self.recordings.setCurrentItem(first)
        (self.recordings if first is not None else self.handling).setFocus()

    def field(self, key: str) -> str:
        """The value shown for ``key`` (a call or contact field; a custom field by its key)."""
        for values in (self.call_values, self.contact_values):
            if key in values:
                return values[key].text()
        return self.custom_values[key].text()

    def _fill(self) -> None:
        card = self.card
        if card is None:
            return
        outcomes = {
            "accepted": self.tr("answered"),
            "missed": self.tr("missed"),
            "non_target": self.tr("hung up in the greeting (non-target)"),
        }
        wait = ""
        if card.wait_seconds is not None:
            wait = format_duration(card.wait_seconds)
            if card.service_seconds is not None:
                within = card.wait_seconds <= card.service_seconds
                wait = (
                    (self.tr("%1 (within %2 s)") if within else self.tr("%1 (longer than %2 s)"))
                    .replace("%1", wait)
                    .replace("%2", str(card.service_seconds))
                )
        request = request_text(card.request_type) if card.request_type else ""
        shown = {
            "caller": card.caller or "",
            "dnis": card.dnis or "",
            "queue": card.queue or "",
            "request_type": request,
            "operator": card.operator or "",
            "arrived": format_datetime(card.arrived_at) if card.arrived_at else "",
            "wait": wait,
            "outcome": outcomes.get(card.outcome, card.outcome) if card.outcome else self.tr("not reported"),
        }
        for key, label in self.call_values.items():
            _show_row(self.call_form, label, shown[key])
        self._fill_contact(card.contact)
        self._fill_handling(card)
        self.recordings.clear()
        for recording in card.recordings:
            item = QTreeWidgetItem([recording.operator or "", clock_text(recording.seconds)])
            item.setData(0, Qt.ItemDataRole.UserRole, recording.id)
            item.setData(1, Qt.ItemDataRole.UserRole, recording.seconds)
            self.recordings.addTopLevelItem(item)
        self.play_button.setEnabled(bool(card.recordings))
        self.setWindowTitle(self.tr("Call %1").replace("%1", card.caller or card.call_id))

    def _fill_contact(self, contact: ContactOut | None) -> None:
        while self.custom_form.rowCount():
            self.custom_form.removeRow(0)
        self.custom_values.clear()
        self.no_contact.setVisible(contact is None)
        if contact is None:
            for label in self.contact_values.values():
                _show_row(self.contact_form, label, "")
            return
        yes, no = self.tr("yes"), self.tr("no")
        consents = [
            (self.tr("calls"), contact.consent.call),
            (self.tr("SMS"), contact.consent.sms),
            (self.tr("e-mail"), contact.consent.email),
            (self.tr("marketing"), contact.consent.marketing),
        ]
        channels = {"call": self.tr("call"), "sms": self.tr("SMS"), "email": self.tr("e-mail")}
        shown = {
            "name": contact.name,
            "phones": ", ".join(contact.phones),
            "city": contact.city or "",
            "segment": contact.segment or "",
            "email": contact.email or "",
            "time_zone": contact.time_zone or "",
            "birthday": format_date(contact.birthday) if contact.birthday else "",
            "preferred_channel": channels.get(
                contact.preferred_channel or "", contact.preferred_channel or ""
            ),
            "consent": ", ".join(
                f"{what}: {yes if agreed else no}" for what, agreed in consents if agreed is not None
            ),
        }
        for key, label in self.contact_values.items():
            _show_row(self.contact_form, label, shown[key])
        for key, value in sorted(contact.custom.items()):
            caption, text = QLabel(key), QLabel()
            caption.setTextFormat(Qt.TextFormat.PlainText)
            set_plain(text, "" if value is None else str(value))
            self.custom_form.addRow(caption, text)
            self.custom_values[key] = text

    def _fill_handling(self, card: CallCard) -> None:
        self.handling.clear()
        for disposition in card.dispositions:
            talk = ""
            if disposition.answer_at is not None:
                seconds = (disposition.end_at - disposition.answer_at).total_seconds()
                talk = format_duration(max(seconds - (disposition.hold_seconds or 0), 0))
            item = QTreeWidgetItem(
                [
                    format_datetime(disposition.ring_at),
                    disposition.operator or "",
                    disposition_label(disposition.code),
                    talk,
                    disposition.comment,
                ]
            )
            self.handling.addTopLevelItem(item)
            if disposition.script_name:
                item.addChild(QTreeWidgetItem([self.tr("Script: %1").replace("%1", disposition.script_name)]))
            for key, answer in disposition.script_answers.items():
                question = disposition.script_questions.get(key) or key
                item.addChild(
                    QTreeWidgetItem([question, _answer_text(answer, self.tr("yes"), self.tr("no"))])
                )
            if not disposition.script_answers:
                item.addChild(QTreeWidgetItem([self.tr("No script answers")]))
            item.setExpanded(True)
        for column in range(self.handling.columnCount()):
            self.handling.resizeColumnToContents(column)

    def script_answers(self) -> dict[str, str]:
        """Every script answer shown (question: answer), as the lead reads them."""
        out: dict[str, str] = {}
        for index in range(self.handling.topLevelItemCount()):
            top = self.handling.topLevelItem(index)
            assert top is not None
            for child in range(top.childCount()):
                row = top.child(child)
                if row is not None and row.text(1):
                    out[row.text(0)] = row.text(1)
        return out

    # ----- listening ----------------------------------------------------------------------------

    def play(self, item: QTreeWidgetItem | None) -> None:
        """Fetch the chosen recording (the server audits the play) and play it in the headset."""
        if item is None:
            return
        self.player_bar.show()
        self.player.open(
            int(item.data(0, Qt.ItemDataRole.UserRole)), float(item.data(1, Qt.ItemDataRole.UserRole))
        )

    # ----- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.call_box.setTitle(self.tr("Call"))
        self.contact_box.setTitle(self.tr("Client"))
        captions = {
            "caller": self.tr("Caller"),
            "dnis": self.tr("Line"),
            "queue": self.tr("Queue"),
            "request_type": self.tr("Request type"),
            "operator": self.tr("Operator"),
            "arrived": self.tr("Arrived"),
            "wait": self.tr("Waited"),
            "outcome": self.tr("Outcome"),
            "name": self.tr("Name"),
            "phones": self.tr("Phones"),
            "city": self.tr("City"),
            "segment": self.tr("Segment"),
            "email": self.tr("E-mail"),
            "time_zone": self.tr("Time zone"),
            "birthday": self.tr("Birthday"),
            "preferred_channel": self.tr("Preferred channel"),
            "consent": self.tr("Consents"),
        }
        for key, label in (*self.call_captions.items(), *self.contact_captions.items()):
            label.setText(captions[key])
        self.no_contact.setText(self.tr("No contact card for this caller"))
        self.handling_label.setText(self.tr("&Handling and script answers:"))
        self.handling.setHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Operator"),
                self.tr("Disposition"),
                self.tr("Talk"),
                self.tr("Comment"),
            ]
        )
        self.recordings_label.setText(self.tr("&Recordings (Enter plays):"))
        self.recordings.setHeaderLabels([self.tr("Operator"), self.tr("Length")])
        self.play_button.setText(self.tr("&Play"))
        if self.card is not None:
            self._fill()
        else:
            self.setWindowTitle(self.tr("Call"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: Any) -> None:
        """Closed: the playback stops (the lead's headset is theirs again)."""
        self.player.act(lambda player: player.stop())
        super().closeEvent(event)
