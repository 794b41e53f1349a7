"""The team lead's recorded calls of one operator (Team window, "Recorded calls..."): the list of
calls with their scores, the player under it (the card's :class:`~ui.card.player.PlayerBar` driving the
same :class:`~app.workstation.playback.RecordingPlayer`, i.e. the lead's own telephony service's
``play_recording``), and the evaluation form beside it.

Double-click (or Enter on) a call: it is fetched (the server audits the play) and plays in the lead's
headset; an unscored call gets a fresh form, a scored one shows its evaluation. The core
(:class:`~app.quality.scoring.CallScoring`) does the work; this window shows it and sends intents.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.errors import ApiError
from app.quality.scoring import CallScoring
from app.quality.sheet import Incomplete
from app.refused import Refused
from app.wire.quality import ScoredRecording
from ui.card.player import PlayerBar, PlayerControl, clock_text
from ui.labels import format_datetime
from ui.plain import set_plain
from ui.refusals import error_text, refusal_text
from ui.team.score_form import ScoreForm, percent

T = TypeVar("T")


def score_text(call: ScoredRecording) -> str:
    evaluation = call.evaluation
    if evaluation is None:
        return ""
    if evaluation.critical_failed:
        return QCoreApplication.translate("ScoringWindow", "%1 (critical)").replace(
            "%1", percent(evaluation.score)
        )
    return percent(evaluation.score)


class ScoringWindow(QWidget):
    """One operator's recorded calls, the player and the form (module notes)."""

    sig_done = Signal(str)
    """An action finished: an empty text, or why it failed (shown in ``message``)."""

    def __init__(self, scoring: CallScoring, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoringWindow")
        self.scoring = scoring
        self._tasks: set[asyncio.Task[Any]] = set()
        self._error: str | None = None
        self.calls = QTreeWidget(self)
        self.calls.setColumnCount(4)
        self.calls.setRootIsDecorated(False)
        self.calls.itemActivated.connect(self._activated)
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.reload)
        self.player = PlayerBar(self)
        self.control = PlayerControl(self.player, scoring.player, self._run_quietly)
        self.form = ScoreForm(self)
        self.form.save_requested.connect(self.save)
        self.form_label = QLabel(self)
        self.form_choice = QComboBox(self)  # shown when the admins defined more than one form
        self.form_label.setBuddy(self.form_choice)
        self.form_choice.activated.connect(self._form_chosen)
        self.form_label.hide()
        self.form_choice.hide()
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.calls, 1)
        column.addWidget(self.player)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        chooser = QHBoxLayout()
        chooser.addWidget(self.form_label)
        chooser.addWidget(self.form_choice, 1)
        side.addLayout(chooser)
        side.addWidget(self.form, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.sig_done.connect(self._done)
        self.retranslate()
        self.resize(1100, 640)

    # ----- loading ----------------------------------------------------------------------------

    def open_operator(self, operator: str) -> None:
        """Show ``operator``'s recorded calls (read now)."""
        self.form.clear()
        self.calls.clear()
        self.scoring.operator = operator  # the title says whose calls while they are read
        self._run(self.scoring.load(operator), lambda _calls: self._show_calls())
        self.retranslate()

    def reload(self) -> None:
        if self.scoring.operator is not None:
            self._run(self.scoring.load(self.scoring.operator), lambda _calls: self._show_calls())

    def _show_calls(self) -> None:
        chosen = self.current_recording()
        self.calls.clear()
        for call in self.scoring.calls:
            recording = call.recording
            row = QTreeWidgetItem(
                [
                    format_datetime(recording.started_at),
                    clock_text(recording.seconds),
                    recording.queue or "",
                    score_text(call),
                ]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, recording.id)
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.calls.addTopLevelItem(row)
            if recording.id == chosen:
                self.calls.setCurrentItem(row)
        self.calls.resizeColumnToContents(0)  # the whole date and time, never "06.12.2026 1..."
        if not self.scoring.calls:
            self._done(self.tr("No recorded calls of this operator"))
        elif not self.scoring.forms:
            self._done(self.tr("No evaluation form is defined yet: an administrator adds one"))
        else:
            self._done("")

    def current_recording(self) -> int | None:
        row = self.calls.currentItem()
        return int(row.data(0, Qt.ItemDataRole.UserRole)) if row is not None else None

    # ----- listening and scoring --------------------------------------------------------------

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        recording_id = int(row.data(0, Qt.ItemDataRole.UserRole))
        self.open_call(recording_id)

    def open_call(self, recording_id: int) -> None:
        """Play the call and put its form (or its evaluation) beside the player."""
        call = self.scoring.find(recording_id)
        if call.evaluation is not None:
            self.scoring.sheet = None
            self.form.show_evaluation(call.evaluation)
        else:
            self._start_sheet(recording_id, self.form_choice.currentData())
        self._show_form_choice(scoring_open=call.evaluation is None)
        self.control.act(lambda _player: self.scoring.listen(recording_id))

    def _start_sheet(self, recording_id: int, form_id: int | None) -> None:
        sheet = self.scoring.start_sheet(recording_id, form_id)
        if sheet is not None:
            self.form.edit(sheet)
        else:
            self.form.clear()

    def _show_form_choice(self, *, scoring_open: bool) -> None:
        """The forms to score on, when there is a choice (the first is the default); admin-written
        names, so plain text. Hidden while an evaluation is shown: it keeps the form it was scored on."""
        chosen = self.form_choice.currentData()
        self.form_choice.clear()
        for form in self.scoring.forms:
            self.form_choice.addItem(form.name, form.id)
        if chosen is not None and self.form_choice.findData(chosen) >= 0:
            self.form_choice.setCurrentIndex(self.form_choice.findData(chosen))
        several = len(self.scoring.forms) > 1 and scoring_open
        self.form_label.setVisible(several)
        self.form_choice.setVisible(several)

    def _form_chosen(self, _index: int) -> None:
        """Another form for the call open now: a fresh sheet on it (answers on the other are dropped,
        as they answer other questions)."""
        recording_id = self.current_recording()
        if recording_id is not None and self.scoring.find(recording_id).evaluation is None:
            self._start_sheet(recording_id, self.form_choice.currentData())

    def save(self) -> None:
        async def save() -> None:
            try:
                saved = await self.scoring.save()
            except Incomplete:
                self.sig_done.emit(self.tr("Answer every question first"))
                return
            self._show_calls()
            self.form.show_evaluation(saved)
            self.sig_done.emit(self.tr("Saved: %1").replace("%1", percent(saved.score)))

        self._run(save(), lambda _none: None)

    # ----- plumbing ---------------------------------------------------------------------------

    def _run(self, action: Awaitable[T], then: Callable[[T], None]) -> None:
        """Run ``action`` on the desktop's loop, then ``then``; a refusal is shown, never raised."""

        async def run() -> None:
            try:
                result = await action
            except ApiError as exc:
                self.sig_done.emit(self.tr("Refused: %1").replace("%1", error_text(exc)))
                return
            except Refused as refused:
                self.sig_done.emit(refusal_text(refused))
                return
            then(result)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _run_quietly(self, action: Awaitable[Any]) -> None:
        """The player's intents: a failure (a phone refusing during a call) is shown too."""
        self._run(action, lambda _none: None)

    def _done(self, text: str) -> None:
        self._error = text
        set_plain(self.message, text)

    def retranslate(self) -> None:
        operator = self.scoring.operator or ""
        self.setWindowTitle(self.tr("Recorded calls: %1").replace("%1", operator))
        self.calls.setHeaderLabels([self.tr("Call"), self.tr("Length"), self.tr("Queue"), self.tr("Score")])
        self.refresh_button.setText(self.tr("Refresh"))
        self.form_label.setText(self.tr("&Form:"))
        for index in range(self.calls.topLevelItemCount()):
            row = self.calls.topLevelItem(index)
            if row is not None:
                rec_id = int(row.data(0, Qt.ItemDataRole.UserRole))
                row.setText(3, score_text(self.scoring.find(rec_id)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: Any) -> None:
        """Closed: the playback stops (the lead's headset is theirs again)."""
        self.control.act(lambda player: player.stop())
        super().closeEvent(event)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.close()
