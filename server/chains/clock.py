"""The chain worker's clock: the system's in production, one the tests move (a wait of a day is
tested without waiting a day, and without sleeps)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Protocol

from server.models import utcnow


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


class ManualClock:
    """Starts at ``start`` (default: now) and moves only when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or utcnow()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = at
