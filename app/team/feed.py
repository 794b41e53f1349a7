"""The client that keeps a team board fed: a snapshot over HTTP, then pushes over the WebSocket,
reconnecting with a growing delay; plus the team lead's actions.

It runs its own asyncio loop in a thread, so a Qt window (or a benchmark) only receives events
through ``on_event`` (called on that thread: the UI re-emits them on its own thread) and sends
actions with :meth:`TeamFeed.submit`. Every (re)connect subscribes first and then reads the
snapshot (``/statuses/board``, open requests, thresholds, today's KPIs), so nothing stored in
between is lost: a push older than the snapshot is ignored by the board (``TeamBoard``).
KPIs are re-read every ``kpi_every`` seconds and after a call's ACW ends, never counted locally.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import websockets

from app.wire.dispositions import Catalogue
from app.wire.kpi import KpiReport
from app.wire.requests import LiveEvent, StatusRequestOut, parse_event
from app.wire.statuses import BoardRow, NotReadyReason, StatusChangeOut, Threshold

log = logging.getLogger("ringdesk.team.feed")
T = TypeVar("T")

RETRY_MIN_S = 0.5
RETRY_MAX_S = 15.0


@dataclass(frozen=True)
class Snapshot:
    rows: list[BoardRow]
    requests: list[StatusRequestOut]
    thresholds: list[Threshold]


@dataclass(frozen=True)
class Kpis:
    report: KpiReport


@dataclass(frozen=True)
class Connection:
    up: bool
    detail: str = ""


FeedEvent = Snapshot | Kpis | Connection | LiveEvent


class TeamFeed:
    """One team lead's live board connection (module notes). ``token`` returns a valid access token
    (it may refresh); ``tz`` is the team lead's zone, for "today" in the KPIs."""

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        on_event: Callable[[FeedEvent], None],
        *,
        tz: str = "UTC",
        kpi_every: float = 60.0,
        kpi_min_interval: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._on_event = on_event
        self._tz = tz
        self._kpi_every = kpi_every
        self._kpi_min_interval = kpi_min_interval
        self._transport = transport
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="ringdesk-team-feed", daemon=True)
        self._task: Future[None] | None = None
        self._http: httpx.AsyncClient | None = None
        self._kpi_due = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._thread.start()
        self._task = asyncio.run_coroutine_threadsafe(self._run(), self._loop)

    def stop(self) -> None:
        """Close the socket and the HTTP client and end the thread (waits up to a few seconds)."""
        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()

    async def _shutdown(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    def submit(self, action: Callable[[httpx.AsyncClient], Awaitable[T]]) -> Future[T]:
        """Run ``action`` with the authorised HTTP client on the feed's loop."""

        async def run() -> T:
            return await action(await self._client())

        coroutine: Coroutine[Any, Any, T] = run()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    # ------------------------------------------------------------------ actions
    def force(self, operator: str, status: str, reason: str | None) -> Future[StatusRequestOut]:
        body = {"operator": operator, "kind": "force", "status": status, "reason": reason}
        return self.submit(lambda http: self._post_request(http, "/requests", body))

    def decide(self, request_id: int, approve: bool) -> Future[StatusRequestOut]:
        body = {"approve": approve}
        return self.submit(lambda http: self._post_request(http, f"/requests/{request_id}/decision", body))

    def history(self, operator: str, limit: int = 200) -> Future[list[StatusChangeOut]]:
        async def get(http: httpx.AsyncClient) -> list[StatusChangeOut]:
            response = await http.get("/statuses/history", params={"operator": operator, "limit": limit})
            response.raise_for_status()
            return [StatusChangeOut.model_validate(item) for item in response.json()][-limit:]

        return self.submit(get)

    def reasons(self) -> Future[list[NotReadyReason]]:
        """The active not-ready reasons (what a team lead may force)."""

        async def get(http: httpx.AsyncClient) -> list[NotReadyReason]:
            response = await http.get("/catalogue")
            response.raise_for_status()
            return [r for r in Catalogue.model_validate_json(response.content).reasons if r.active]

        return self.submit(get)

    @staticmethod
    async def _post_request(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> StatusRequestOut:
        response = await http.post(path, json=body)
        if response.status_code >= 400:
            detail = (
                response.json().get("detail", response.text) if response.content else response.reason_phrase
            )
            raise RuntimeError(str(detail))
        return StatusRequestOut.model_validate(response.json())

    # ------------------------------------------------------------------ the loop
    async def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.base_url, timeout=10, transport=self._transport)
        self._http.headers["Authorization"] = f"Bearer {self._token()}"
        return self._http

    async def _run(self) -> None:
        delay = RETRY_MIN_S
        while True:
            try:
                await self._session()
                delay = RETRY_MIN_S
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network, server restart, expired token: reconnect
                log.info("team feed lost", extra={"event": "team_feed.lost", "error": str(exc)})
                self._on_event(Connection(False, str(exc)))
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    async def _session(self) -> None:
        ws_url = self.base_url.replace("http", "ws", 1) + "/statuses/live"
        url = f"{ws_url}?requests=true&token={self._token()}"
        async with websockets.connect(url, max_queue=4096, ping_interval=20) as socket:
            await self._snapshot()
            self._on_event(Connection(True))
            kpis = asyncio.create_task(self._kpi_loop())
            try:
                async for message in socket:
                    event = parse_event(message if isinstance(message, str) else message.decode())
                    self._on_event(event)
                    if event.kind == "status" and event.change.status.value in (
                        "ready",
                        "not_ready",
                        "offline",
                    ):
                        self._kpi_due.set()  # a call's handling may have ended: re-read KPIs soon
            finally:
                kpis.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await kpis
        raise ConnectionError(f"feed closed ({socket.close_code}: {socket.close_reason})")

    async def _snapshot(self) -> None:
        http = await self._client()
        board, requests, thresholds = await asyncio.gather(
            http.get("/statuses/board"),
            http.get("/requests", params={"open": "true"}),
            http.get("/thresholds"),
        )
        for response in (board, requests, thresholds):
            response.raise_for_status()
        self._on_event(
            Snapshot(
                rows=[BoardRow.model_validate(r) for r in board.json()],
                requests=[StatusRequestOut.model_validate(r) for r in requests.json()],
                thresholds=[Threshold.model_validate(t) for t in thresholds.json()],
            )
        )
        await self._kpis()

    async def _kpis(self) -> None:
        http = await self._client()
        response = await http.get("/kpi", params={"tz": self._tz})
        response.raise_for_status()
        self._on_event(Kpis(KpiReport.model_validate_json(response.content)))

    async def _kpi_loop(self) -> None:
        """Re-read KPIs every ``kpi_every`` s, or sooner after a call ends, but never more often
        than ``kpi_min_interval`` s: a busy centre changes statuses several times a second."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kpi_due.wait(), self._kpi_every)
                await asyncio.sleep(self._kpi_min_interval)  # a burst of changes makes one read
            self._kpi_due.clear()
            with contextlib.suppress(httpx.HTTPError):
                await self._kpis()
