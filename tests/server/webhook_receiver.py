"""A real HTTP server standing in for a CRM that receives ringdesk's webhooks.

It listens on a free port of its own (``tests.support.ports``) in a thread, records every request
(headers, raw body, arrival time) and answers as its ``mode`` says: ``ok`` (204), ``fail`` (500), or
``hang`` (holds the request open until :meth:`Receiver.close`). Tests wait on what arrived with
:meth:`Receiver.wait_for`, a condition variable, never a sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal, Self

from tests.support.ports import free_port

Mode = Literal["ok", "fail", "hang"]


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def delivery(self) -> str:
        return self.headers["ringdesk-delivery"]


class Receiver:
    def __init__(self, mode: Mode = "ok") -> None:
        self.mode: Mode = mode
        self.received: list[Received] = []
        self._changed = threading.Condition()
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._changed:
                    receiver.received.append(
                        Received(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                        )
                    )
                    receiver._changed.notify_all()
                mode = receiver.mode
                if mode == "hang":
                    receiver._release.wait(60)
                    return  # the client gave up long ago: nothing to answer
                try:
                    self.send_response(204 if mode == "ok" else 500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port("tcp")), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook-receiver", daemon=True
        )

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/hooks/ringdesk"

    def wait_for(self, condition: Callable[[list[Received]], bool], timeout: float = 20.0) -> list[Received]:
        """What arrived, once ``condition`` holds for it; AssertionError after ``timeout``."""
        with self._changed:
            if not self._changed.wait_for(lambda: condition(self.received), timeout):
                raise AssertionError(f"the receiver got {len(self.received)} requests, not what was expected")
            return list(self.received)

    def start(self) -> Self:
        self._thread.start()
        return self

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
