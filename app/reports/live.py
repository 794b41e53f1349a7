"""The Team window's live dashboard and wallboard, Qt-free: today's figures per queue
(``GET /reports/live``) and per operator (``GET /kpi``), re-read soon after something happened.

The board's feed (:class:`~app.team.feed.TeamFeed`) pushes every status change over the WebSocket;
the dashboard is told of each (:meth:`LiveFigures.poke`) and re-reads both reports after a short
gather (``settle`` s, so a burst of changes makes one read) but never more often than every
``min_interval`` s, and every ``every`` s regardless (a PBX's call report is not pushed). So a
call's end shows on the dashboard within about a second of its status change, without the desktop
counting anything itself: the server's figures are the only figures. A failed read keeps the last
figures (``error`` says why) and is tried again at the next poke or period.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from app.client.errors import ApiError
from app.team.board import Alert
from app.wire.kpi import KpiReport, KpiRow
from app.wire.reports import LiveQueue, LiveReport


class LiveApi(Protocol):
    async def live_report(self, tz: str) -> LiveReport: ...

    async def kpi(self, *, tz: str, operator: str | None = None, day: date | None = None) -> KpiReport: ...


@dataclass(frozen=True)
class StatusTimes:
    """An operator's time today per status, in seconds (from the KPIs)."""

    ready: int
    talk: int
    hold: int
    acw: int
    not_ready: int
    """Logged in, and neither ready nor on a call nor in after-call work."""


def status_times(row: KpiRow) -> StatusTimes:
    busy = row.ready_seconds + row.talk_seconds + row.hold_seconds + row.acw_seconds
    return StatusTimes(
        ready=row.ready_seconds,
        talk=row.talk_seconds,
        hold=row.hold_seconds,
        acw=row.acw_seconds,
        not_ready=max(0, row.logged_in_seconds - busy),
    )


def wait_alert(longest: float | None, service_seconds: int) -> Alert:
    """The longest wait against the queue's service level N (module notes)."""
    if longest is None or longest < service_seconds:
        return Alert.NONE
    return Alert.RED if longest >= 2 * service_seconds else Alert.AMBER


def acw_share(row: KpiRow) -> float | None:
    """ACW / (talk + hold + ACW): how much of handling is after-call work."""
    handling = row.talk_seconds + row.hold_seconds + row.acw_seconds
    return round(row.acw_seconds / handling, 4) if handling else None


class LiveFigures:
    """Today's queue and operator figures, kept fresh (module notes). ``on_change`` is called (on
    the loop) after every read, successful or not."""

    def __init__(
        self,
        api: LiveApi,
        *,
        tz: str,
        on_change: Callable[[], None],
        every: float = 10.0,
        settle: float = 0.1,
        min_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = api
        self.tz = tz
        self.on_change = on_change
        self.every, self.settle, self.min_interval = every, settle, min_interval
        self.queues: LiveReport | None = None
        self.kpis: KpiReport | None = None
        self.error: ApiError | None = None
        self.reads = 0
        self.clock = clock
        self.read_at = 0.0
        """When the figures shown were read (``clock``'s time)."""
        self._due = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last = 0.0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def poke(self) -> None:
        """Something happened (a pushed status change): read again soon."""
        self._due.set()

    def longest_wait(self, queue: LiveQueue) -> float | None:
        """``queue``'s longest wait now: the server's figure moved on by the time since the read
        while someone waits (``None``: not known)."""
        seconds = queue.longest_wait_seconds
        if seconds is None or not queue.waiting:
            return seconds
        return seconds + max(0.0, self.clock() - self.read_at)

    def operator(self, name: str) -> KpiRow | None:
        if self.kpis is None:
            return None
        return next((row for row in self.kpis.operators if row.operator == name), None)

    async def read(self) -> None:
        """Read both reports now (the last figures stay when either fails)."""
        self._last = time.monotonic()
        try:
            queues, kpis = await asyncio.gather(self.api.live_report(self.tz), self.api.kpi(tz=self.tz))
        except ApiError as exc:
            self.error = exc
        else:
            self.queues, self.kpis, self.error = queues, kpis, None
            self.read_at = self.clock()
            self.reads += 1
        self.on_change()

    async def _run(self) -> None:
        while True:
            await self.read()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), self.every)
                await asyncio.sleep(max(self.settle, self.min_interval - (time.monotonic() - self._last)))
            self._due.clear()
