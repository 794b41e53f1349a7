"""The call card's page for a known caller, as a glance: who is calling, how they want to be reached,
what they consented to, their local time, an open callback, and their last three calls with coloured
results; every field stays editable in place, folded into "Client details" (Tab and Space, or Alt+D).

The page keeps the contact as it was loaded (the *base*) and the operator's edits apart: Save sends only
the changed fields with the base's version, and a 412 answer is resolved field by field against the
server's newer copy (:mod:`ui.card.conflict_dialog`). Built by :class:`~ui.card.call_card.CallCard` the
first time a known caller is shown, so the idle desktop does not hold it (issue 5).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.wire.contacts import ContactOut, ContactPatch, FieldSchema, HistoryItem
from app.wire.schema import ValidationError
from ui.card.call_card import CardData, ContactEdit
from ui.card.conflict_dialog import THEIRS, ConflictDialog
from ui.card.contact_fields import CONSENT_FLAGS, FieldSpec, conflicts, field_specs, flatten, patch_data
from ui.card.editors import FieldEditor, display, make_editor
from ui.card.fold import Fold
from ui.card.glance import open_callback
from ui.card.history_view import HistoryView
from ui.card.player import PlayerBar
from ui.elapsed import Clock
from ui.i18n import pick
from ui.local_time import client_time
from ui.plain import plain_label, set_plain
from ui.theme import set_role

RECENT = 3
"""Calls shown at a glance (the newest)."""


class ContactPage(QWidget):
    """Header badges, the last calls, and the field editors with Save / Revert folded below."""

    save_requested = Signal(object)
    """A :class:`~ui.card.call_card.ContactEdit` with the fields the operator changed."""

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._data: CardData | None = None
        self._history: list[HistoryItem] = []
        self._specs: list[FieldSpec] = []
        self._base: dict[str, Any] = {}
        self._editors: dict[str, FieldEditor] = {}
        self._labels: dict[str, QLabel] = {}
        self.dialog: ConflictDialog | None = None

        self.name = plain_label()
        set_role(self.name, "title")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phones = plain_label()
        self.local_time = plain_label()
        self.light = plain_label()
        self.segment = plain_label()
        set_role(self.segment, "neutral", "badge")
        self.channel = plain_label()
        set_role(self.channel, "info", "badge")
        self.consent: dict[str, QLabel] = {flag: plain_label() for flag in CONSENT_FLAGS}
        self.callback = plain_label()
        set_role(self.callback, "warning", "badge")
        self.callback.hide()
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.local_time)
        top.addWidget(self.light)
        badges = QHBoxLayout()
        for badge in (self.phones, self.segment, self.channel, *self.consent.values()):
            badges.addWidget(badge)
        badges.addStretch(1)

        self.recent_label = plain_label()
        set_role(self.recent_label, "muted")
        self.history = HistoryView()
        self.player = PlayerBar()

        self.fields = QGridLayout()
        self.fields.setColumnStretch(1, 1)
        self.fields.setColumnStretch(3, 1)
        form = QWidget()
        form.setLayout(self.fields)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)
        self.error = plain_label()
        set_role(self.error, "error")
        self.error.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton()
        self.revert_button.clicked.connect(self._revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        editing = QWidget()
        edit_layout = QVBoxLayout(editing)
        edit_layout.setContentsMargins(0, 0, 0, 0)
        edit_layout.addWidget(scroll, 1)
        edit_layout.addLayout(buttons)
        self.details = Fold(editing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(badges)
        layout.addWidget(self.callback, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.recent_label)
        layout.addWidget(self.history)
        layout.addWidget(self.player)
        layout.addWidget(self.details, 1)
        layout.addStretch(0)
        self._tick = QTimer(self)
        self._tick.setInterval(30_000)
        self._tick.timeout.connect(self._show_local_time)
        self.retranslate()

    # -- slots ---------------------------------------------------------------------------------------

    def show_contact(self, data: CardData) -> None:
        """Show a known contact; unsaved edits of a previous contact are dropped."""
        self._data = data
        self.prepare(data.schema)
        self._load(data.contact)
        self.show_history(data.history)
        self._tick.start()

    def prepare(self, schema: list[FieldSchema]) -> None:
        """Have the editors of ``schema``'s fields (built when the fields change: on the first contact
        shown, or ahead of it by the first call's warm-up, ``ui.warmup``)."""
        specs = field_specs(schema)
        if specs != self._specs:
            self._specs = specs
            self._build_editors()

    def clear(self) -> None:
        """The card shows another page: forget the contact (a late save answer is then ignored)."""
        self._data = None
        self._history = []
        self._tick.stop()

    def show_history(self, items: list[HistoryItem]) -> None:
        """Replace the history (it may arrive after the contact)."""
        codes = self._data.codes if self._data else []
        self._history = items
        self.history.show_history(items[:RECENT], codes)
        self._show_callback()

    def show_saved(self, contact: ContactOut) -> None:
        """The server stored the contact: it becomes the new base (edits made since are kept). An answer
        for another contact than the one shown (the card moved on meanwhile) changes nothing here."""
        if self._data is None or self._data.contact.id != contact.id:
            return
        self._data = CardData(contact, self._data.schema, self._data.codes, self._data.history)
        pending = self.changes()
        self._load(contact)
        for path, value in pending.items():
            if self._base.get(path) != value:
                self._editors[path].set_value(value)
        self._mark_dirty()

    def show_conflict(self, current: ContactOut) -> None:
        """The save got 412: ``current`` is the server's newer copy. Fields only one side changed are
        merged silently; for the others a dialog asks mine or theirs, then the save is sent again.
        Ignored when the card shows another contact by now: its edits must not be merged into this one."""
        if self._data is None or self._data.contact.id != current.id:
            return
        mine = self.changes()
        theirs = flatten(current, self._specs)
        clashes = conflicts(self._base, mine, theirs)
        if not clashes:
            self._rebase(current, mine, {})
            return
        rows = [
            (
                c,
                self._label_text(self._spec(c.path)),
                display(self._spec(c.path), c.mine),
                display(self._spec(c.path), c.theirs),
            )
            for c in clashes
        ]
        self.dialog = ConflictDialog(rows, self)
        self.dialog.accepted.connect(
            lambda: self._rebase(current, mine, self.dialog.choices() if self.dialog else {})
        )
        self.dialog.open()

    def show_error(self, text: str) -> None:
        """Show why the server refused a save (plain text)."""
        set_plain(self.error, text)

    # -- editing -------------------------------------------------------------------------------------

    def contact_id(self) -> int | None:
        """The contact shown (every save from this page goes to it)."""
        return self._data.contact.id if self._data is not None else None

    def saved_version(self) -> int:
        """The version of the contact the page's edits are based on (0: none shown)."""
        return self._data.contact.version if self._data is not None else 0

    def editor_widget(self, path: str) -> QWidget:
        """The editor of the field ``path`` (``city``, ``custom.tariff``...)."""
        return self._editors[path].widget

    def restore_changes(self, changes: dict[str, Any]) -> None:
        """Put back edits made earlier to the contact shown (the card went to another call and came
        back); a field whose value the server now has anyway stays clean. Opens the details."""
        for path, value in changes.items():
            if path in self._editors and self._base.get(path) != value:
                self._editors[path].set_value(value)
        self._mark_dirty()
        if self.changes():
            self.details.expand()

    def changes(self) -> dict[str, Any]:
        """The fields the operator changed, by path, with their new values."""
        return {p: e.value() for p, e in self._editors.items() if e.value() != self._base.get(p)}

    def save(self) -> None:
        """Emit ``save_requested`` with the changes (nothing when none was made)."""
        if self._data is None or not (changes := self.changes()):
            return
        try:
            patch = ContactPatch.model_validate(
                patch_data(changes, self._base), context={"field_schema": self._data.schema}
            )
        except ValidationError as error:
            wrong: list[str] = []
            for e in error.errors():
                path = ".".join(str(part) for part in e["loc"][:2])
                if path in self._editors:
                    set_role(self._editors[path].widget, "true", "invalid")
                    wrong.append(self._label_text(self._spec(path)))
            # the wire model's messages are English: the card names the fields and marks them
            names = ", ".join(dict.fromkeys(wrong))
            set_plain(self.error, self.tr("Check these fields: %1").replace("%1", names))
            return
        set_plain(self.error, "")
        self.save_requested.emit(ContactEdit(self._data.contact.id, self._data.contact.version, patch))

    def _rebase(self, current: ContactOut, mine: dict[str, Any], choices: dict[str, str]) -> None:
        assert self._data is not None
        self._data = CardData(current, self._data.schema, self._data.codes, self._data.history)
        self._load(current)
        for path, value in mine.items():
            if choices.get(path) != THEIRS:
                self._editors[path].set_value(value)
        self._mark_dirty()
        if self.changes():
            self.save()

    def _revert(self) -> None:
        if self._data is not None:
            self._load(self._data.contact)

    def _load(self, contact: ContactOut) -> None:
        self._base = flatten(contact, self._specs)
        for path, editor in self._editors.items():
            editor.set_value(self._base.get(path))
            set_role(editor.widget, "false", "invalid")
        set_plain(self.error, "")
        self._show_header()
        self._mark_dirty()

    def _build_editors(self) -> None:
        while self.fields.count():
            item = self.fields.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        for editor in self._editors.values():  # (children of the page: they outlived their widgets)
            editor.deleteLater()
        self._editors.clear()
        self._labels.clear()
        for index, spec in enumerate(self._specs):
            editor = make_editor(spec, self)
            editor.changed.connect(self._mark_dirty)
            # the roles every shown contact sets, set now: the first call's card restyles none of its
            # editors (issue 15: 30 restyles, ~5 ms of the first pop on the GUI thread)
            set_role(editor.widget, "false", "invalid")
            set_role(editor.widget, "false", "dirty")
            label = plain_label()
            label.setBuddy(editor.widget)
            row, column = divmod(index, 2)
            self.fields.addWidget(label, row, column * 2)
            self.fields.addWidget(editor.widget, row, column * 2 + 1)
            self._editors[spec.path] = editor
            self._labels[spec.path] = label
        self._retranslate_fields()

    def _mark_dirty(self) -> None:
        changes = self.changes()
        for path, editor in self._editors.items():
            set_role(editor.widget, "true" if path in changes else "false", "dirty")
        self.save_button.setEnabled(bool(changes))
        self.revert_button.setEnabled(bool(changes))

    def _spec(self, path: str) -> FieldSpec:
        return next(s for s in self._specs if s.path == path)

    # -- header --------------------------------------------------------------------------------------

    def _show_header(self) -> None:
        if self._data is None:
            return
        contact = self._data.contact
        set_plain(self.name, contact.name or self.tr("(no name)"))
        set_plain(self.phones, ", ".join(contact.phones))
        set_plain(self.segment, contact.segment or "")
        self.segment.setVisible(bool(contact.segment))
        channel = contact.preferred_channel
        set_plain(
            self.channel,
            self.tr("Prefers: %1").replace(
                "%1", display(FieldSpec("preferred_channel", "choice"), channel.value)
            )
            if channel
            else "",
        )
        self.channel.setVisible(channel is not None)
        names = {
            "call": self.tr("Calls"),
            "sms": self.tr("SMS"),
            "email": self.tr("E-mail"),
            "marketing": self.tr("Marketing"),
        }
        for flag, badge in self.consent.items():
            value = getattr(contact.consent, flag)
            mark = "?" if value is None else "✓" if value else "✗"
            set_plain(badge, f"{names[flag]} {mark}")
            set_role(badge, "neutral" if value is None else "success" if value else "danger", "badge")
            badge.setToolTip(self.tr("Consent not recorded") if value is None else "")
        self._show_local_time()
        self._show_callback()

    def _show_callback(self) -> None:
        at = open_callback(self._history)
        zone = self._data.contact.time_zone if self._data else None
        if at is None:
            self.callback.hide()
            return
        local = client_time(zone, at)
        when = f"{local.local:%d.%m %H:%M}" if local is not None else f"{at.astimezone():%d.%m %H:%M}"
        set_plain(self.callback, self.tr("Open callback: %1").replace("%1", when))
        self.callback.show()

    def _show_local_time(self) -> None:
        contact = self._data.contact if self._data else None
        now = client_time(contact.time_zone if contact else None, self._clock())
        if now is None:
            set_plain(self.local_time, self.tr("Client's time unknown"))
            self.light.hide()
            return
        set_plain(self.local_time, self.tr("Client's time %1").replace("%1", f"{now.local:%H:%M}"))
        self.light.show()
        set_plain(self.light, self.tr("good time to call") if now.open else self.tr("outside business hours"))
        set_role(self.light, "success" if now.open else "danger", "badge")

    # -- language ------------------------------------------------------------------------------------

    def _label_text(self, spec: FieldSpec) -> str:
        if spec.custom is not None:
            return pick(spec.custom.label_en, spec.custom.label_ru)
        return {
            "name": self.tr("Name"),
            "phones": self.tr("Phones"),
            "preferred_channel": self.tr("Preferred channel"),
            "consent.call": self.tr("Consent: calls"),
            "consent.sms": self.tr("Consent: SMS"),
            "consent.email": self.tr("Consent: e-mail"),
            "consent.marketing": self.tr("Consent: marketing"),
            "segment": self.tr("Segment"),
            "city": self.tr("City"),
            "time_zone": self.tr("Time zone"),
            "email": self.tr("E-mail"),
            "birthday": self.tr("Birthday"),
        }[spec.path]

    def _retranslate_fields(self) -> None:
        for path, label in self._labels.items():
            spec = self._spec(path)
            set_plain(label, self._label_text(spec) + (" *" if spec.required else ""))
            self._editors[path].retranslate()

    def retranslate(self) -> None:
        """Re-set the texts (field labels included) in the current language."""
        self.save_button.setText(self.tr("Save (Ctrl+S)"))
        self.revert_button.setText(self.tr("Revert"))
        self.details.header.setText(self.tr("Client &details"))
        self.recent_label.setText(self.tr("Last calls"))
        self._retranslate_fields()
        self._show_header()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
