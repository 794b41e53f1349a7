"""The Team window (team-lead role): the live board with filter, sort, colours and actions.

:class:`~app.team.feed.TeamFeed` is a task on the desktop's one asyncio loop (qasync's, on the GUI
thread), so its events arrive here directly (``sig_event`` re-emits them for observers) and the
actions are coroutines run as tasks of that loop; their outcome is shown in ``message``. Dialogs
are opened window-modal with ``open()``, never ``exec()``: a nested event loop inside a qasync
callback would stall every other task of the desktop (the phone, the sync pump) until it closes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.client.errors import ApiError
from app.team.feed import FeedEvent, Missed, QueuesMoved, Snapshot, TeamFeed
from app.wire.requests import RequestKind, RequestState
from app.wire.statuses import NotReadyReason, OperatorStatus, StatusChangeOut
from ui.labels import know_reasons
from ui.refusals import error_text
from ui.team.dashboard import DashboardPanel
from ui.team.dialogs import ForceDialog, HistoryDialog
from ui.team.missed import MissedPanel
from ui.team.model import SORT_ROLE, Column, TeamTableModel
from ui.team.reports.launcher import ReportsLauncher
from ui.team.scoring_launcher import ScoringLauncher

T = TypeVar("T")


class TeamFilter(QSortFilterProxyModel):
    """Sorts by raw values (:data:`SORT_ROLE`) and keeps one team's rows (or all)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.team: str | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_team(self, team: str | None) -> None:
        self.beginFilterChange()
        self.team = team
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        if self.team is None:
            return True
        model = self.sourceModel()
        return bool(model.index(source_row, Column.TEAM, source_parent).data() == self.team)


class TeamWindow(QWidget):
    """The live board (module notes). ``feed`` is started by :meth:`start` and stopped on close."""

    sig_event = Signal(object)
    """A feed event, after the board applied it."""
    sig_action_done = Signal(str)
    """An action finished: an empty text, or why it failed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Team"))
        self.feed: TeamFeed | None = None
        self.model = TeamTableModel(parent=self)
        self.proxy = TeamFilter(self)
        self.proxy.setSourceModel(self.model)
        self.reasons: list[NotReadyReason] = []
        self.force_dialog: ForceDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

        self.team_box = QComboBox(self)
        self.team_box.addItem("", None)
        self.team_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Все команды"
        self.team_box.currentIndexChanged.connect(self._team_chosen)
        self.connection = QLabel(self)
        self.message = QLabel(self)
        self.force_button = QPushButton(self)
        self.approve_button = QPushButton(self)
        self.refuse_button = QPushButton(self)
        self.history_button = QPushButton(self)
        self.calls_button = ScoringLauncher(self._selected_operator, self)  # recorded calls, scoring
        self.reports_button = ReportsLauncher(self)  # historical reports, exports (Alt+R, Ctrl+Shift+R)
        QShortcut(QKeySequence("Ctrl+Shift+R"), self, self.reports_button.open_reports)
        self.team_label = QLabel(self)
        self._done_error: str | None = None
        self._heard = False
        self.force_button.clicked.connect(self.force_selected)
        self.approve_button.clicked.connect(lambda: self.decide_selected(approve=True))
        self.refuse_button.clicked.connect(lambda: self.decide_selected(approve=False))
        self.history_button.clicked.connect(self.history_selected)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.OPERATOR, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.missed = MissedPanel(self.reassign_task, self.cancel_task, self._team_operators, self)

        top = QHBoxLayout()
        top.addWidget(self.team_label)
        top.addWidget(self.team_box)
        top.addStretch(1)
        top.addWidget(self.reports_button)  # above the tabs: reachable from the board and the dashboard
        top.addWidget(self.connection)
        actions = QHBoxLayout()
        for button in (self.force_button, self.approve_button, self.refuse_button, self.history_button):
            actions.addWidget(button)
        actions.addWidget(self.calls_button)
        actions.addStretch(1)
        actions.addWidget(self.message)
        self.board_page = QWidget(self)
        page = QVBoxLayout(self.board_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.view, 1)
        page.addLayout(actions)
        page.addWidget(self.missed)
        self.dashboard = DashboardPanel(self.model, self)  # today's figures live, the wallboard
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.board_page, "")
        self.tabs.addTab(self.dashboard, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.sig_action_done.connect(self._action_done)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.model.tick)
        self.ticker.timeout.connect(self.missed.tick)
        self.ticker.timeout.connect(self._tick_dashboard)
        self._update_buttons()
        self.retranslate()
        self.resize(1000, 760)

    def retranslate(self) -> None:
        """Every text in the current language (on each language switch, the table's included)."""
        self.setWindowTitle(self.tr("Team"))
        self.team_box.setItemText(0, self.tr("All teams"))
        self.team_label.setText(self.tr("Team:"))
        self.force_button.setText(self.tr("Force status..."))
        self.approve_button.setText(self.tr("Approve break"))
        self.refuse_button.setText(self.tr("Refuse break"))
        self.history_button.setText(self.tr("History..."))
        self.tabs.setTabText(0, self.tr("&Board"))
        self.tabs.setTabText(1, self.tr("&Dashboard"))
        self._show_connection()
        if self._done_error is not None:
            self._action_done(self._done_error)
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_connection(self) -> None:
        if not self._heard:
            self.connection.setText(self.tr("Connecting..."))
        else:
            self.connection.setText(self.tr("Live") if self.model.connected else self.tr("Reconnecting..."))

    # ------------------------------------------------------------------ feed
    def start(self, feed: TeamFeed) -> None:
        """Show ``feed``'s board; the window owns it from now on (stopped on close, started again
        when the window is shown again)."""
        self.feed = feed
        feed.start()
        self.ticker.start()
        self._run(feed.reasons(), self._reasons_arrived, quiet=True)

    def on_feed_event(self, event: FeedEvent) -> None:
        """Give this to :class:`TeamFeed` as ``on_event`` (called on the GUI thread)."""
        if isinstance(event, QueuesMoved):  # the PBX's waiting callers: only the dashboard's figures
            self.dashboard.poke()
            return
        self._apply(event)
        if isinstance(event, (Snapshot, Missed)) or getattr(event, "kind", None) == "status":
            self.dashboard.poke()  # the server's figures may have moved: read them again soon
        self.sig_event.emit(event)

    def _tab_changed(self, index: int) -> None:
        """The dashboard reads its figures from the first time it is looked at."""
        if self.tabs.widget(index) is self.dashboard:
            self.dashboard.start()
            self.dashboard.render_operators()

    def _tick_dashboard(self) -> None:
        if self.tabs.currentWidget() is self.dashboard:
            self.dashboard.tick()

    def _reasons_arrived(self, reasons: list[NotReadyReason]) -> None:
        self.reasons = reasons
        know_reasons(reasons)
        self.model.retranslate()  # their labels replace the codes

    def _apply(self, event: FeedEvent) -> None:
        self._heard = True
        if isinstance(event, Missed):
            self.missed.show_missed(event)
            return
        self.model.apply(event)
        if isinstance(event, Snapshot):
            self._add_teams(sorted({row.team for row in event.rows if row.team}))
        self._show_connection()
        self._update_buttons()

    def _add_teams(self, teams: list[str]) -> None:
        known = {self.team_box.itemData(i) for i in range(self.team_box.count())}
        for team in teams:
            if team not in known:
                self.team_box.addItem(team, team)

    def _team_chosen(self, _index: int) -> None:
        self.proxy.set_team(self.team_box.currentData())

    # ------------------------------------------------------------------ actions
    def selected_row(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.mapToSource(rows[0]).row() if rows else None

    def select_operator(self, operator: str) -> None:
        row = self.model.board.index_of(operator)
        if row is not None:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _update_buttons(self, *_: Any) -> None:
        row = self.selected_row()
        request = self.model.entry(row).request if row is not None else None
        asks = (
            request is not None
            and request.kind is RequestKind.BREAK
            and request.state is RequestState.PENDING
        )
        self.force_button.setEnabled(row is not None and self.feed is not None)
        self.history_button.setEnabled(row is not None and self.feed is not None)
        self.approve_button.setEnabled(asks and self.feed is not None)
        self.refuse_button.setEnabled(asks and self.feed is not None)
        self.calls_button.update_enabled()

    def force_selected(self) -> None:
        """Force status...: the dialog lists the catalogue's reasons (read now if not yet)."""
        row = self.selected_row()
        feed = self.feed
        if row is None or feed is None:
            return
        operator = self.model.entry(row).operator

        async def reasons() -> list[NotReadyReason]:
            return self.reasons or await feed.reasons()

        def ask(reasons: list[NotReadyReason]) -> None:
            self.reasons = reasons
            dialog = ForceDialog(operator, reasons, self)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.accepted.connect(lambda: self.force(operator, *dialog.chosen()))
            self.force_dialog = dialog
            dialog.open()

        self._run(reasons(), ask)

    def force(self, operator: str, status: OperatorStatus, reason: str | None) -> None:
        if self.feed is not None:
            self._run(self.feed.force(operator, status, reason), lambda _request: self._action_done(""))

    def decide_selected(self, *, approve: bool) -> None:
        row = self.selected_row()
        request = self.model.entry(row).request if row is not None else None
        if request is not None and self.feed is not None:
            self._run(self.feed.decide(request.id, approve), lambda _request: self._action_done(""))

    def history_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.feed is None:
            return
        operator = self.model.entry(row).operator
        self._run(self.feed.history(operator), lambda changes: self._show_history(operator, changes))

    def _selected_operator(self) -> str | None:
        row = self.selected_row()
        return self.model.entry(row).operator if row is not None else None

    def _team_operators(self) -> list[str]:
        """Whom a task may go to: the operators on the board (the lead's team), by name."""
        return sorted(entry.operator for entry in self.model.board.entries)

    def reassign_task(self, task_id: int, owner: str | None) -> None:
        if self.feed is not None:
            self._run(self.feed.reassign(task_id, owner), lambda _task: self._action_done(""))

    def cancel_task(self, task_id: int) -> None:
        if self.feed is not None:
            self._run(self.feed.cancel(task_id), lambda _task: self._action_done(""))

    def _run(self, action: Awaitable[T], then: Callable[[T], None], *, quiet: bool = False) -> None:
        """Run ``action`` as a task of the desktop's loop, then ``then`` with its result; a failure
        is shown in ``message`` (unless ``quiet``), never raised into Qt."""

        async def run() -> None:
            try:
                result = await action
            except ApiError as exc:
                if not quiet:
                    self.sig_action_done.emit(error_text(exc))
                return
            then(result)

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _action_done(self, error: str) -> None:
        self._done_error = error
        self.message.setText(self.tr("Done") if not error else self.tr("Refused: %1").replace("%1", error))

    def _show_history(self, operator: str, changes: list[StatusChangeOut]) -> None:
        self.history_dialog = HistoryDialog(operator, changes, self)
        self.history_dialog.show()

    def showEvent(self, event: Any) -> None:
        """Shown again after a close: the board reconnects (its snapshot brings it up to date)."""
        if self.feed is not None and not self.feed.running:
            self.feed.start()
            self.ticker.start()
        super().showEvent(event)

    def closeEvent(self, event: Any) -> None:
        """Closed: the socket is let go (a hidden board costs the server nothing)."""
        self.ticker.stop()
        if self.feed is not None and self.feed.running:
            task = asyncio.ensure_future(self.feed.stop())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        super().closeEvent(event)

    async def aclose(self) -> None:
        """Stop the feed and every action still running (the desktop is quitting)."""
        self.ticker.stop()
        if self.feed is not None:
            await self.feed.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.calls_button.aclose()
        await self.reports_button.aclose()
        await self.dashboard.aclose()
        self.close()
