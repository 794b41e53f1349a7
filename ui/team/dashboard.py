"""The Team window's Dashboard tab: today so far, per queue (calls waiting and the longest wait when
the PBX reports them, service level with the queue's N, abandoned, missed not called back yet, AHT)
and per operator (status now and for how long, handled, AHT, ACW share, time in each status,
occupancy, plan completion). The status cell is coloured by the same thresholds as the board
(:func:`~ui.team.model.alert_colour`); the service level amber under 80 % and red under 60 %; the
longest wait amber past the queue's service level N and red past twice N
(:func:`~app.reports.live.wait_alert`; the *All queues* row: its worst queue's colour), and it
moves on each second while someone waits. The note under the queues says why the waiting cells
are empty: no PBX adapter is configured, or its connection is down.

The figures are the server's (:class:`~app.reports.live.LiveFigures`), re-read soon after each
status change the board's feed pushes (:meth:`poke`) and every few seconds; the statuses and
times in status are the board's own (:class:`~app.team.board.TeamBoard`), ticking each second.
The Wallboard button opens the same figures full screen (:mod:`ui.team.wallboard`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.reports.live import LiveFigures, acw_share, status_times, wait_alert
from app.team.board import Alert
from app.wire.reports import LiveQueue, LiveReport
from ui.elapsed import format_duration
from ui.labels import reason_label
from ui.plain import set_plain
from ui.refusals import error_text
from ui.status_menu import status_text
from ui.team.model import TeamTableModel, alert_colour
from ui.team.reports.figures import no_group, value_text
from ui.theme import colours

SL_AMBER, SL_RED = 0.8, 0.6
"""Service level under these shares shows amber, then red."""


def sl_colour(level: float | None) -> QColor | None:
    if level is None or level >= SL_AMBER:
        return None
    colour = QColor(colours().danger if level < SL_RED else colours().warning)
    colour.setAlpha(70)
    return colour


Cell = tuple[str, bool, "QColor | None"]
"""A cell's text, whether it is a number (right-aligned), its background (``None``: none)."""


def _cell(text: str, *, number: bool = True, colour: QColor | None = None) -> Cell:
    return (text, number, colour)


def _fill(
    table: QTableWidget, row: int, cells: list[Cell], shown: list[Cell] | None, *, bold: bool = False
) -> bool:
    """Show ``cells`` in ``row``, changing in place only the items whose cell differs from what is
    ``shown`` (a read, or each second's tick, creates no item once the row exists and touches only
    what moved: 40 operators cost well under a millisecond a tick); whether a text changed length
    (the widths may need a look)."""
    changed = False
    for column, cell in enumerate(cells):
        if shown is not None and column < len(shown) and shown[column] == cell:
            continue
        text, number, colour = cell
        item = table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if number:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
        if item.text() != text:
            changed = changed or len(text) != len(item.text())
            item.setText(text)
        if item.font().bold() != bold:
            font = item.font()
            font.setBold(bold)
            item.setFont(font)
        background = item.background()
        if colour is None and background.style() != Qt.BrushStyle.NoBrush:
            item.setBackground(QBrush())
        elif colour is not None and background.color() != colour:
            item.setBackground(colour)
    return changed


def _table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    return table


def waiting_text(queue: LiveQueue) -> str:
    return "" if queue.waiting is None else str(queue.waiting)


def longest_text(seconds: float | None) -> str:
    return "" if seconds is None else format_duration(seconds)


def wait_alerts(figures: LiveFigures, report: LiveReport) -> list[tuple[float | None, Alert]]:
    """Each queue's longest wait now and its colour, then the total's (its worst queue's colour)."""
    rows = [
        (seconds, wait_alert(seconds, queue.service_seconds))
        for queue in report.queues
        for seconds in (figures.longest_wait(queue),)
    ]
    worst = max((alert for _, alert in rows), default=Alert.NONE)
    return [*rows, (figures.longest_wait(report.total), worst)]


class DashboardPanel(QWidget):
    """Today's queue and operator figures (module notes)."""

    sig_changed = Signal()
    """The tables show a fresh read (or the last one with why the new one failed)."""

    def __init__(self, board: TeamTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.board = board
        self.figures: LiveFigures | None = None
        self.wallboard: QWidget | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._shown: dict[tuple[str, int], list[Cell]] = {}
        """What each row shows now (``q``ueues, ``o``perators): only the cells that differ are set."""
        self.title = QLabel(self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.wallboard_button = QPushButton(self)
        self.wallboard_button.setObjectName("wallboardButton")
        self.wallboard_button.clicked.connect(self.open_wallboard)
        self.wallboard_button.setEnabled(False)
        self.queues = _table(self)
        self.operators = _table(self)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.message)
        top.addWidget(self.wallboard_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.queues, 2)
        layout.addWidget(self.note)
        layout.addWidget(self.operators, 3)
        self.retranslate()

    # ----- feeding ----------------------------------------------------------------------------

    def attach(self, make: Callable[[Callable[[], None]], LiveFigures]) -> None:
        """Give it the server's figures (``make`` builds them with this panel's change callback)."""
        self.figures = make(self._changed)
        self.wallboard_button.setEnabled(True)

    def start(self) -> None:
        if self.figures is not None:
            self.figures.start()

    def poke(self) -> None:
        """A pushed change on the board: the figures are read again soon."""
        if self.figures is not None:
            self.figures.poke()

    def _changed(self) -> None:
        self.show_figures()
        if self.wallboard is not None:
            self.wallboard.update()
        self.sig_changed.emit()

    # ----- rendering --------------------------------------------------------------------------

    def show_figures(self) -> None:
        figures = self.figures
        error = figures.error if figures is not None else None
        set_plain(self.message, self.tr("Not updated: %1").replace("%1", error_text(error)) if error else "")
        self.render_queues()
        self.render_operators()

    def tick(self) -> None:
        """Each second: the times in status, and the longest waits while someone waits."""
        self.render_queues()
        self.render_operators()

    def note_text(self) -> str:
        """Why the waiting cells are empty, or nothing when they are known."""
        report = self.figures.queues if self.figures is not None else None
        if report is None:
            return ""
        if not report.pbx_configured:
            return self.tr("Calls waiting and the longest wait show when the PBX reports its queues.")
        if not report.pbx_connected:
            return self.tr("The PBX is not connected: calls waiting are not known now.")
        # connected, but a queue's own report is missing or stale (a generic PBX's snapshot aged out)
        unknown = [queue.queue or no_group() for queue in report.queues if queue.waiting is None]
        if unknown:
            return self.tr("Calls waiting are not known now in: %1.").replace("%1", ", ".join(unknown))
        return ""

    def render_queues(self) -> None:
        figures = self.figures
        report = figures.queues if figures is not None else None
        note = self.note_text()
        set_plain(self.note, note)  # queue names come from the PBX: never markup
        self.note.setVisible(bool(note))
        if figures is None or report is None:
            return
        queues = [*report.queues, report.total]
        waits = wait_alerts(figures, report)
        table = self.queues
        resize = table.rowCount() != len(queues)
        if resize:  # rows came or went: build them afresh
            self._shown = {key: cells for key, cells in self._shown.items() if key[0] != "q"}
        table.setRowCount(len(queues))
        for r, queue in enumerate(queues):
            total = r == len(queues) - 1
            name = self.tr("All queues") if total else (queue.queue or no_group())
            level = value_text("share", queue.service_level)
            if not total:
                level += self.tr(" (%1 s)").replace("%1", str(queue.service_seconds))
            cells = [
                _cell(name, number=False),
                _cell(waiting_text(queue)),
                _cell(longest_text(waits[r][0]), colour=alert_colour(waits[r][1])),
                _cell(str(queue.offered)),
                _cell(str(queue.accepted)),
                _cell(level, colour=sl_colour(queue.service_level)),
                _cell(str(queue.abandoned)),
                _cell(str(queue.missed_open)),
                _cell(value_text("average", queue.aht_seconds)),
            ]
            resize = _fill(table, r, cells, self._shown.get(("q", r)), bold=total) or resize
            self._shown[("q", r)] = cells
        if resize:
            table.resizeColumnsToContents()

    def render_operators(self) -> None:
        """The operators' rows (the board's statuses and times, the server's figures); also each
        second, as the times in status move on."""
        figures, now = self.figures, self.board.clock()
        entries = sorted(self.board.board.entries, key=lambda e: e.operator)
        table = self.operators
        resize = table.rowCount() != len(entries)
        if resize:
            self._shown = {key: cells for key, cells in self._shown.items() if key[0] != "o"}
        table.setRowCount(len(entries))
        for r, entry in enumerate(entries):
            kpi = figures.operator(entry.operator) if figures is not None else None
            times = status_times(kpi) if kpi is not None else None
            row = entry.row
            status = status_text(row.status) + (f" ({reason_label(row.reason)})" if row.reason else "")
            cells = [
                _cell(entry.operator, number=False),
                _cell(status, number=False, colour=alert_colour(entry.alert(now))),
                _cell(format_duration(entry.seconds_in_status(now)), colour=alert_colour(entry.alert(now))),
                _cell(str(kpi.handled) if kpi else ""),
                _cell(value_text("average", kpi.aht_seconds) if kpi else ""),
                _cell(value_text("share", acw_share(kpi)) if kpi else ""),
                _cell(format_duration(times.ready) if times else ""),
                _cell(format_duration(times.talk + times.hold) if times else ""),
                _cell(format_duration(times.acw) if times else ""),
                _cell(format_duration(times.not_ready) if times else ""),
                _cell(value_text("share", kpi.occupancy) if kpi else ""),
                _cell(value_text("share", kpi.plan_completion) if kpi else ""),
            ]
            resize = _fill(table, r, cells, self._shown.get(("o", r))) or resize
            self._shown[("o", r)] = cells
        if resize:
            table.resizeColumnsToContents()

    def cell(self, table: QTableWidget, first: str, header: str) -> str:
        """The text under ``header`` in the row whose first cell reads ``first`` (for tests)."""
        columns = {table.horizontalHeaderItem(c).text(): c for c in range(table.columnCount())}  # type: ignore[union-attr]
        for r in range(table.rowCount()):
            head = table.item(r, 0)
            if head is not None and head.text() == first:
                item = table.item(r, columns[header])
                return item.text() if item is not None else ""
        raise KeyError(first)

    # ----- wallboard --------------------------------------------------------------------------

    def open_wallboard(self) -> None:
        from ui.team.wallboard import Wallboard

        if self.figures is None:
            return
        if self.wallboard is None:
            self.wallboard = Wallboard(self.figures, self.board)
        self.wallboard.showFullScreen()
        self.wallboard.activateWindow()

    # ----- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(self.tr("Today so far"))
        self.wallboard_button.setText(self.tr("&Wallboard"))
        self.queues.setColumnCount(9)
        self.queues.setHorizontalHeaderLabels(
            [
                self.tr("Queue"),
                self.tr("Waiting"),
                self.tr("Longest wait"),
                self.tr("Offered"),
                self.tr("Accepted"),
                self.tr("Service level"),
                self.tr("Abandoned"),
                self.tr("Missed, not called back"),
                self.tr("AHT"),
            ]
        )
        self.operators.setColumnCount(12)
        self.operators.setHorizontalHeaderLabels(
            [
                self.tr("Operator"),
                self.tr("Status"),
                self.tr("In status"),
                self.tr("Handled"),
                self.tr("AHT"),
                self.tr("ACW share"),
                self.tr("Ready"),
                self.tr("Talk and hold"),
                self.tr("ACW"),
                self.tr("Not ready"),
                self.tr("Occupancy"),
                self.tr("Plan"),
            ]
        )
        self._shown.clear()  # every text again, in the new language
        self.show_figures()
        self.queues.resizeColumnsToContents()  # the words changed width
        self.operators.resizeColumnsToContents()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    async def aclose(self) -> None:
        if self.figures is not None:
            await self.figures.stop()
        if self.wallboard is not None:
            self.wallboard.close()
