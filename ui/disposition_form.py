"""The disposition form of after-call work: one key picks the code, then comment and callback time as
the code requires, Ctrl+Return finishes.

Keyboard flow: the code list has the focus when the form opens; a digit picks the code with that hotkey
(Alt+digit works from anywhere in the window); Tab reaches the comment, then the callback time; Return in
the list or Ctrl+Return anywhere submits. The form checks only the code's flags (comment or callback
required, callback in the future) to say what is missing before the operator sends; the core and the
server apply :func:`app.wire.dispositions.check_disposition` to what is sent.

The list is read at a glance (issue 13): only the codes that fit the call (an answered incoming call
cannot be "no answer"), the queue's own codes first, every code with its key and its category in words
beside its colour, the caller's name above, and nothing red before the operator did anything. A time box
counts down in one place, the header: amber in its last fifth, red at zero.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.session.phase import Direction
from app.wire.dispositions import DispositionCategory, DispositionCode
from ui.actions import DISPOSITION_KEYS, ActionCollection, ActionId
from ui.disposition_codes import category_text, keys_for, offered, swatch
from ui.elapsed import Clock, ElapsedLabel, utc_now
from ui.i18n import pick
from ui.labels import zone_label
from ui.lazy import settle
from ui.plain import plain_label, set_plain
from ui.theme import category_colour, set_role
from ui.tool_buttons import keep_in_step


@dataclass(frozen=True)
class AcwView:
    """After-call work as configured: when it began, its time box, and whether it may be skipped."""

    started: datetime
    limit: timedelta | None = None
    """Time-boxed ACW: when it runs out the core stamps a system code; the form counts down."""
    can_skip: bool = False
    """Optional ACW: the operator may leave without a code."""


@dataclass(frozen=True)
class DispositionRequest:
    """What the form offers after a call."""

    codes: list[DispositionCode]
    acw: AcwView
    suggested: str | None = None
    """The code the script suggests; preselected."""
    time_zone: str | None = None
    """The client's zone: the callback time is typed in the client's wall-clock time."""
    caller: str | None = None
    """Whose call this is (the contact's name and number, outside text): shown above the codes, so a
    form opened while another call rings cannot be mistaken for that call's."""
    direction: Direction | None = None
    """An incoming call was answered, so "not reached" codes do not fit it; ``None``: offer all."""


@dataclass(frozen=True)
class DispositionChoice:
    """The operator's disposition, ready for the core to turn into a :class:`DispositionIn`."""

    code: str
    comment: str = ""
    callback_at: datetime | None = None
    """Aware, in the client's zone when known."""


class DispositionForm(QFrame):
    """Codes (1-9), comment, callback time, the ACW timer and Finish."""

    submit_requested = Signal(object)
    """A valid :class:`DispositionChoice`."""
    skip_requested = Signal()
    draft_changed = Signal(object)
    """What the form holds now, as a :class:`DispositionChoice` (code ``""`` when none is chosen): saved
    as the operator types so a crash brings the same form back."""
    """Leave optional after-call work without a disposition."""

    def __init__(
        self, actions: ActionCollection, parent: QWidget | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self.setProperty("panel", True)
        self._actions = actions
        self._clock = clock
        self._request: DispositionRequest | None = None
        self._codes: list[DispositionCode] = []
        self._keys: list[int | None] = []
        self._acted = False
        """Whether the operator did anything in this form: before that, nothing is shown in red."""
        self._quiet = False
        self._built = False
        actions[ActionId.SUBMIT_DISPOSITION].triggered.connect(self._submit)
        for n, action_id in enumerate(DISPOSITION_KEYS, start=1):
            actions[action_id].triggered.connect(lambda _=False, k=n: self.pick_hotkey(k))
        self.show_closed()

    def _build(self) -> None:
        """The form's widgets, made for the first after-call work: the idle desktop never shows them
        (issue 5)."""
        if self._built:
            return
        self._built = True
        self.title = plain_label()
        set_role(self.title, "title")
        self.caller = plain_label()
        self.timer = ElapsedLabel(clock=self._clock)
        self.timer.setObjectName("acwCountdown")
        self.codes = QListWidget()
        self.codes.installEventFilter(self)
        self.codes.currentRowChanged.connect(self._changed)
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(80)
        self.comment.textChanged.connect(self._changed)
        self.callback = QDateTimeEdit()
        self.callback.setCalendarPopup(True)
        self.callback.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.callback.dateTimeChanged.connect(self._changed)
        self.callback_label = plain_label()
        self.problem = plain_label()
        set_role(self.problem, "error")
        self.submit = QToolButton()
        keep_in_step(self.submit).setDefaultAction(self._actions[ActionId.SUBMIT_DISPOSITION])
        self.submit.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.skip = QPushButton()
        self.skip.clicked.connect(self.skip_requested)

        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.caller, 1)
        header.addWidget(self.timer)
        self.fields = QFormLayout()
        self.fields.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.comment_label = plain_label()
        self.fields.addRow(self.comment_label, self.comment)
        self.fields.addRow(self.callback_label, self.callback)
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.skip)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.codes)
        layout.addLayout(self.fields)
        layout.addLayout(buttons)
        self.setTabOrder(self.codes, self.comment)
        self.setTabOrder(self.comment, self.callback)
        self.retranslate()
        settle(self, self)

    def show_form(self, request: DispositionRequest) -> None:
        """Open the form for after-call work; the suggested code is preselected and the list focused."""
        self._build()
        self._request = request
        self._acted = False
        self._codes = offered(request.codes, request.direction)
        self._keys = keys_for(self._codes)
        set_plain(self.caller, request.caller or "")
        self._quiet = True
        try:
            self._fill_codes()
            self.comment.clear()
            suggested = next((i for i, c in enumerate(self._codes) if c.code == request.suggested), -1)
            self.codes.setCurrentRow(suggested)
            start = (self._clock() + timedelta(hours=1)).astimezone(self._zone())
            start = start.replace(minute=0, second=0, microsecond=0)
            self.callback.setDateTime(
                QDateTime(QDate(start.year, start.month, start.day), QTime(start.hour, 0))
            )
        finally:
            self._quiet = False
        self.timer.start(request.acw.started, limit=request.acw.limit)
        self.skip.setVisible(request.acw.can_skip)
        for action_id in (*DISPOSITION_KEYS, ActionId.SUBMIT_DISPOSITION):
            self._actions[action_id].setEnabled(True)
        self.retranslate()
        self.show()
        self.codes.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_caller(self, caller: str) -> None:
        """Whose call it is, when the caller's name arrives after the form opened."""
        if self._built:
            set_plain(self.caller, caller)

    def show_closed(self) -> None:
        """After-call work is over: hide the form and disable its hotkeys."""
        self._request = None
        if self._built:
            self.timer.stop()
        for action_id in (*DISPOSITION_KEYS, ActionId.SUBMIT_DISPOSITION):
            self._actions[action_id].setEnabled(False)
        self.hide()

    def pick_hotkey(self, key: int) -> bool:
        """Select the code whose key (as listed) is ``key``; whether there is one."""
        if key in self._keys:
            self._acted = True
            self.codes.setCurrentRow(self._keys.index(key))
            self._validate()
            return True
        return False

    def chosen(self) -> DispositionCode | None:
        """The selected code (none before the form was first opened)."""
        if not self._built:
            return None
        row = self.codes.currentRow()
        return self._codes[row] if 0 <= row < len(self._codes) else None

    def problems(self) -> list[str]:
        """What stops the form from being sent, in the current language."""
        code = self.chosen()
        if code is None:
            return [self.tr("Choose a result (keys 1-9)")]
        problems = []
        if code.comment_required and not self.comment.toPlainText().strip():
            problems.append(self.tr("This result needs a comment"))
        if self._needs_callback(code) and self._callback_at() <= self._clock():
            problems.append(self.tr("The callback time must be in the future"))
        return problems

    def _needs_callback(self, code: DispositionCode) -> bool:
        return code.callback_required or code.category is DispositionCategory.CALLBACK

    def _zone(self) -> zoneinfo.ZoneInfo | None:
        zone = self._request.time_zone if self._request else None
        try:
            return zoneinfo.ZoneInfo(zone) if zone else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None

    def _callback_at(self) -> datetime:
        value = self.callback.dateTime()
        d, t = value.date(), value.time()
        naive = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        zone = self._zone()
        return naive.replace(tzinfo=zone) if zone else naive.astimezone()

    def _fill_codes(self) -> None:
        row = self.codes.currentRow()
        quiet, self._quiet = self._quiet, True
        self.codes.clear()
        for code, key in zip(self._codes, self._keys, strict=True):
            digit = f"{key}   " if key is not None else "     "
            text = f"{digit}{pick(code.label_en, code.label_ru)}  ·  {category_text(code.category)}"
            item = QListWidgetItem(swatch(category_colour(code.category)), text)
            self.codes.addItem(item)
        self.codes.setCurrentRow(row)
        self._quiet = quiet
        # As tall as its codes: the rest of the column belongs to the script panel.
        rows = max(1, self.codes.count())
        self.codes.setFixedHeight(
            rows * max(self.codes.sizeHintForRow(0), 16) + 2 * self.codes.frameWidth() + 4
        )

    def draft(self) -> DispositionChoice:
        """The form's content now, whether or not it could be sent."""
        code = self.chosen()
        callback = self._callback_at() if code is not None and self._needs_callback(code) else None
        return DispositionChoice(code.code if code else "", self.comment.toPlainText(), callback)

    def restore(self, draft: DispositionChoice) -> None:
        """Put back what the operator had typed before the desktop stopped (an open form only)."""
        if self._request is None:
            return
        row = next((i for i, c in enumerate(self._codes) if c.code == draft.code), -1)
        self._quiet = True
        try:
            if row >= 0:
                self.codes.setCurrentRow(row)
            self.comment.setPlainText(draft.comment)
            if draft.callback_at is not None:
                local = draft.callback_at.astimezone(self._zone())
                self.callback.setDateTime(
                    QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
                )
        finally:
            self._quiet = False
        self._acted = bool(draft.code or draft.comment)  # what was typed before the restart counts
        self._validate()

    def _changed(self) -> None:
        """The operator changed something (not the form filling itself): problems may show now."""
        if not self._quiet:
            self._acted = True
        self._validate()

    def _validate(self) -> None:
        if self._request is not None:
            self.draft_changed.emit(self.draft())
        code = self.chosen()
        needs_callback = code is not None and self._needs_callback(code)
        self.callback.setVisible(needs_callback)
        self.callback_label.setVisible(needs_callback)
        required = code is not None and code.comment_required
        self.comment_label.setText(self.tr("Comment (required)") if required else self.tr("Comment"))
        problems = self.problems() if self._acted else []
        set_plain(self.problem, problems[0] if problems else "")

    def _submit(self) -> None:
        code = self.chosen()
        if self._request is None:
            return
        self._acted = True
        if code is None or self.problems():
            self._validate()
            self._focus_first_problem()
            return
        callback = self._callback_at() if self._needs_callback(code) else None
        self.submit_requested.emit(DispositionChoice(code.code, self.comment.toPlainText().strip(), callback))

    def show_problem(self, text: str) -> None:
        """Say why the result was not taken (the local store failed); the form stays as typed."""
        if self._built:
            set_plain(self.problem, text)

    def _focus_first_problem(self) -> None:
        code = self.chosen()
        if code is None:
            self.codes.setFocus()
        elif code.comment_required and not self.comment.toPlainText().strip():
            self.comment.setFocus()
        else:
            self.callback.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.codes and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            if (
                len(text) == 1
                and text in "123456789"
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ):
                self.pick_hotkey(int(text))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._submit()
                return True
        return super().eventFilter(watched, event)

    def retranslate(self) -> None:
        """Re-set the texts (and the catalogue labels) in the current language; nothing to do before
        the form was first opened."""
        if not self._built:
            return
        self.title.setText(self.tr("Call result"))
        self.skip.setText(self.tr("Skip"))
        zone = self._request.time_zone if self._request else None
        self.callback_label.setText(
            self.tr("Call back at (client's time, %1)").replace("%1", zone_label(zone) or zone)
            if zone
            else self.tr("Call back at")
        )
        self._fill_codes()
        self._validate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
