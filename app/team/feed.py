"""The client that keeps a team board fed: a snapshot over HTTP, then pushes over the WebSocket,
reconnecting with a growing delay; plus the team lead's actions.

It is a task on the desktop's one asyncio loop (qasync's, the GUI thread's): no loop or thread of
its own, so ``on_event`` is called where the widgets live and the actions are plain coroutines.
Every server call goes through the desktop's :class:`~app.client.api.ApiClient`, so the board
shares its login, its token refreshes and its error types with everything else.

Every (re)connect subscribes first and then reads the snapshot (board, open requests, thresholds,
today's KPIs, the team's missed calls and open tasks), so nothing stored in between is lost: a
push older than the snapshot is ignored by the board (``TeamBoard``). The socket carries the access
token in its query; the server closes it with 4401 when that token expires (or was refused), and
the feed then renews the token through the client (its refresh-token rotation, its lock) and
reconnects at once; the socket trusts what the client trusts (its TLS context). Other failures
back off, 0.5 s doubling to ``max_wait_s``, with jitter so a restarted server is not met by every board at
the same instant. KPIs are re-read every ``kpi_every`` seconds and after a call's ACW ends, never
counted locally. The missed-call figures and the team's tasks are re-read every ``missed_every``
seconds and after the lead's own reassign or cancel (a server without them leaves them out).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import websockets
from websockets.exceptions import ConnectionClosed

from app.client.api import ApiClient
from app.client.errors import ApiError
from app.wire.close_codes import CLOSE_UNAUTHENTICATED
from app.wire.kpi import KpiReport
from app.wire.requests import (
    QUEUES_MESSAGE,
    LiveEvent,
    RequestKind,
    StatusRequestIn,
    StatusRequestOut,
    parse_event,
)
from app.wire.statuses import BoardRow, NotReadyReason, OperatorStatus, StatusChangeOut, Threshold
from app.wire.tasks import TaskOut, TaskState
from app.wire.team_tasks import MissedSummary

log = logging.getLogger("ringdesk.team.feed")

RETRY_MIN_S = 0.5
RETRY_MAX_S = 15.0
"""The server's close code for a missing, refused or expired access token (``server.api.routes.statuses``)."""
HISTORY_HOURS = 24
"""How far back an operator's status history goes in the Team window."""


@dataclass(frozen=True)
class Snapshot:
    rows: list[BoardRow]
    requests: list[StatusRequestOut]
    thresholds: list[Threshold]


@dataclass(frozen=True)
class Kpis:
    report: KpiReport


@dataclass(frozen=True)
class Missed:
    """The team's missed-call figures and its tasks still to be worked (queue order)."""

    summary: MissedSummary
    tasks: list[TaskOut]


OPEN_TASKS = (TaskState.OPEN, TaskState.IN_PROGRESS, TaskState.NOT_REACHED)
"""The tasks a lead may reassign or cancel."""


@dataclass(frozen=True)
class QueuesMoved:
    """The callers waiting in the PBX's queues changed (a caller joined, left, was answered): the
    live report is worth reading again (the socket asks for these with ``queues=true``)."""


@dataclass(frozen=True)
class Connection:
    up: bool
    detail: str = ""


FeedEvent = Snapshot | Kpis | Missed | Connection | QueuesMoved | LiveEvent


class TokenRefused(Exception):
    """The server closed the socket with 4401: the token it was opened with is no longer good."""

    def __init__(self, token: str) -> None:
        super().__init__("access token refused or expired")
        self.token = token


class TeamFeed:
    """One team lead's live board connection (module notes); ``tz`` is the lead's zone, for "today"
    in the KPIs."""

    def __init__(
        self,
        api: ApiClient,
        on_event: Callable[[FeedEvent], None],
        *,
        tz: str = "UTC",
        kpi_every: float = 60.0,
        kpi_min_interval: float = 15.0,
        missed_every: float = 20.0,
        max_wait_s: float = RETRY_MAX_S,
    ) -> None:
        self.api = api
        self._on_event = on_event
        self._tz = tz
        self._kpi_every = kpi_every
        self._kpi_min_interval = kpi_min_interval
        self._max_wait_s = max_wait_s
        self._missed_every = missed_every
        self._missed_due = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._kpi_due = asyncio.Event()
        self.connections = 0
        """How many sockets were opened and fed (a test tells a reconnect from a first connect)."""

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start (or restart, after :meth:`stop`) on the running loop."""
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="team-feed")

    async def stop(self) -> None:
        """Close the socket and end the task (the API client stays: it is the desktop's)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ------------------------------------------------------------------ actions
    async def force(self, operator: str, status: OperatorStatus, reason: str | None) -> StatusRequestOut:
        """Set ``operator``'s status (the server applies it now, or their desktop after the call)."""
        request = StatusRequestIn(operator=operator, kind=RequestKind.FORCE, status=status, reason=reason)
        return await self.api.create_request(request)

    async def decide(self, request_id: int, approve: bool) -> StatusRequestOut:
        return await self.api.decide_request(request_id, approve=approve)

    async def history(self, operator: str) -> list[StatusChangeOut]:
        """The operator's status changes of the last :data:`HISTORY_HOURS` hours, oldest first."""
        since = datetime.now(UTC) - timedelta(hours=HISTORY_HOURS)
        return await self.api.status_history(operator, since=since)

    async def reassign(self, task_id: int, owner: str | None) -> TaskOut:
        """Give a task to ``owner`` of the team (``None``: anyone); the figures are read again."""
        try:
            return await self.api.reassign_task(task_id, owner)
        finally:
            self._missed_due.set()

    async def cancel(self, task_id: int) -> TaskOut:
        try:
            return await self.api.cancel_task(task_id)
        finally:
            self._missed_due.set()

    async def reasons(self) -> list[NotReadyReason]:
        """The active not-ready reasons (what a team lead may force)."""
        return [r for r in (await self.api.catalogue()).reasons if r.active]

    # ------------------------------------------------------------------ the loop
    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._session()
                failures = 0
                detail = "closed by the server"
            except asyncio.CancelledError:
                raise
            except TokenRefused as refused:
                detail = str(refused)
                try:
                    await self.api.renew(refused.token)
                except ApiError as exc:
                    detail = str(exc)
                    failures += 1
                else:
                    failures = 0  # a fresh token: reconnect at once
            except (OSError, ApiError, websockets.WebSocketException, ValueError, TimeoutError) as exc:
                failures += 1
                detail = str(exc) or type(exc).__name__
            log.info("team feed lost: %s", detail, extra={"event": "team_feed.lost"})
            self._on_event(Connection(False, detail))
            if failures:
                wait = min(self._max_wait_s, RETRY_MIN_S * 2 ** min(failures - 1, 8))
                await asyncio.sleep(random.uniform(wait / 2, wait))

    async def _session(self) -> None:
        url, token = await self.api.live_url("/statuses/live", requests="true", queues="true")
        try:
            async with websockets.connect(
                url, ssl=self.api.live_tls, max_queue=4096, ping_interval=20, open_timeout=10
            ) as socket:
                await self._snapshot()
                self.connections += 1
                self._on_event(Connection(True))
                kpis = asyncio.create_task(self._kpi_loop())
                missed = asyncio.create_task(self._missed_loop())
                try:
                    async for message in socket:
                        text = message if isinstance(message, str) else message.decode()
                        if text == QUEUES_MESSAGE:
                            self._on_event(QueuesMoved())
                        else:
                            self._push(parse_event(text))
                finally:
                    for loop in (kpis, missed):
                        loop.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await loop
            code = socket.close_code
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd is not None else None
            if code != CLOSE_UNAUTHENTICATED:
                raise
        if code == CLOSE_UNAUTHENTICATED:
            raise TokenRefused(token)

    def _push(self, event: LiveEvent) -> None:
        self._on_event(event)
        if event.kind == "status" and event.change.status in (
            OperatorStatus.READY,
            OperatorStatus.NOT_READY,
            OperatorStatus.OFFLINE,
        ):
            self._kpi_due.set()  # a call's handling may have ended: re-read KPIs soon

    async def _snapshot(self) -> None:
        rows, requests, thresholds = await asyncio.gather(
            self.api.board(), self.api.open_requests(), self.api.thresholds()
        )
        self._on_event(Snapshot(rows=rows, requests=requests, thresholds=thresholds))
        await self._kpis()
        await self._missed()

    async def _kpis(self) -> None:
        self._on_event(Kpis(await self.api.kpi(tz=self._tz)))

    async def _kpi_loop(self) -> None:
        """Re-read KPIs every ``kpi_every`` s, or sooner after a call ends, but never more often
        than ``kpi_min_interval`` s: a busy centre changes statuses several times a second."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kpi_due.wait(), self._kpi_every)
                await asyncio.sleep(self._kpi_min_interval)  # a burst of changes makes one read
            self._kpi_due.clear()
            with contextlib.suppress(ApiError):
                await self._kpis()

    async def _missed(self) -> None:
        """Read the missed-call figures and the team's open tasks (quietly absent on an older server)."""
        try:
            summary, tasks = await asyncio.gather(
                self.api.missed_summary(tz=self._tz), self.api.list_tasks(OPEN_TASKS)
            )
        except ApiError as exc:
            log.info("missed calls not read: %s", exc, extra={"event": "team_feed.missed_failed"})
            return
        self._on_event(Missed(summary, tasks))

    async def _missed_loop(self) -> None:
        """Re-read the figures every ``missed_every`` s, and at once after the lead's own action."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._missed_due.wait(), self._missed_every)
            self._missed_due.clear()
            await self._missed()
