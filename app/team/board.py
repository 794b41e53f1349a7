"""The live board's state: one entry per operator, changed in place by each pushed event.

Why its own object: the Qt model only maps entries to cells, so the rules (an older change never
overwrites a newer one, a settled request leaves the row, what colour a row is) are tested without
Qt, and the model learns exactly which row changed (no resets, no full reloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from app.wire.kpi import KpiReport, KpiRow
from app.wire.requests import StatusRequestOut
from app.wire.statuses import BoardRow, OperatorStatus, StatusChangeOut, Threshold, threshold_key


class Alert(IntEnum):
    """How long the operator has been in their status, against the server's thresholds."""

    NONE = 0
    AMBER = 1
    RED = 2


@dataclass
class Entry:
    """One operator on the board."""

    row: BoardRow
    kpi: KpiRow | None = None
    request: StatusRequestOut | None = None
    """The open request (pending force, break waiting for approval or approved), if any."""

    @property
    def operator(self) -> str:
        return self.row.operator

    def seconds_in_status(self, now: datetime) -> float:
        return max((now - self.row.since).total_seconds(), 0.0)

    def call_seconds(self, now: datetime) -> float | None:
        """How long the current call has lasted (``None`` when not on a call)."""
        return self.seconds_in_status(now) if self.row.status is OperatorStatus.ON_CALL else None

    def alert(self, now: datetime) -> Alert:
        minutes = self.seconds_in_status(now) / 60
        if self.row.red_minutes is not None and minutes >= self.row.red_minutes:
            return Alert.RED
        if self.row.amber_minutes is not None and minutes >= self.row.amber_minutes:
            return Alert.AMBER
        return Alert.NONE


class TeamBoard:
    """Entries in a stable order (first seen first): the index of an entry never changes."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._index: dict[str, int] = {}
        self.thresholds: dict[str, Threshold] = {}
        """The server's colour thresholds (``GET /thresholds``), for rows changed by pushes."""

    def __len__(self) -> int:
        return len(self.entries)

    def index_of(self, operator: str) -> int | None:
        return self._index.get(operator)

    def load(self, rows: list[BoardRow]) -> tuple[list[int], int]:
        """Take a fresh snapshot (on every (re)connect): rows that changed, and how many new ones
        were appended at the end."""
        changed: list[int] = []
        before = len(self.entries)
        for row in rows:
            index = self._index.get(row.operator)
            if index is None:
                self._index[row.operator] = len(self.entries)
                self.entries.append(Entry(row))
            elif self.entries[index].row != row:
                self.entries[index].row = row
                changed.append(index)
        return changed, len(self.entries) - before

    def apply_change(self, change: StatusChangeOut) -> int | None:
        """A pushed status change: the row it changed, or ``None`` (unknown operator, or older than
        what the board shows: a replay from an offline desktop)."""
        index = self._index.get(change.operator)
        if index is None:
            return None
        entry = self.entries[index]
        if change.at < entry.row.since:
            return None
        threshold = self.thresholds.get(threshold_key(change.status, change.reason))
        entry.row = entry.row.model_copy(
            update={
                "status": change.status,
                "reason": change.reason,
                "since": change.at,
                "source": change.source,
                "amber_minutes": threshold.amber_minutes if threshold is not None else None,
                "red_minutes": threshold.red_minutes if threshold is not None else None,
            }
        )
        return index

    def apply_request(self, request: StatusRequestOut) -> int | None:
        index = self._index.get(request.operator)
        if index is None:
            return None
        entry = self.entries[index]
        if request.state.open:
            entry.request = request
        elif entry.request is not None and entry.request.id == request.id:
            entry.request = None
        return index

    def set_requests(self, requests: list[StatusRequestOut]) -> list[int]:
        changed = []
        for index, entry in enumerate(self.entries):
            if entry.request is not None:
                entry.request = None
                changed.append(index)
        for request in sorted(requests, key=lambda r: r.id):
            found = self.apply_request(request)
            if found is not None:
                changed.append(found)
        return sorted(set(changed))

    def set_kpis(self, report: KpiReport) -> list[int]:
        changed = []
        for kpi in report.operators:
            index = self._index.get(kpi.operator or "")
            if index is not None and self.entries[index].kpi != kpi:
                self.entries[index].kpi = kpi
                changed.append(index)
        return changed
