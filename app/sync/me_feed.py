"""The operator's own live feed (``/me/live``): what a team lead decided about this operator.

A force arrives as a pending request (the operator is busy) and goes to the workstation, which applies
it after the current call (Finesse-style), or as a status change the server already applied (the
operator was idle), which the workstation takes over; a break request the lead approved is applied the
same way, as the operator's own choice; a refusal is shown. On every (re)connection the requests
still open are read too (``GET /requests?open=true``), so a force made while the feed was down is not
lost. A change of the catalogue (and every (re)connection, which may follow a missed one) calls
``on_catalogue`` so the desk reads it again. Those two reads after a (re)connection wait while a call
pops (``quiet``, issue 15): the desk's first connection often comes as the operator goes ready, and
both reads used to land in the first call's screen pop, on the server and on the GUI thread.

The feed runs in the desktop's event loop, reconnects with backoff when the server or the network
drops, and refreshes the access token before each connection (the socket carries it in the query).
The socket trusts what the API client trusts (its TLS context, :mod:`app.client.tls`).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import random
import sys
from collections.abc import Awaitable, Callable
from types import ModuleType

from app.client.answers import list_of
from app.client.api import ApiClient
from app.client.errors import ApiError
from app.wire.close_codes import CLOSE_UNAUTHENTICATED
from app.wire.requests import (
    CatalogueEvent,
    RequestEvent,
    RequestKind,
    RequestState,
    StatusRequestOut,
    parse_own_event,
)
from app.wire.statuses import StatusChangeOut, StatusSource

log = logging.getLogger("ringdesk.me_feed")


async def load_websockets() -> ModuleType:
    """The ``websockets`` library, imported off the GUI thread the first time a feed connects rather
    than when the desktop starts (issue 15: 25-110 ms of the start, on the thread that paints)."""
    loaded = sys.modules.get("websockets")
    if loaded is not None:
        return loaded
    return await asyncio.to_thread(importlib.import_module, "websockets")


class MeFeed:
    """Calls ``on_request`` with every request about this operator that the desktop must act on."""

    def __init__(
        self,
        api: ApiClient,
        on_request: Callable[[StatusRequestOut], None],
        *,
        on_status: Callable[[StatusChangeOut], None] = lambda change: None,
        on_connected: Callable[[bool], None] = lambda up: None,
        on_catalogue: Callable[[], None] = lambda: None,
        max_wait_s: float = 30.0,
    ) -> None:
        self.api = api
        self.on_request = on_request
        self.on_status = on_status
        self.on_catalogue = on_catalogue
        """The catalogue changed, or may have while the feed was down (called on every connect)."""
        self.on_connected = on_connected
        self.max_wait_s = max_wait_s
        self.seen: set[tuple[int, RequestState]] = set()
        self.quiet: Callable[[], Awaitable[None]] | None = None
        """Returns once no call pops (``None``: never wait): asked before the reads of a (re)connection."""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="me-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        websockets = await load_websockets()
        failures = 0
        while True:
            try:
                await self._session()
                failures = 0
            except asyncio.CancelledError:
                raise
            except (OSError, ApiError, websockets.WebSocketException, ValueError) as exc:
                failures += 1
                log.info("own live feed dropped (%s); reconnecting", exc)
            self.on_connected(False)
            wait = min(self.max_wait_s, 0.5 * 2 ** min(failures, 6))
            await asyncio.sleep(random.uniform(wait / 2, wait))

    async def _session(self) -> None:
        import websockets  # loaded by ``_run``

        url, token = await self.api.live_url("/me/live")  # a fresh access token in the query
        try:
            async with websockets.connect(url, ssl=self.api.live_tls, ping_interval=20) as socket:
                self.on_connected(True)
                if self.quiet is not None:  # a call ringing now: its card first
                    await self.quiet()
                self.on_catalogue()  # a change pushed while the feed was down was missed
                await self._open_requests()  # ...and so was a force or a decision
                async for message in socket:
                    event = parse_own_event(message if isinstance(message, str) else message.decode())
                    if isinstance(event, CatalogueEvent):
                        self.on_catalogue()
                    elif isinstance(event, RequestEvent):
                        self._request(event.request)
                    elif event.change.source is StatusSource.TEAM_LEAD:
                        self.on_status(event.change)  # a force the server applied at once
        except websockets.ConnectionClosed as closed:
            if closed.rcvd is None or closed.rcvd.code != CLOSE_UNAUTHENTICATED:
                raise
            await self.api.renew(token)  # expired or refused: the next connection gets a new one

    async def _open_requests(self) -> None:
        """Act on the requests still open (sent while this feed was down); asked after the socket is
        up, so nothing falls between the two. ``seen`` keeps a request from being acted on twice."""
        response = await self.api.request("GET", "/requests", params={"open": "true"})
        if response.status_code != 200:
            log.info("open requests not read: HTTP %s", response.status_code)
            return
        for request in reversed(list_of(StatusRequestOut).validate_json(response.content)):
            self._request(request)  # oldest first, as they were made

    def _request(self, request: StatusRequestOut) -> None:
        key = (request.id, request.state)
        if key in self.seen:
            return  # a reconnect may repeat what was already acted on
        self.seen.add(key)
        decided = (RequestState.APPROVED, RequestState.REFUSED)
        act = (request.kind is RequestKind.FORCE and request.state is RequestState.PENDING) or (
            request.kind is RequestKind.BREAK and request.state in decided
        )
        if act:
            self.on_request(request)
