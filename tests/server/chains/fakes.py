"""A provider that records what it is asked to send (the chain logic's tests; the real SMTP server,
Kannel and HTTP provider have their own), and the app's chain worker driven by a manual clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from fastapi import FastAPI

from server.chains.clock import ManualClock
from server.messaging.base import Outgoing, Sent

T = TypeVar("T")


class Recorder:
    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.sent: list[Outgoing] = []
        self.attempts = 0
        self.down = False
        self.refuse = False
        self._lock = threading.Lock()

    async def send(self, message: Outgoing) -> Sent:
        with self._lock:
            self.attempts += 1
            if self.down:
                return Sent.failed("connection refused")
            if self.refuse:
                return Sent.failed("550 no such user", permanent=True)
            self.sent.append(message)
            return Sent(True, f"ref-{len(self.sent)}")


def wait_until(condition: Callable[[], T], timeout: float = 20.0, what: str = "condition") -> T:
    """``condition()``'s value once truthy (polled: each call re-reads the state)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} never held"
        time.sleep(0.01)


def weekday_noon(zone_offset_hours: int = 3, weekday: int = 1) -> datetime:
    """The next ``weekday`` (0 Monday) at 12:00 in a zone ``zone_offset_hours`` east of UTC, as UTC,
    at least a day ahead of now (the clock must never be behind the real time runs start at)."""
    now = datetime.now(UTC) + timedelta(days=1)
    day = now.date() + timedelta(days=(weekday - now.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC) - timedelta(hours=zone_offset_hours)


def advance(app: FastAPI, clock: ManualClock, **delta: Any) -> None:
    clock.advance(**delta)
    app.state.chains.wake()


class CutOff(Recorder):
    """A provider that takes the message and never answers: the send's outcome is never recorded,
    as when the server is killed between the send and its record (the step's lease runs out)."""

    async def send(self, message: Outgoing) -> Sent:
        import asyncio

        with self._lock:
            self.attempts += 1
            self.sent.append(message)
        await asyncio.Event().wait()  # cancelled when the app stops
        raise AssertionError("unreachable")
