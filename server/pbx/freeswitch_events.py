"""FreeSWITCH ``mod_callcenter`` member events over a second event-socket connection.

The queue adapter's connection (``server.pbx.freeswitch``) reads ``api`` replies in lock-step, so
events would be in its way; this one only listens: ``event plain CUSTOM callcenter::info``, and each
``text/event-plain`` message (URL-encoded ``Key: Value`` lines) goes to ``on_event``. It reconnects
like the adapter. ``on_subscribed`` (the waiting callers' resync, ``server.pbx.waiting``) runs after
each subscription with an ``api`` function on this same connection: the events that arrive before
an ``api`` answer are handed on in order, so none is lost or reordered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from server.pbx.freeswitch import RETRY_MAX_S, RETRY_MIN_S, read_reply

log = logging.getLogger("ringdesk.server.pbx.freeswitch")


def parse_plain(body: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in body.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip()] = unquote(value.strip())
    return headers


class CallcenterEvents:
    """Listens for ``callcenter::info`` events and hands their headers to ``on_event``."""

    def __init__(
        self,
        host: str,
        port: int,
        password: str,
        on_event: Callable[[dict[str, str]], None],
        *,
        on_subscribed: Callable[[Callable[[str], Awaitable[str]]], Awaitable[None]] | None = None,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self.host, self.port, self.password = host, port, password
        self.on_event = on_event
        self.on_subscribed = on_subscribed
        self.on_lost = on_lost
        self.subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ringdesk-esl-events")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        delay = RETRY_MIN_S
        while True:
            writer: asyncio.StreamWriter | None = None
            try:
                reader, writer = await asyncio.open_connection(self.host, self.port)
                headers, _ = await read_reply(reader)
                if headers.get("Content-Type") != "auth/request":
                    raise ConnectionError("not a FreeSWITCH event socket")
                for command in (f"auth {self.password}", "event plain CUSTOM callcenter::info"):
                    writer.write(f"{command}\n\n".encode())
                    await writer.drain()
                    headers, _ = await read_reply(reader)
                    if not headers.get("Reply-Text", "").startswith("+OK"):
                        raise ConnectionError(f"event socket refused {command.split()[0]}: {headers}")
                self.subscribed.set()
                delay = RETRY_MIN_S
                if self.on_subscribed is not None:
                    await self.on_subscribed(self._api(reader, writer))
                while True:
                    self._handle(*await read_reply(reader))
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as exc:
                log.warning(
                    "event socket (events) lost", extra={"event": "esl.events_lost", "error": str(exc)}
                )
            finally:
                self.subscribed.clear()
                if writer is not None:
                    writer.close()
                if self.on_lost is not None:
                    self.on_lost()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    def _handle(self, headers: dict[str, str], body: str) -> None:
        if headers.get("Content-Type") == "text/event-plain":
            try:
                self.on_event(parse_plain(body))
            except Exception:  # one bad event must not end the subscription
                log.exception("callcenter event failed", extra={"event": "esl.event_failed"})

    def _api(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> Callable[[str], Awaitable[str]]:
        async def api(command: str) -> str:
            writer.write(f"api {command}\n\n".encode())
            await writer.drain()
            while True:
                headers, body = await read_reply(reader)
                if headers.get("Content-Type") == "api/response":
                    return body
                self._handle(headers, body)

        return api
