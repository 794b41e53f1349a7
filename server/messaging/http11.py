"""A lean HTTP/1.1 POST client for one provider origin: a few keep-alive connections, ``h11`` for the
protocol (what httpx itself runs on), nothing else.

Why not ``httpx.AsyncClient``: sending the chains' SMS, its connection pool cost about 3 ms of CPU
per request at 32 in flight (each request walks every pooled connection and asks each socket whether
it is readable: ``getpeername`` and ``poll`` per connection per request), more than all the database
work of a chain step; this client costs a fraction of a millisecond (docs/chains.md, "Performance").
It keeps what the provider shape needs: HTTPS with the system's certificates, no redirects, no proxy
from the environment, a total timeout per request.

A request on a reused connection that fails before any byte of its answer came back (the provider
closed an idle keep-alive connection: the usual race) is sent once more on a fresh connection. That
is safe only because every request here carries an ``Idempotency-Key`` the provider de-duplicates on:
the same message, not a second SMS. Any other failure is the caller's (a retry with backoff).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

MAX_BODY = 1 << 20
"""An answer larger than this is refused (the provider answers a small JSON object)."""


class HttpError(Exception):
    """The request failed without an HTTP answer (connection, protocol, timeout): retried later."""


class _Stale(Exception):
    """A reused connection was closed before any byte of the answer: send again on a fresh one."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.protocol = h11.Connection(h11.CLIENT)
        self.used = False

    def usable(self) -> bool:
        return not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class KeepAliveClient:
    """POSTs to ``url`` over at most ``size`` connections at once."""

    def __init__(
        self, url: str, *, size: int, timeout: float, headers: Mapping[str, str] | None = None
    ) -> None:
        parts = urlsplit(url)
        self.invalid = (
            None if parts.scheme in ("http", "https") and parts.hostname else f"not an http(s) URL: {url!r}"
        )
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_port = self.port == (443 if parts.scheme == "https" else 80)
        host_header = self.host if default_port else f"{parts.hostname}:{self.port}"
        self.headers = [("Host", host_header), *(headers or {}).items()]
        self.timeout = timeout
        self._slots = asyncio.Semaphore(size)
        self._idle: list[_Connection] = []

    async def post(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        """POST ``body`` (JSON) with ``headers``; :class:`HttpError` when no answer came (also for a
        URL that is not http(s): an admin may still fix the setting, the message waits)."""
        if self.invalid:
            raise HttpError(self.invalid)
        async with self._slots:
            try:
                async with asyncio.timeout(self.timeout):
                    while True:
                        connection = await self._connection()
                        try:
                            answer = await self._exchange(connection, body, headers)
                        except _Stale:
                            connection.close()
                            continue
                        except BaseException:
                            connection.close()
                            raise
                        self._release(connection)
                        return answer
            except TimeoutError:
                raise HttpError("timeout") from None
            except (OSError, h11.ProtocolError, asyncio.IncompleteReadError) as exc:
                raise HttpError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from exc

    async def _connection(self) -> _Connection:
        while self._idle:
            connection = self._idle.pop()
            if connection.usable():
                return connection
            connection.close()
        reader, writer = await asyncio.open_connection(
            self.host, self.port, ssl=self.ssl, server_hostname=self.host if self.ssl else None
        )
        return _Connection(reader, writer)

    def _release(self, connection: _Connection) -> None:
        protocol = connection.protocol
        if protocol.our_state is h11.DONE and protocol.their_state is h11.DONE:
            protocol.start_next_cycle()
            connection.used = True
            self._idle.append(connection)
        else:
            connection.close()

    async def _exchange(self, connection: _Connection, body: bytes, headers: Mapping[str, str]) -> Answer:
        protocol = connection.protocol
        request = h11.Request(
            method="POST",
            target=self.target,
            headers=[
                *self.headers,
                *headers.items(),
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ],
        )
        data = protocol.send(request) + protocol.send(h11.Data(data=body)) + protocol.send(h11.EndOfMessage())
        reused = connection.used
        try:
            connection.writer.write(data)
            await connection.writer.drain()
        except ConnectionError:
            if reused:
                raise _Stale from None
            raise
        status: int | None = None
        chunks: list[bytes] = []
        size = 0
        while True:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                try:
                    raw = await connection.reader.read(65536)
                except ConnectionError:
                    if reused and status is None:
                        raise _Stale from None
                    raise
                if not raw and reused and status is None:
                    raise _Stale
                protocol.receive_data(raw)
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size > MAX_BODY:
                    raise h11.RemoteProtocolError("answer too large")
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                assert status is not None
                return Answer(status, b"".join(chunks))
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionResetError("the provider closed the connection")
            # h11.InformationalResponse (100 Continue): wait for the real answer

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
            with contextlib.suppress(Exception):
                await connection.writer.wait_closed()
