"""A misbehaving HTTP proxy in front of the real server, for the hostile-server proof.

Each request gets one behaviour (every one once first, then drawn at random, seeded): passed through
untouched; answered 500 or 503 + ``Retry-After`` without reaching the server; passed to the server
and then answered 502, or never answered (a timeout), or cut off (the connection dropped after the
server committed); the server's answer with its JSON cut in half; or a captive portal's HTML page
with a 200. One request per connection (``Connection: close``), so every behaviour is cleanly one
request's fate.

Runs its own event loop in a thread; ``/auth/*`` always passes, so the proof is about the records.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from enum import Enum

import httpx


class Fate(Enum):
    PASS = "pass"
    FAIL_500 = "500 before the server"
    BUSY_503 = "503 + Retry-After before the server"
    BAD_GATEWAY_AFTER = "502 after the server committed"
    SILENT_AFTER = "no answer after the server committed"
    DROP_BEFORE = "connection dropped before the server"
    DROP_AFTER = "connection dropped after the server committed"
    MALFORMED_AFTER = "JSON cut in half after the server committed"
    CAPTIVE_PORTAL = "200 with an HTML page, server never reached"


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


WEIGHTS = {
    Fate.PASS: 40,
    Fate.FAIL_500: 8,
    Fate.BUSY_503: 1,
    Fate.BAD_GATEWAY_AFTER: 8,
    Fate.SILENT_AFTER: 2,
    Fate.DROP_BEFORE: 8,
    Fate.DROP_AFTER: 12,
    Fate.MALFORMED_AFTER: 12,
    Fate.CAPTIVE_PORTAL: 6,
}


def _response(status: int, reason: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class HostileProxy:
    def __init__(self, upstream: str, *, seed: int = 3, silence_s: float = 1.0) -> None:
        self.upstream = upstream
        self.silence_s = silence_s
        self.fates: Counter[Fate] = Counter()
        self.log: list[tuple[str, Fate, float]] = []
        """(Idempotency-Key, fate, monotonic time) of every record request."""
        self._rng = random.Random(seed)
        self._first = [fate for fate in Fate if fate is not Fate.PASS]
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.port = 0
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostileProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with httpx.AsyncClient(base_url=self.upstream, timeout=30) as upstream:
            server = await asyncio.start_server(
                lambda r, w: self._handle(upstream, r, w), host="127.0.0.1", port=0
            )
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            async with server:
                await self._stop.wait()

    async def _handle(
        self, upstream: httpx.AsyncClient, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
            body = await reader.readexactly(length) if length else b""
            fate = Fate.PASS if target.startswith("/auth/") else self._draw()
            self.fates[fate] += 1
            key = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), None)
            if key is None and target.startswith("/dispositions/batch"):
                with contextlib.suppress(ValueError, KeyError, IndexError, TypeError):
                    key = json.loads(body)["items"][0]["idempotency_key"]  # a batch: its first record
            if key is not None:
                self.log.append((key, fate, time.monotonic()))
            await self._act(fate, upstream, Request(method, target, headers, body), writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
                await writer.wait_closed()

    def _draw(self) -> Fate:
        if self._first:  # every fate at least once, whatever the dice say
            return self._first.pop()
        return self._rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]

    async def _act(
        self, fate: Fate, upstream: httpx.AsyncClient, request: Request, writer: asyncio.StreamWriter
    ) -> None:
        method, target, headers, body = request.method, request.target, request.headers, request.body
        if fate is Fate.FAIL_500:
            writer.write(_response(500, "Internal Server Error", b'{"detail":"boom"}', {}))
        elif fate is Fate.BUSY_503:
            writer.write(_response(503, "Service Unavailable", b"{}", {"Retry-After": "1"}))
        elif fate is Fate.CAPTIVE_PORTAL:
            writer.write(_response(200, "OK", b"<html><body>Log in to the hotel Wi-Fi</body></html>", {}))
        elif fate is Fate.DROP_BEFORE:
            writer.transport.abort()
            return
        else:
            forward = {
                k: v for k, v in headers.items() if k.lower() not in ("host", "connection", "content-length")
            }
            answer = await upstream.request(method, target, headers=forward, content=body)
            content = answer.content
            if fate is Fate.BAD_GATEWAY_AFTER:
                writer.write(_response(502, "Bad Gateway", b"<html>bad gateway</html>", {}))
            elif fate is Fate.SILENT_AFTER:
                await asyncio.sleep(self.silence_s)
                writer.transport.abort()
                return
            elif fate is Fate.DROP_AFTER:
                writer.transport.abort()
                return
            else:
                if fate is Fate.MALFORMED_AFTER:
                    content = content[: len(content) // 2]
                kept = {
                    k: v
                    for k, v in answer.headers.items()
                    if k.lower()
                    not in ("content-length", "connection", "transfer-encoding", "content-encoding")
                }
                writer.write(_response(answer.status_code, answer.reason_phrase, content, kept))
        await writer.drain()
