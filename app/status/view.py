"""What the status bar shows: a frozen snapshot of the operator-status machine.

It keeps the two things apart that agent desktops are blamed for mixing up: ``chosen`` is what the
operator (or team lead) picked, ``status``/``reason`` is what is reported to the server now, after the
phone's facts are laid over it (a call, after-call work, a lost registration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.status.choice import Choice
from app.wire.statuses import OperatorStatus, StatusSource


class Activity(StrEnum):
    """What the calls make of the operator, as the coordinator tells the status machine."""

    IDLE = "idle"
    ON_CALL = "on_call"
    ACW = "acw"


@dataclass(frozen=True)
class StatusView:
    """The operator's status as reported, what they chose under it, and what comes next."""

    status: OperatorStatus
    reason: str | None
    since: datetime
    """When the reported status began: time in status counts from here."""
    source: StatusSource
    chosen: Choice
    chosen_since: datetime
    registered: bool
    routable: bool
    """Whether the queue may offer a call now (reported status and phone health together)."""
    activity: Activity
    next: Choice | None = None
    """Chosen during a call: applies when the call and its after-call work are over."""
    forced: Choice | None = None
    """Set by a team lead during a call: applies after it, before (and instead of) ``next``."""
    forced_by: str = ""
    max_minutes: int | None = None
    """The reported reason's time limit, if any."""

    def time_in_status(self, now: datetime) -> timedelta:
        return max(now - self.since, timedelta(0))

    def overdue(self, now: datetime) -> bool:
        """Whether the reason's time limit is exceeded (a break over its 15 minutes)."""
        return self.max_minutes is not None and self.time_in_status(now) > timedelta(minutes=self.max_minutes)
