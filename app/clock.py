"""Time for the core: an injectable clock, so every timestamp and timer is testable without sleeping.

The machines never call ``datetime.now()`` themselves: the coordinator passes ``at`` into every
transition (the telephony event's own time for phone facts, the clock for the operator's intents).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
"""Returns the current moment as an aware UTC datetime."""


def system_clock() -> datetime:
    """The real clock (UTC)."""
    return datetime.now(UTC)


def from_epoch(seconds: float) -> datetime:
    """A telephony event's ``at`` (epoch seconds from the service's clock) as a UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def later(a: datetime, b: datetime) -> datetime:
    """The later of two moments: timestamps of one call never go backwards, even when the service's
    clock and the desktop's disagree by a few milliseconds (the wire refuses an end before a start)."""
    return a if a >= b else b


class ManualClock:
    """A clock that moves only when told to: for tests and for replaying a recorded day."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        """Move forward by ``seconds`` and return the new time."""
        self.now += timedelta(seconds=seconds)
        return self.now

    @property
    def epoch(self) -> float:
        """The current time as epoch seconds, the way telephony events carry it."""
        return self.now.timestamp()
