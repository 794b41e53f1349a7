"""The live board as a Qt table model, changed in place: a pushed event changes one row
(``dataChanged`` for that row), a new operator is inserted at the end, nothing ever resets the model,
so the team lead's selection, scroll position and sort survive every update.

Cells show text (``DisplayRole``); ``SORT_ROLE`` gives raw values (seconds, counts) so sorting by
time or AHT is numeric; the background shows the colour thresholds. A one-second tick refreshes only
the two time columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.team.board import Alert, Entry, TeamBoard
from app.team.feed import Connection, FeedEvent, Kpis, Missed, QueuesMoved, Snapshot
from app.wire.requests import RequestKind
from app.wire.statuses import OperatorStatus
from ui.elapsed import format_duration, utc_now
from ui.labels import choice_label, reason_label
from ui.status_menu import status_text
from ui.theme import colours

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ALERT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    OPERATOR = 0
    TEAM = 1
    STATUS = 2
    REASON = 3
    IN_STATUS = 4
    CALL = 5
    HANDLED = 6
    AHT = 7
    AVG_ACW = 8
    QUALITY = 9
    REQUEST = 10


def _headers() -> list[str]:
    return [
        QCoreApplication.translate("TeamModel", "Operator"),
        QCoreApplication.translate("TeamModel", "Team"),
        QCoreApplication.translate("TeamModel", "Status"),
        QCoreApplication.translate("TeamModel", "Reason"),
        QCoreApplication.translate("TeamModel", "In status"),
        QCoreApplication.translate("TeamModel", "Call"),
        QCoreApplication.translate("TeamModel", "Handled today"),
        QCoreApplication.translate("TeamModel", "AHT"),
        QCoreApplication.translate("TeamModel", "Avg ACW"),
        QCoreApplication.translate("TeamModel", "Quality"),
        QCoreApplication.translate("TeamModel", "Request"),
    ]


def _request_text(entry: Entry) -> str:
    request = entry.request
    if request is None:
        return ""
    target = choice_label(request.status, request.reason)
    if request.kind is RequestKind.FORCE:
        return QCoreApplication.translate("TeamModel", "Forced: %1 after the call").replace("%1", target)
    if request.state.value == "approved":
        return QCoreApplication.translate("TeamModel", "Approved: %1").replace("%1", target)
    return QCoreApplication.translate("TeamModel", "Asks for: %1").replace("%1", target)


def alert_colour(alert: Alert) -> QColor | None:
    """A cell's background for a threshold alert (the board's, the dashboard's and the wallboard's):
    amber, red, or none."""
    if alert is Alert.NONE:
        return None
    colour = QColor(colours().danger if alert is Alert.RED else colours().warning)
    colour.setAlpha(70)
    return colour


class TeamTableModel(QAbstractTableModel):
    """:class:`~app.team.board.TeamBoard` as a table (module notes)."""

    def __init__(self, clock: Callable[[], datetime] = utc_now, parent: Any = None) -> None:
        super().__init__(parent)
        self.board = TeamBoard()
        self.clock = clock
        self.connected = False
        self._headers = _headers()
        self.repaint_marks: dict[int, float] = {}
        """Row -> the server's ``received_at`` (epoch seconds) of its last pushed change, for a
        benchmark's delegate to measure "stored on the server -> row repainted"; holds one entry per
        row at most."""

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.board)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.board.entries[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == SORT_ROLE:
            return self._sort_value(entry, column)
        if role == ALERT_ROLE:
            return int(entry.alert(self.clock()))
        if role == Qt.ItemDataRole.BackgroundRole:
            return alert_colour(entry.alert(self.clock()))
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and column >= Column.IN_STATUS
            and column != Column.REQUEST
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, entry: Entry, column: Column) -> str:
        row, kpi, now = entry.row, entry.kpi, self.clock()
        if column is Column.OPERATOR:
            return row.name or row.operator
        if column is Column.TEAM:
            return row.team or ""
        if column is Column.STATUS:
            return status_text(row.status)
        if column is Column.REASON:
            return reason_label(row.reason)
        if column is Column.IN_STATUS:
            return format_duration(entry.seconds_in_status(now))
        if column is Column.CALL:
            seconds = entry.call_seconds(now)
            return format_duration(seconds) if seconds is not None else ""
        if column is Column.HANDLED:
            return str(kpi.handled) if kpi is not None else ""
        if column is Column.AHT:
            return format_duration(kpi.aht_seconds) if kpi is not None and kpi.aht_seconds is not None else ""
        if column is Column.AVG_ACW:
            avg = kpi.avg_acw_seconds if kpi is not None else None
            return format_duration(avg) if avg is not None else ""
        if column is Column.QUALITY:
            quality = kpi.quality_score if kpi is not None else None
            return f"{quality:g} %" if quality is not None else ""
        return _request_text(entry)

    def _sort_value(self, entry: Entry, column: Column) -> Any:
        kpi, now = entry.kpi, self.clock()
        if column is Column.IN_STATUS:
            return entry.seconds_in_status(now)
        if column is Column.CALL:
            return entry.call_seconds(now) or 0.0
        if column is Column.HANDLED:
            return kpi.handled if kpi is not None else -1
        if column is Column.AHT:
            return kpi.aht_seconds if kpi is not None and kpi.aht_seconds is not None else -1.0
        if column is Column.AVG_ACW:
            return kpi.avg_acw_seconds if kpi is not None and kpi.avg_acw_seconds is not None else -1.0
        if column is Column.QUALITY:
            return kpi.quality_score if kpi is not None and kpi.quality_score is not None else -1.0
        return self._text(entry, column).casefold()

    # ------------------------------------------------------------------ updates
    def apply(self, event: FeedEvent) -> None:
        """Apply one feed event (on the GUI thread): only the rows it touches change."""
        if isinstance(event, Snapshot):
            self.board.thresholds = {t.key: t for t in event.thresholds}
            self._load(event)
        elif isinstance(event, Kpis):
            self._rows_changed(self.board.set_kpis(event.report))
        elif isinstance(event, Connection):
            self.connected = event.up
        elif isinstance(event, (Missed, QueuesMoved)):
            return  # the window's missed-call panel, the dashboard show them
        elif event.kind == "status":
            index = self.board.apply_change(event.change)
            if index is not None:
                self.repaint_marks[index] = event.change.received_at.timestamp()
                self._rows_changed([index])
        else:
            found = self.board.apply_request(event.request)
            if found is not None:
                self._rows_changed([found])

    def _load(self, snapshot: Snapshot) -> None:
        before = len(self.board)
        new = [row for row in snapshot.rows if self.board.index_of(row.operator) is None]
        if new:
            self.beginInsertRows(QModelIndex(), before, before + len(new) - 1)
        changed, _added = self.board.load(snapshot.rows)
        if new:
            self.endInsertRows()
        self._rows_changed(changed + self.board.set_requests(snapshot.requests))

    def _rows_changed(self, rows: list[int]) -> None:
        last = len(Column) - 1
        for row in sorted(set(rows)):
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def tick(self) -> None:
        """Once a second: the time columns (and their colours) move on; nothing else is touched."""
        if self.board.entries:
            last = len(self.board) - 1
            self.dataChanged.emit(self.index(0, Column.IN_STATUS), self.index(last, Column.CALL))

    def entry(self, row: int) -> Entry:
        return self.board.entries[row]

    def on_call(self, row: int) -> bool:
        return self.board.entries[row].row.status is OperatorStatus.ON_CALL

    def retranslate(self) -> None:
        """Headers and every cell's words in the current language (the Team window calls it)."""
        self._headers = _headers()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        self._rows_changed(list(range(len(self.board))))
