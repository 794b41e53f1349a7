"""An SMS provider of the shape docs/integrations.md describes, for tests: ``POST /sms`` with a
bearer token and an ``Idempotency-Key``; a key seen before is answered with its first answer and
no second SMS (``messages`` holds each SMS once, ``requests`` every POST). ``down`` answers 503;
``on_message`` runs before the answer (the kill -9 test kills the ringdesk server there);
``report(uid, status)`` posts a delivery report to the message's ``report_url``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import httpx

from tests.support.ports import free_port

TOKEN = "sms-token-0123456789"


@dataclass(frozen=True)
class Request:
    key: str | None
    body: dict[str, Any]


class SmsProvider:
    def __init__(self) -> None:
        self.port = free_port("tcp")
        self.url = f"http://127.0.0.1:{self.port}/sms"
        self.requests: list[Request] = []
        self.messages: dict[str, dict[str, Any]] = {}
        """By idempotency key: each SMS the provider really sends."""
        self.down = False
        self.on_message: Callable[[Request], None] | None = None
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._answer(401, {"error": "bad token"})
                    return
                request = Request(self.headers.get("Idempotency-Key"), body)
                with owner.lock:
                    owner.requests.append(request)
                    down = owner.down
                if down:
                    self._answer(503, {"error": "maintenance"})
                    return
                if owner.on_message is not None:
                    owner.on_message(request)
                with owner.lock:
                    key = request.key or str(len(owner.requests))
                    first = owner.messages.setdefault(
                        key, {**body, "provider_id": f"p-{len(owner.messages) + 1}"}
                    )
                self._answer(202, {"id": first["provider_id"], "status": "accepted"})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="sms-provider", daemon=True)

    def settings(self) -> dict[str, Any]:
        return {
            "sms_provider": "http",
            "sms_http_url": self.url,
            "sms_http_token": TOKEN,
            "sms_sender": "RINGDESK",
        }

    def wait_for(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages.values())
            assert time.monotonic() < deadline, f"the provider got {len(self.messages)} of {count} SMS"
            time.sleep(0.01)

    def report(self, key: str, status: str) -> httpx.Response:
        url = self.messages[key]["report_url"]
        return httpx.post(url, json={"status": status}, timeout=5)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
