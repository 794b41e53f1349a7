"""The KPI arithmetic, pure: status spans and calls in, figures out (definitions in ``docs/kpi.md``).

Pure so every definition can be checked by hand on a synthetic day, with no database in the way;
``server.kpi.events`` turns stored rows into these inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.wire.kpi import KpiRow
from app.wire.statuses import OperatorStatus


@dataclass(frozen=True)
class Change:
    """One stored status change, as far as KPIs care."""

    at: datetime
    status: OperatorStatus


@dataclass(frozen=True)
class Call:
    """One disposition, as far as KPIs care."""

    ring_at: datetime
    answer_at: datetime | None
    end_at: datetime
    acw_end_at: datetime | None
    hold_seconds: int | None
    successful: bool

    @property
    def handled_at(self) -> datetime:
        """When the call's handling ended (ACW end, else hang-up): its AHT falls in that interval."""
        return self.acw_end_at if self.acw_end_at is not None else self.end_at


@dataclass
class Totals:
    """Additive sums (seconds and counts) from which the ratios follow; adds up across operators."""

    handled: int = 0
    missed: int = 0
    successful: int = 0
    talk: float = 0.0
    hold: float = 0.0
    acw: float = 0.0
    ready: float = 0.0
    logged_in: float = 0.0
    shifts: int = 0
    target: int | None = None
    quality_sum: float = 0.0
    evaluated: int = 0

    def add(self, other: Totals) -> None:
        self.handled += other.handled
        self.missed += other.missed
        self.successful += other.successful
        self.talk += other.talk
        self.hold += other.hold
        self.acw += other.acw
        self.ready += other.ready
        self.logged_in += other.logged_in
        self.shifts += other.shifts
        self.quality_sum += other.quality_sum
        self.evaluated += other.evaluated
        if other.target is not None:
            self.target = (self.target or 0) + other.target

    def row(self, *, operator: str | None = None, team: str | None = None) -> KpiRow:
        handle = self.talk + self.hold + self.acw
        busy_or_idle = handle + self.ready
        return KpiRow(
            operator=operator,
            team=team,
            handled=self.handled,
            missed=self.missed,
            successful=self.successful,
            talk_seconds=round(self.talk),
            hold_seconds=round(self.hold),
            acw_seconds=round(self.acw),
            ready_seconds=round(self.ready),
            logged_in_seconds=round(self.logged_in),
            aht_seconds=round(handle / self.handled, 1) if self.handled else None,
            avg_acw_seconds=round(self.acw / self.handled, 1) if self.handled else None,
            occupancy=round(handle / busy_or_idle, 4) if busy_or_idle > 0 else None,
            target=self.target,
            plan_completion=round(self.handled / self.target, 4) if self.target else None,
            evaluated=self.evaluated,
            quality_score=round(self.quality_sum / self.evaluated, 1) if self.evaluated else None,
        )


def status_time(
    before: OperatorStatus | None, changes: Sequence[Change], since: datetime, until: datetime
) -> tuple[float, float, int]:
    """Seconds ``ready``, seconds logged in, and shifts (runs of logged-in time) within
    ``[since, until)``. ``before`` is the status in force at ``since`` (``None``: offline);
    ``changes`` are those inside the period, in time order."""
    ready = logged = 0.0
    shifts = 0
    current = before or OperatorStatus.OFFLINE
    start = since
    if current.logged_in:
        shifts = 1
    for change in [*changes, Change(until, OperatorStatus.OFFLINE)]:
        at = min(max(change.at, since), until)
        seconds = (at - start).total_seconds()
        if current is OperatorStatus.READY:
            ready += seconds
        if current.logged_in:
            logged += seconds
        if change.status.logged_in and not current.logged_in and change.at < until:
            shifts += 1
        current, start = change.status, at
    return ready, logged, shifts


def call_totals(calls: Iterable[Call], since: datetime, until: datetime) -> Totals:
    """Handled, missed and successful calls and their talk, hold and ACW seconds in ``[since, until)``.

    A call is *handled* when it was answered; it counts in the period its handling ended
    (:attr:`Call.handled_at`). A call is *missed* when it rang and was never answered; it counts in
    the period it rang."""
    totals = Totals()
    for call in calls:
        if call.answer_at is None:
            if since <= call.ring_at < until:
                totals.missed += 1
            continue
        if not since <= call.handled_at < until:
            continue
        hold = float(call.hold_seconds or 0)
        totals.handled += 1
        totals.successful += call.successful
        totals.hold += hold
        totals.talk += max((call.end_at - call.answer_at).total_seconds() - hold, 0.0)
        if call.acw_end_at is not None:
            totals.acw += (call.acw_end_at - call.end_at).total_seconds()
    return totals
