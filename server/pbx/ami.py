"""A small asyncio Asterisk Manager Interface (AMI) client: login, actions matched to their
responses by ``ActionID``, events to a callback, and reconnection with a growing delay.

Why not panoramisk: its last release is from 2021 and the part we need (framed ``Key: Value``
messages over TCP, ~150 lines) is smaller than the dependency; owning it also makes the reconnect
behaviour explicit, which is the part the queue adapter relies on (``on_connected`` re-syncs).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger("ringdesk.server.pbx.ami")

Message = dict[str, str]
RETRY_MIN_S = 0.2
RETRY_MAX_S = 10.0
ACTION_TIMEOUT_S = 5.0


class AmiError(RuntimeError):
    """Asterisk answered ``Response: Error`` (``message`` is its ``Message``)."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action}: {message}")
        self.message = message


def encode(fields: Message) -> bytes:
    return "".join(f"{key}: {value}\r\n" for key, value in fields.items()).encode() + b"\r\n"


async def read_message(reader: asyncio.StreamReader) -> Message:
    """One message (lines up to a blank line); ``ConnectionError`` at end of stream."""
    fields: Message = {}
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("AMI connection closed")
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            if fields:
                return fields
            continue
        key, _, value = text.partition(":")
        fields[key.strip()] = value.strip()


@dataclass(frozen=True)
class AmiAddress:
    host: str
    port: int
    username: str
    secret: str

    @classmethod
    def parse(cls, url: str) -> AmiAddress:
        """``ami://user:secret@host:5038``."""
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme != "ami" or not parts.hostname or parts.username is None:
            raise ValueError("an AMI address looks like ami://user:secret@host:5038")
        return cls(parts.hostname, parts.port or 5038, unquote(parts.username), unquote(parts.password or ""))


class AmiClient:
    """One AMI connection, kept up (module notes). ``send`` raises ``ConnectionError`` while down."""

    def __init__(
        self,
        address: AmiAddress,
        *,
        on_event: Callable[[Message], None] | None = None,
        on_connected: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.address = address
        self._on_event = on_event
        self._on_connected = on_connected
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._lists: dict[str, tuple[list[Message], str, asyncio.Future[None]]] = {}
        """Actions answered by a list of events (``collect``): their events, the closing event."""
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.connections = 0
        """Successful logins so far (tests watch it to see a reconnect)."""
        self.on_lost: list[Callable[[], None]] = []
        """Called whenever the connection ends (what was learnt over it may be stale now)."""

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ringdesk-ami")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close()

    async def send(self, action: str, **fields: str) -> Message:
        """Send an action and wait for its response; :class:`AmiError` on ``Response: Error``."""
        writer = self._writer
        if writer is None or not self.connected.is_set():
            raise ConnectionError("not connected to the AMI")
        return await self._send(writer, action, fields)

    async def collect(self, action: str, complete: str, **fields: str) -> list[Message]:
        """Send an action answered by a list of events (``QueueStatus``: ``QueueParams``,
        ``QueueEntry``... then ``QueueStatusComplete``, the ``complete`` event) and return those
        events; they carry the action's ``ActionID`` and go to nobody else."""
        writer = self._writer
        if writer is None or not self.connected.is_set():
            raise ConnectionError("not connected to the AMI")
        action_id = f"rdk-{next(self._ids)}"
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        items: list[Message] = []
        self._lists[action_id] = (items, complete, done)
        try:
            await self._send(writer, action, fields, action_id)
            await asyncio.wait_for(done, ACTION_TIMEOUT_S)
        finally:
            self._lists.pop(action_id, None)
        return items

    async def _send(
        self, writer: asyncio.StreamWriter, action: str, fields: dict[str, str], action_id: str | None = None
    ) -> Message:
        action_id = action_id or f"rdk-{next(self._ids)}"
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = future
        try:
            writer.write(encode({"Action": action, "ActionID": action_id, **fields}))
            await writer.drain()
            response = await asyncio.wait_for(future, ACTION_TIMEOUT_S)
        finally:
            self._pending.pop(action_id, None)
        if response.get("Response", "").lower() == "error":
            raise AmiError(action, response.get("Message", ""))
        return response

    async def _run(self) -> None:
        delay = RETRY_MIN_S
        while True:
            try:
                reader, writer = await asyncio.open_connection(self.address.host, self.address.port)
            except OSError as exc:
                log.warning("AMI unreachable", extra={"event": "ami.connect_failed", "error": str(exc)})
            else:
                try:
                    await self._session(reader, writer)
                    delay = RETRY_MIN_S
                except (TimeoutError, ConnectionError, AmiError, OSError) as exc:
                    log.warning("AMI connection lost", extra={"event": "ami.lost", "error": str(exc)})
                finally:
                    await self._close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        banner = await reader.readline()
        if not banner.startswith(b"Asterisk Call Manager"):
            raise ConnectionError(f"not an AMI server: {banner[:60]!r}")
        reading = asyncio.create_task(self._read(reader))
        try:
            login = asyncio.create_task(
                self._send(
                    writer, "Login", {"Username": self.address.username, "Secret": self.address.secret}
                )
            )
            done, _ = await asyncio.wait({login, reading}, return_when=asyncio.FIRST_COMPLETED)
            if login not in done:
                login.cancel()
                await reading  # raises why the connection ended
            login.result()
            self.connections += 1
            self.connected.set()
            log.info("AMI connected", extra={"event": "ami.connected"})
            if self._on_connected is not None:
                await self._on_connected()
            await reading
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await reading

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            message = await read_message(reader)
            action_id = message.get("ActionID")
            # an event may carry Response and the ActionID too (OriginateResponse): it is an event
            if "Response" in message and "Event" not in message and action_id in self._pending:
                future = self._pending[action_id]
                if not future.done():
                    future.set_result(message)
            elif "Event" in message and action_id in self._lists:
                items, complete, done = self._lists[action_id]
                if message["Event"] == complete:
                    if not done.done():
                        done.set_result(None)
                else:
                    items.append(message)
            elif "Event" in message and self._on_event is not None:
                self._on_event(message)

    async def _close(self) -> None:
        self.connected.clear()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("AMI connection lost"))
        for _items, _complete, done in self._lists.values():
            if not done.done():
                done.set_exception(ConnectionError("AMI connection lost"))
        for lost in self.on_lost:
            lost()
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()
