"""The Reports window (Team window, "Reports...", Alt+R or Ctrl+Shift+R): the historical call
report for a period, cut by interval and grouped by queue, team, operator, advertising line or
disposition; the per-operator analytics with each team's median; exports of either as the server
writes them (CSV in
UTF-8 with a BOM, CSV in Windows-1251 for Russian Excel, XLSX) to a file the lead chooses; a
double-click on a counted figure lists the calls behind it (:mod:`ui.team.reports.drill`).

The core (:class:`~app.reports.state.ReportDesk`) asks and keeps the answers; a failure is shown in
``message`` and leaves the tables and the lead's choices as they were. Requests run as tasks of the
desktop's one asyncio loop; the save dialog opens with ``open()``, never ``exec()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.client.errors import ApiError
from app.reports.state import EXPORTS, ExportKind, ReportDesk
from app.wire.reports import CallCard, DrillCall, DrillDown, GroupBy, Interval, OperatorReport, Report
from ui.i18n import Language, language
from ui.plain import set_plain
from ui.refusals import error_text
from ui.team.reports.charts_page import ChartsPage
from ui.team.reports.figures import (
    group_names,
    interval_names,
)
from ui.team.reports.tables import FIGURE_ROLE, ROW_ROLE, fill_calls, fill_operators, report_table

T = TypeVar("T")
PathChooser = Callable[[str, Callable[[Path], None]], None]


class ReportsWindow(QWidget):
    """Historical reports (module notes)."""

    sig_done = Signal(str)
    """A request finished: an empty text, or why it failed (shown in ``message``)."""
    sig_shown = Signal()
    """A report arrived and the tables show it."""
    sig_drilled = Signal(object)
    """The calls behind a figure arrived (a :class:`DrillDown`) and their window is open."""
    sig_card = Signal(object)
    """A call of a drill-down opened (a :class:`CallCard`) and its window shows it."""

    def __init__(self, desk: ReportDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsWindow")
        self.desk = desk
        self._tasks: set[asyncio.Task[Any]] = set()
        self._error: str | None = None
        self._status: tuple[str, str] | None = None
        self.ask_path: PathChooser = self._ask_path
        """How a save path is asked (a test gives its own)."""
        self.save_dialog: QFileDialog | None = None
        self.drill_window: QWidget | None = None
        self.card_window: QWidget | None = None
        self._player: Callable[[], Any] = lambda: None

        self.first_label, self.last_label = QLabel(self), QLabel(self)
        self.first_edit, self.last_edit = QDateEdit(self), QDateEdit(self)
        for label, edit in ((self.first_label, self.first_edit), (self.last_label, self.last_edit)):
            edit.setCalendarPopup(True)
            label.setBuddy(edit)
        query = desk.query
        self.first_edit.setDate(QDate(query.first.year, query.first.month, query.first.day))
        self.last_edit.setDate(QDate(query.last.year, query.last.month, query.last.day))
        self.interval_label, self.interval_box = QLabel(self), QComboBox(self)
        self.by_label, self.by_box = QLabel(self), QComboBox(self)
        self.interval_label.setBuddy(self.interval_box)
        for box in (self.interval_box, self.by_box):  # "Без группировки" whole
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.by_label.setBuddy(self.by_box)
        self.show_button = QPushButton(self)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.reload)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind in EXPORTS:
            button = QPushButton(self)
            button.clicked.connect(lambda _=False, k=kind: self.export(k))
            self.export_buttons[kind.key] = button
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)

        self.calls = report_table(self)
        self.calls.cellActivated.connect(self._activated)
        self.calls.cellDoubleClicked.connect(self._activated)
        self.operators = report_table(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.calls, "")
        self.tabs.addTab(self.operators, "")
        self.charts_page = ChartsPage(desk, self)
        self.chart_box, self.chart = self.charts_page.chooser, self.charts_page.chart
        self.tabs.addTab(self.charts_page, "")

        controls = QHBoxLayout()
        for widget in (
            self.first_label,
            self.first_edit,
            self.last_label,
            self.last_edit,
            self.interval_label,
            self.interval_box,
            self.by_label,
            self.by_box,
            self.show_button,
        ):
            controls.addWidget(widget)
        controls.addStretch(1)
        exports = QHBoxLayout()
        for button in self.export_buttons.values():
            exports.addWidget(button)
        exports.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(exports)
        layout.addWidget(self.message)
        self.sig_done.connect(self._done)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.reload)
        self.retranslate()
        self.resize(1200, 640)

    # ----- what to ask ------------------------------------------------------------------------

    def _choices(self) -> None:
        """Hand the lead's choices to the core (the next request asks them)."""
        first, last = self.first_edit.date().toPython(), self.last_edit.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        step = str(self.interval_box.currentData() or "")
        self.desk.choose(
            first=first,
            last=last,
            interval=Interval(step) if step else None,
            by=GroupBy(self.by_box.currentData()),
        )
        if self.desk.query.last != last:  # "to" before "from": one day
            self.last_edit.setDate(self.first_edit.date())

    def reload(self) -> None:
        """Show (F5): both reports for the chosen period."""
        self._choices()
        self.show_status("loading")
        self._run(self.desk.load(), self._show_calls)
        self._run(self.desk.load_operators(), self._show_operators)
        self._run(self.desk.load_charts(), lambda _reports: self.charts_page.draw())

    # ----- showing ----------------------------------------------------------------------------

    def _show_calls(self, report: Report) -> None:
        fill_calls(self.calls, report)
        self.show_status("")
        self.sig_shown.emit()

    def _show_operators(self, report: OperatorReport) -> None:
        fill_operators(self.operators, report)
        self.charts_page.draw()

    def cell_text(self, table: QTableWidget, row: int, header: str) -> str:
        """The text under ``header`` in ``row`` (tests read the table as the lead reads it)."""
        for column in range(table.columnCount()):
            head = table.horizontalHeaderItem(column)
            if head is not None and head.text() == header:
                item = table.item(row, column)
                return item.text() if item is not None else ""
        raise KeyError(header)

    # ----- drill-down -------------------------------------------------------------------------

    def _activated(self, row: int, column: int) -> None:
        """Double-click / Enter on a counted figure: the calls behind it."""
        item = self.calls.item(row, column)
        if item is None or item.data(FIGURE_ROLE) is None:
            return
        figure, index = str(item.data(FIGURE_ROLE)), int(item.data(ROW_ROLE))
        self._run(self.desk.calls_behind(None if index < 0 else index, figure), self._show_drill)

    def _show_drill(self, drill: DrillDown) -> None:
        from ui.team.reports.drill import DrillWindow

        if self.drill_window is None:
            self.drill_window = DrillWindow(self.open_call)
        assert isinstance(self.drill_window, DrillWindow)
        self.drill_window.show_calls(drill)
        self.drill_window.show()
        self.drill_window.raise_()
        self.sig_drilled.emit(drill)

    def open_call(self, call: DrillCall) -> None:
        """Enter / double-click on a listed call: its card (contact, script answers, recordings)."""
        self._run(self.desk.call_card(call.call_id), self._show_card)

    def _show_card(self, card: CallCard) -> None:
        from ui.team.reports.call_card import CallCardWindow

        if self.card_window is None:
            self.card_window = CallCardWindow(self._run_quietly, self._player)
        assert isinstance(self.card_window, CallCardWindow)
        self.card_window.show_card(card)
        self.card_window.show()
        self.card_window.raise_()
        self.card_window.activateWindow()
        self.sig_card.emit(card)

    def attach_player(self, player: Callable[[], Any]) -> None:
        """The recording player an opened call's recordings play through (the lead's own service)."""
        self._player = player

    # ----- exports ----------------------------------------------------------------------------

    def export(self, kind: ExportKind) -> None:
        """Ask where, then save the server's export of what is chosen (the tab says which report)."""
        self._choices()
        operators = self.tabs.currentWidget() is self.operators
        name = self.desk.suggested_name(kind, operators=operators)
        self.ask_path(name, lambda path: self._save(kind, path, operators=operators))

    def _save(self, kind: ExportKind, path: Path, *, operators: bool) -> None:
        self.show_status("saving")
        self._run(
            self.desk.export(kind, path, operators=operators),
            lambda _file: self.show_status("saved", str(path)),
        )

    def _ask_path(self, name: str, then: Callable[[Path], None]) -> None:
        dialog = QFileDialog(self, self.tr("Save report"), str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.fileSelected.connect(lambda chosen: then(Path(chosen)))
        self.save_dialog = dialog
        dialog.open()

    # ----- plumbing ---------------------------------------------------------------------------

    def _run(self, action: Awaitable[T], then: Callable[[T], None]) -> None:
        """Run ``action`` on the desktop's loop, then ``then``; a failure is shown, never raised."""

        async def run() -> None:
            try:
                result = await action
            except ApiError as exc:
                self.sig_done.emit(error_text(exc))
                return
            except OSError as exc:  # the chosen file could not be written
                self.sig_done.emit(
                    self.tr("Could not save the file: %1").replace("%1", exc.strerror or str(exc))
                )
                return
            then(result)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _run_quietly(self, action: Awaitable[Any]) -> None:
        self._run(action, lambda _result: None)

    def _done(self, error: str) -> None:
        self._error = error
        self._status = None
        set_plain(self.message, self.tr("Failed: %1").replace("%1", error) if error else "")

    def show_status(self, what: str, detail: str = "") -> None:
        """``loading``, ``saving``, ``saved`` (``detail``: where) or nothing."""
        self._error = None
        self._status = (what, detail) if what else None
        texts = {
            "loading": self.tr("Loading..."),
            "saving": self.tr("Saving..."),
            "saved": self.tr("Saved to %1").replace("%1", detail),
        }
        set_plain(self.message, texts.get(what, ""))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Reports"))
        self.first_label.setText(self.tr("&From:"))
        self.last_label.setText(self.tr("&To:"))
        self.interval_label.setText(self.tr("&Interval:"))
        self.by_label.setText(self.tr("&Group by:"))
        self.show_button.setText(self.tr("&Show"))
        self.tabs.setTabText(0, self.tr("Calls"))
        self.tabs.setTabText(1, self.tr("Operators"))
        self.tabs.setTabText(2, self.tr("Charts"))
        names = {
            "csv_utf8": self.tr("Export CSV (UTF-8)"),
            "csv_cp1251": self.tr("Export CSV (Excel, Windows-1251)"),
            "xlsx": self.tr("Export XLSX"),
        }
        for key, button in self.export_buttons.items():
            button.setText(names[key])
        for box, items, current in (
            (
                self.interval_box,
                interval_names(),
                self.desk.query.interval.value if self.desk.query.interval else "",
            ),
            (self.by_box, group_names(), self.desk.query.by.value),
        ):
            box.blockSignals(True)
            box.clear()
            for value, text in items:
                box.addItem(text, value)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)
        self.first_edit.setDisplayFormat("dd.MM.yyyy" if language() is Language.RU else "yyyy-MM-dd")
        self.last_edit.setDisplayFormat(self.first_edit.displayFormat())
        if self._error is not None:
            self._done(self._error)
        elif self._status is not None:
            self.show_status(*self._status)
        if self.desk.report is not None:
            self._show_calls(self.desk.report)
        if self.desk.operators is not None:
            self._show_operators(self.desk.operators)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for window in (self.card_window, self.drill_window):
            if window is not None:
                window.close()
                # Deleted now, on the GUI thread: these windows sit in reference cycles (their
                # signals' lambdas), and a cycle collected by Python's GC in another thread would
                # destroy them there, leaving Qt a dangling timer (a crash at the next event).
                window.deleteLater()
        self.card_window = self.drill_window = None
        self.close()
