"""The team board's missed-call figures on the wire (``GET /team/missed``, ``docs/tasks.md``).

Their own module because they are the team lead's view of the tasks, read with the board, not an
operator's; the desktop works out the oldest call's age itself from ``oldest_at`` so it ticks
between reads.
"""

from __future__ import annotations

from app.wire.common import UtcDatetime, WireModel


class MissedSummary(WireModel):
    """The lead's team's missed calls still waiting for a callback, and today's callback SLA."""

    waiting: int
    """Missed-call tasks not closed yet (open, in progress, not reached): the client is owed a call."""
    oldest_at: UtcDatetime | None = None
    """When the oldest of them was missed (``None`` when there are none)."""
    sla_minutes: int
    """The SLA's window: called back within this many minutes of the missed call."""
    sla_met: int
    """Missed calls of today called back within the window."""
    sla_counted: int
    """Missed calls of today that count: called back, or whose window has ended."""

    @property
    def sla_percent(self) -> float | None:
        """Share met, in percent (``None`` before any call of today counts)."""
        return 100.0 * self.sla_met / self.sla_counted if self.sla_counted else None


__all__ = ["MissedSummary"]
