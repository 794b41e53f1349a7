"""The SMS provider the chains benchmark sends to: ``python -m bench.sms_standin PORT TOKEN``.

Why not ``tests.support.sms_provider`` (a ``ThreadingHTTPServer``): in the bench it shared the bench
process (and its GIL) with the client posting dispositions, answered HTTP/1.0 (a new connection per
SMS) from a listen backlog of 5, and cost more CPU per SMS than the server spent on the chain. Its
connection resets made sends fail (``ReadError``) and those chains wait out a 30 s backoff: what the
bench measured then was the stand-in. This one is an asyncio protocol in a process of its own:
HTTP/1.1 keep-alive, a backlog of 1024, the answer of the documented shape (202 and ``{"id"}``), the
same answer again for an ``Idempotency-Key`` seen before (counted: the bench's "sent twice"). The
body is not parsed: the server's side of the send is what is measured. Its own CPU time per request
is printed on exit so the bench can show it as the floor it is.

On SIGTERM it prints one JSON line, ``{"requests", "twice", "unauthorised", "cpu_s"}``, and exits.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time


class Counts:
    def __init__(self, token: str) -> None:
        self.auth = f"bearer {token}".lower().encode()
        self.seen: dict[bytes, bytes] = {}
        self.requests = 0
        self.twice = 0
        self.unauthorised = 0

    def answer(self, head: bytes) -> bytes:
        """The response to one request whose header block is ``head`` (lower-cased)."""
        self.requests += 1
        if b"authorization: " + self.auth not in head:
            self.unauthorised += 1
            return _response(401, b'{"error": "bad token"}')
        key = _header(head, b"idempotency-key")
        if key is None:
            key = str(self.requests).encode()
        first = self.seen.get(key)
        if first is None:
            first = self.seen[key] = b'{"id": "p-%d", "status": "accepted"}' % (len(self.seen) + 1)
        else:
            self.twice += 1
        return _response(202, first)


def _header(head: bytes, name: bytes) -> bytes | None:
    at = head.find(b"\r\n" + name + b":")
    if at < 0:
        return None
    start = at + len(name) + 3
    end = head.find(b"\r\n", start)
    return head[start : end if end >= 0 else len(head)].strip()


def _response(status: int, body: bytes) -> bytes:
    reason = b"Accepted" if status == 202 else b"Unauthorized"
    return b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        status,
        reason,
        len(body),
        body,
    )


class Responder(asyncio.Protocol):
    """HTTP/1.1 requests with a ``Content-Length`` body (what httpx sends), pipelining included."""

    def __init__(self, counts: Counts) -> None:
        self.counts = counts
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        out: list[bytes] = []
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self.buffer[:end].lower()
            length_raw = _header(head, b"content-length")
            length = int(length_raw) if length_raw else 0
            if len(self.buffer) < end + 4 + length:
                break
            self.buffer = self.buffer[end + 4 + length :]
            out.append(self.counts.answer(head))
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


async def serve(port: int, token: str) -> Counts:
    counts = Counts(token)
    loop = asyncio.get_running_loop()
    sock = socket.create_server(("127.0.0.1", port), backlog=1024)
    server = await loop.create_server(lambda: Responder(counts), sock=sock)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    return counts


def main() -> None:
    port, token = int(sys.argv[1]), sys.argv[2]
    counts = asyncio.run(serve(port, token))
    print(
        json.dumps(
            {
                "requests": counts.requests,
                "twice": counts.twice,
                "unauthorised": counts.unauthorised,
                "cpu_s": time.process_time(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
