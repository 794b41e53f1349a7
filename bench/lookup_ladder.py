"""The lookup's ladder of floors: what each layer between a desk and the query costs over HTTP.

``bench.server_lookup`` measures the real route beside the minimal FastAPI floor (``bench.floor_apps``).
Both stood far above the 0.34 ms query (7.8 ms p95 for the floor, quiet), so the rungs below them are
served and measured in the same run, with the same client, in the same rotation of windows:

* **(a) raw ASGI, fixed JSON** (:func:`fixed_app`): uvicorn (uvloop, httptools, as ``serve``) and a
  55-byte answer; no framework, no database. What uvicorn and the loopback cost.
* **(b) raw ASGI + the query** (:func:`query_app`): the floor's SQL on one psycopg connection,
  prepared, run on the event loop (no thread hop, no pool, no SQLAlchemy); its row as JSON.
* the minimal FastAPI floor, and ours, from ``bench.server_lookup``; and ours with every lookup left
  to FastAPI's route (:func:`route_app`), what the lean layer (``server.api.lean_lookup``) is judged
  against.

And the client's own share, on rung (a): the bench's ``httpx.Client`` against :class:`WireClient`
(a keep-alive socket writing the request and reading ``Content-Length`` bytes: next to no client)
and ``httpx.AsyncClient``, which the desk uses (``app.client.api``).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import httpx

from bench.floor_apps import FloorServer
from server.settings import Settings

URL_ENV = "RINGDESK_FLOOR_DATABASE_URL"
LADDER_SQL = (
    "SELECT c.id, c.name, c.city, c.segment FROM contacts c "
    "JOIN contact_phones p ON p.contact_id = c.id WHERE p.e164 = %s"
)
"""``bench.floor_apps.LOOKUP_SQL`` in psycopg's placeholder style: rungs (b) and (c) run one query."""
FIXED = b'{"id":1,"name":"Contact 1","city":"Moscow","segment":"vip"}'
_JSON = [(b"content-type", b"application/json")]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [*_JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def fixed_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Rung (a): the same small JSON for any request."""
    if scope["type"] == "http":
        await _answer(send, 200, FIXED)


def query_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Rung (b), a uvicorn factory: each worker opens its own psycopg connection (autocommit) and
    prepares the statement on its first use (``prepare=True``)."""
    import psycopg

    url = os.environ[URL_ENV].replace("postgresql+psycopg://", "postgresql://", 1)
    conn = psycopg.connect(url, autocommit=True)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/health":  # what FloorServer polls while it starts
            await _answer(send, 200, b'{"status":"ok"}')
            return
        phone = parse_qs(scope["query_string"].decode("latin-1")).get("phone", [""])[0]
        row = conn.execute(LADDER_SQL, (phone,), prepare=True).fetchone()
        if row is None:
            await _answer(send, 404, b'{"detail":"no contact has this number"}')
            return
        body = {"id": row[0], "name": row[1], "city": row[2], "segment": row[3]}
        await _answer(send, 200, json.dumps(body, ensure_ascii=False).encode())

    return app


def route_app() -> Any:
    """Ours with every lookup left to FastAPI's route (``RingdeskAPI.lean_lookup`` off), a uvicorn
    factory like ``serve --workers N``'s workers (settings from ``SETTINGS_ENV``, chain workers
    apart): the lean layer's before, measured beside it."""
    from server.api.main import app_from_environment

    api = app_from_environment()
    api.lean_lookup = False  # type: ignore[attr-defined]
    return api


def route_server(settings: Settings, log_dir: Path, name: str) -> FloorServer:
    """:func:`route_app` served by uvicorn with the options ``serve`` gives it."""
    from server.api.main import CHAINS_APART_ENV, SETTINGS_ENV, settings_for_workers

    server = FloorServer(
        settings.database_url, log_dir, name, operator_id=0, target="bench.lookup_ladder:route_app"
    )
    server.env.update({SETTINGS_ENV: settings_for_workers(settings), CHAINS_APART_ENV: "1"})
    return server


def ladder_server(url: str, log_dir: Path, name: str, *, query: bool) -> FloorServer:
    """Rung (b) (``query``) or (a), served by uvicorn with the options ``serve`` gives it."""
    target = "bench.lookup_ladder:query_app" if query else "bench.lookup_ladder:fixed_app"
    return FloorServer(url, log_dir, name, operator_id=0, target=target, factory=query, lifespan=False)


class WireClient:
    """A keep-alive HTTP/1.1 client with next to nothing in it: the request's bytes written, the
    answer's head read up to its blank line and ``Content-Length`` bytes of body. What the loopback
    and the server cost, without a client library's (the figure beside ``httpx``'s)."""

    def __init__(self, base_url: str) -> None:
        host, port = base_url.split("//", 1)[1].rsplit(":", 1)
        self._address = (host, int(port))
        self._sock = self._connect()
        self._buffer = b""
        self.reconnects = 0
        """Connections the server closed while idle (uvicorn keeps one alive 5 s), opened again."""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self._address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def get(self, path: str, phone: str, headers: dict[str, str]) -> tuple[int, bytes]:
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = f"GET {path}?phone={quote(phone)} HTTP/1.1\r\nHost: {self._address[0]}\r\n{extra}\r\n"
        try:
            return self._exchange(request.encode("latin-1"))
        except ConnectionError:  # closed while idle: once more on a new connection, as httpx does
            self._sock.close()
            self._sock, self._buffer = self._connect(), b""
            self.reconnects += 1
            return self._exchange(request.encode("latin-1"))

    def _exchange(self, request: bytes) -> tuple[int, bytes]:
        self._sock.sendall(request)
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._recv()
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = next(
            int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:")
        )
        while len(rest) < length:
            rest += self._recv()
        self._buffer = rest[length:]
        return int(lines[0].split()[1]), rest[:length]

    def _recv(self) -> bytes:
        chunk = self._sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def close(self) -> None:
        self._sock.close()


Timed = list[tuple[float, int, bytes]]
"""(ms, status, body) per request of a window."""


class Caller:
    """One client kind, sending a window's lookups one after the other and timing each from sending
    the request to holding the whole answer: ``httpx`` (sync, as the bench), ``wire``
    (:class:`WireClient`) or ``httpx-async`` (the desk's kind, on an asyncio loop of its own)."""

    def __init__(self, kind: str, base_url: str, headers: dict[str, str]) -> None:
        self.kind = kind
        self.headers = headers
        self._wire = WireClient(base_url) if kind == "wire" else None
        self._sync = httpx.Client(base_url=base_url, headers=headers, timeout=30) if kind == "httpx" else None
        self._runner = asyncio.Runner() if kind == "httpx-async" else None
        self._async: httpx.AsyncClient | None = None
        if self._runner is not None:
            self._async = self._runner.run(self._open_async(base_url))

    async def _open_async(self, base_url: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=base_url, headers=self.headers, timeout=30)

    def window(self, path: str, phones: list[str]) -> Timed:
        if self._runner is not None:
            return self._runner.run(self._async_window(path, phones))
        timed: Timed = []
        for phone in phones:
            t0 = time.perf_counter()
            if self._wire is not None:
                status, body = self._wire.get(path, phone, self.headers)
            else:
                assert self._sync is not None
                response = self._sync.get(path, params={"phone": phone})
                status, body = response.status_code, response.content
            timed.append(((time.perf_counter() - t0) * 1000, status, body))
        return timed

    async def _async_window(self, path: str, phones: list[str]) -> Timed:
        assert self._async is not None
        timed: Timed = []
        for phone in phones:
            t0 = time.perf_counter()
            response = await self._async.get(path, params={"phone": phone})
            timed.append(((time.perf_counter() - t0) * 1000, response.status_code, response.content))
        return timed

    def close(self) -> None:
        if self._wire is not None:
            self._wire.close()
        if self._sync is not None:
            self._sync.close()
        if self._runner is not None:
            assert self._async is not None
            self._runner.run(self._async.aclose())
            self._runner.close()


__all__ = ["FIXED", "LADDER_SQL", "Caller", "WireClient", "fixed_app", "ladder_server", "query_app"]
