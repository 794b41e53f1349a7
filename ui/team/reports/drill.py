"""The calls behind a report figure (Reports window, double-click a count): one line per call or
disposition, and for the chosen one a summary below: its disposition, the operator's comment and
script answers (plain text: they are the operator's words). Enter or a double-click opens the call
(:mod:`ui.team.reports.call_card`: the client's card, the script answers, the recordings to play).
Read-only: nothing here changes a call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.wire.reports import DrillCall, DrillDown
from ui.elapsed import format_duration
from ui.labels import disposition_label, format_datetime
from ui.plain import set_plain


class DrillWindow(QWidget):
    """A figure's calls (module notes)."""

    def __init__(
        self, open_call: Callable[[DrillCall], None] = lambda _call: None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("drillWindow")
        self.drill: DrillDown | None = None
        self.list = QTreeWidget(self)
        self.list.setRootIsDecorated(False)
        self.list.setColumnCount(8)
        self.list.currentItemChanged.connect(self._chosen)
        self.list.itemActivated.connect(lambda item, _col: self._open(item))
        self._open_call = open_call
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QPlainTextEdit(self)  # plain: the operator's comment and answers
        self.details.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.list)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.retranslate()
        self.resize(980, 560)

    def show_calls(self, drill: DrillDown) -> None:
        self.drill = drill
        self.list.clear()
        for index, call in enumerate(drill.calls):
            item = QTreeWidgetItem(
                [
                    format_datetime(call.at) if call.at is not None else "",
                    call.caller or "",
                    call.queue or "",
                    call.dnis or "",
                    call.operator or "",
                    disposition_label(call.code) if call.code else "",
                    format_duration(call.talk_seconds) if call.talk_seconds is not None else "",
                    self.tr("yes") if call.recording_id is not None else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            self.list.addTopLevelItem(item)
        for column in range(self.list.columnCount()):
            self.list.resizeColumnToContents(column)
        self.details.clear()
        self.retranslate()
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)

    def call(self, item: QTreeWidgetItem | None) -> DrillCall | None:
        if item is None or self.drill is None:
            return None
        return self.drill.calls[int(item.data(0, Qt.ItemDataRole.UserRole))]

    def _chosen(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        call = self.call(item)
        if call is None:
            self.details.clear()
            return
        lines = [self.tr("Call %1").replace("%1", call.call_id)]
        if call.outcome:
            outcomes = {
                "accepted": self.tr("answered"),
                "missed": self.tr("missed"),
                "non_target": self.tr("hung up in the greeting (non-target)"),
            }
            lines.append(self.tr("Outcome: %1").replace("%1", outcomes.get(call.outcome, call.outcome)))
        if call.code:
            lines.append(self.tr("Disposition: %1").replace("%1", disposition_label(call.code)))
        if call.talk_seconds is not None:
            lines.append(
                self.tr("Talk %1, hold %2, after-call work %3")
                .replace("%1", format_duration(call.talk_seconds))
                .replace("%2", format_duration(call.hold_seconds or 0))
                .replace("%3", format_duration(call.acw_seconds or 0))
            )
        if call.comment:
            lines.append(self.tr("Comment: %1").replace("%1", call.comment))
        if call.script_answers:
            lines.append(self.tr("Script answers:"))
            lines.extend(f"  {key}: {value}" for key, value in call.script_answers.items())
        if call.recording_id is None:
            lines.append(self.tr("No recording"))
        lines.append(
            self.tr(
                "Enter or double-click opens the call: the client's card, the script answers, the recording"
            )
        )
        self.details.setPlainText("\n".join(lines))

    def _open(self, item: QTreeWidgetItem) -> None:
        call = self.call(item)
        if call is not None:
            self._open_call(call)

    def retranslate(self) -> None:
        self.list.setHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Caller"),
                self.tr("Queue"),
                self.tr("Line"),
                self.tr("Operator"),
                self.tr("Disposition"),
                self.tr("Talk"),
                self.tr("Recording"),
            ]
        )
        drill = self.drill
        if drill is not None:
            self.setWindowTitle(self.tr("Calls behind the figure (%1)").replace("%1", str(len(drill.calls))))
            set_plain(
                self.summary,
                self.tr("%1 to %2, %3 calls")
                .replace("%1", format_datetime(drill.since))
                .replace("%2", format_datetime(drill.until))
                .replace("%3", str(len(drill.calls))),
            )
        else:
            self.setWindowTitle(self.tr("Calls behind the figure"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
