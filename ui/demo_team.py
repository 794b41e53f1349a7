"""``ringdesk demo --lead``: the team lead's side. The demo server is seeded with a team of
:data:`TEAM_SIZE` operators (``seed-demo --team-size``); :class:`TeamSimulator` logs each of them in
through the desktop's own :class:`~app.client.api.ApiClient` and moves them through a working day
(ready, on a call, after-call work, breaks, training) every few seconds, through the real API, and
now and then one asks for a lunch break the lead must approve. The server is seeded with today's
calls so far (``seed-demo --calls-today``) and :class:`DemoPbx` plays a PBX reporting its waiting
callers and calls, so the dashboard has figures. The lead's desktop opens the Team window, so the
board is live from the first second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import socket
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from app.client.api import ApiClient
from app.client.errors import ApiError, TransientError
from app.wire.requests import RequestKind, StatusRequestIn
from app.wire.statuses import OperatorStatus, StatusChangeIn, StatusSource

TEAM_SIZE = 40
LEAD_USER = "lead"

_NOT_READY = ("break", "training", "meeting", "back_office")


@dataclass
class _Operator:
    name: str
    api: ApiClient
    status: OperatorStatus = OperatorStatus.OFFLINE


class TeamSimulator:
    """The operators of the demo team, acting through the server's API (module notes)."""

    def __init__(self, base_url: str, names: list[str], password: str, pace_s: float = 5.0) -> None:
        self.operators = [_Operator(name, ApiClient(base_url, account=name)) for name in names]
        self.password = password
        self.pace_s = pace_s
        """Each operator changes status about this often (seconds, on average)."""
        self.changes = 0

    async def run(self) -> None:
        """Log everyone in and start them Ready, then change one operator at a time, for ever."""
        arriving = asyncio.Semaphore(4)  # people arrive over a minute, not in the same millisecond
        await asyncio.gather(*(self._log_in(op, arriving) for op in self.operators))
        for op in self.operators:
            await self._set(op, random.choice([OperatorStatus.READY, OperatorStatus.ON_CALL]))
        while True:
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.pace_s / len(self.operators))
            with contextlib.suppress(ApiError):
                await self._step(random.choice(self.operators))

    async def _log_in(self, op: _Operator, arriving: asyncio.Semaphore) -> None:
        """Log ``op`` in; a busy server (503) is asked again a moment later, as the desktop does."""
        async with arriving:
            for attempt in range(10):
                try:
                    await op.api.login(op.name, self.password)
                    return
                except TransientError:
                    if attempt == 9:
                        raise
                    await asyncio.sleep(0.5 * (attempt + 1))

    async def _step(self, op: _Operator) -> None:
        if op.status is OperatorStatus.READY:
            if random.random() < 0.05:
                request = StatusRequestIn(
                    operator=op.name, kind=RequestKind.BREAK, status=OperatorStatus.NOT_READY, reason="lunch"
                )
                await op.api.create_request(request)  # the lead approves or refuses it on the board
            elif random.random() < 0.15:
                await self._set(op, OperatorStatus.NOT_READY, random.choice(_NOT_READY))
            else:
                await self._set(op, OperatorStatus.ON_CALL)
        elif op.status is OperatorStatus.ON_CALL:
            await self._set(op, OperatorStatus.ACW)
        else:
            await self._set(op, OperatorStatus.READY)

    async def _set(self, op: _Operator, status: OperatorStatus, reason: str | None = None) -> None:
        system = status in (OperatorStatus.ON_CALL, OperatorStatus.ACW)  # the phone's, not a choice
        change = StatusChangeIn(
            operator=op.name,
            status=status,
            reason=reason,
            at=datetime.now(UTC),
            source=StatusSource.SYSTEM if system else StatusSource.OPERATOR,
        )
        await op.api.post_status(change.model_dump_json(), str(uuid.uuid4()))
        op.status = status
        self.changes += 1

    async def aclose(self) -> None:
        await asyncio.gather(*(op.api.aclose() for op in self.operators), return_exceptions=True)


class DemoPbx:
    """The lead demo's PBX, one without an adapter: callers join and leave the demo's queues, and it
    reports them as such a PBX does (``docs/reports.md``): the callers waiting now through
    ``PUT /calls/waiting`` every ``pace_s`` seconds, and each caller who left through
    ``POST /calls/outcomes`` (answered by one of ``operators``, or gave up in the queue). So the
    dashboard's calls waiting, longest wait, offered and abandoned move while the lead watches."""

    QUEUES = ("lens", "shop", "finance")
    MOST = 6
    """Callers one queue holds at most."""

    def __init__(self, base_url: str, key: str, operators: list[str], pace_s: float = 4.0) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, headers={"X-Source-Key": key}, timeout=10)
        self.operators = operators
        self.pace_s = pace_s
        now = datetime.now(UTC)
        self.waiting: dict[str, list[tuple[str, datetime]]] = {
            "lens": [(self._id(), now - timedelta(seconds=41)), (self._id(), now - timedelta(seconds=9))],
            "shop": [(self._id(), now - timedelta(seconds=16))],
            "finance": [],
        }
        self.snapshots = 0

    @staticmethod
    def _id() -> str:
        return f"demo-pbx-{uuid.uuid4()}"

    async def run(self) -> None:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                await self._snapshot()
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.pace_s)
            with contextlib.suppress(httpx.HTTPError):
                await self._step()

    async def _snapshot(self) -> None:
        now = datetime.now(UTC)
        queues = [
            {
                "queue": queue,
                "callers": [{"waited_seconds": (now - joined).total_seconds()} for _, joined in callers],
            }
            for queue, callers in self.waiting.items()
        ]
        (await self.http.put("/calls/waiting", json={"queues": queues})).raise_for_status()
        self.snapshots += 1

    async def _step(self) -> None:
        queue = random.choice(self.QUEUES)
        callers = self.waiting[queue]
        now = datetime.now(UTC)
        if callers and random.random() < 0.5:
            call_id, joined = callers.pop(0)  # the longest waiting leaves
            report: dict[str, Any] = {
                "call_id": call_id,
                "queue": queue,
                "caller": f"+7916{random.randrange(10_000_000):07d}",
                "arrived_at": joined.isoformat(),
            }
            if random.random() < 0.8:
                report |= {"outcome": "accepted", "operator": random.choice(self.operators)}
                report["answered_at"] = now.isoformat()
            else:
                report |= {"outcome": "missed", "missed_reason": "abandoned", "ended_at": now.isoformat()}
            await self.http.post("/calls/outcomes", json=report)
        elif len(callers) < self.MOST:
            callers.append((self._id(), now))

    async def aclose(self) -> None:
        await self.http.aclose()


async def run_lead_demo(args: argparse.Namespace) -> int:
    """The demo server with the team, the lead's desktop with the Team window open, the team at work
    until the window is closed (or ``--seconds``)."""
    from server.seed import demo_team_names
    from ui.demo import DemoServer
    from ui.demo_console import free_port
    from ui.i18n import Language
    from ui.main import Desktop, DesktopOptions
    from ui.theme_names import Theme

    with tempfile.TemporaryDirectory(prefix="ringdesk-demo-") as tmp:
        directory = Path(tmp)
        server = DemoServer(directory, team_size=TEAM_SIZE, calls_today=True)
        await server.start()
        team = TeamSimulator(server.url, demo_team_names(TEAM_SIZE), server.password)
        pbx = DemoPbx(server.url, server.source_key, demo_team_names(TEAM_SIZE))
        queues = asyncio.ensure_future(pbx.run())
        desktop = Desktop(
            DesktopOptions(
                server_url=server.url,
                user=LEAD_USER,
                password=server.password,
                phone_args=[
                    "--listen",
                    f"127.0.0.1:{free_port(socket.SOCK_DGRAM)}",
                    "--local-user",
                    LEAD_USER,
                    "--sip-log-level",
                    "0",
                    "--no-audio",
                ],
                language=Language(args.language),
                theme=Theme(args.theme),
                database=directory / "desk.db",
            )
        )
        working = asyncio.ensure_future(team.run())
        try:
            if not await desktop.start():
                return 1
            assert desktop.supervision is not None
            desktop.supervision.open_team()
            waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(desktop.closed.wait()), working]
            if args.seconds:
                waiters.append(asyncio.ensure_future(asyncio.sleep(args.seconds)))
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            if working.done() and not working.cancelled() and working.exception() is not None:
                raise working.exception()  # type: ignore[misc]
            print(f"demo: {team.changes} status changes by the team", flush=True)
            return 0
        finally:
            for task in (working, queues):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await desktop.stop()
            await team.aclose()
            await pbx.aclose()
            await server.stop()
