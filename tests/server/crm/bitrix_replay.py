"""A Bitrix24 portal replayed: a real HTTP server on a free port answering the adapter's REST calls
with the recorded answers in ``recorded/`` (shaped after Bitrix24's documentation examples; see
``recorded/README.md``), so the adapter's real httpx client talks real HTTP to it.

* ``/rest/<user>/<token>/<method>.json``: a wrong token gets ``INVALID_CREDENTIALS`` (401), an
  unknown method ``ERROR_METHOD_NOT_FOUND`` (404), like a portal.
* ``crm.duplicate.findbycomm`` / ``crm.contact.get`` answer from :attr:`BitrixReplay.known`
  (number -> recorded contact): the recorded ``findbycomm`` answer with that contact's id in it.
* :meth:`BitrixReplay.queue` puts answers ahead for a method (``query_limit_exceeded.json``,
  ``expired_token.json``, ``garbage.html``, ``HANG``: the request is held until the test ends).
* Every request is recorded with its parameters and arrival time; tests wait on
  :meth:`BitrixReplay.wait_for` (a condition variable, never a sleep).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tests.support.ports import free_port

RECORDED = Path(__file__).with_name("recorded")
HANG = "HANG"
TOKEN = "x7k2p9q4m1r8s3t6"
METHODS = {
    "profile": "profile.json",
    "crm.contact.add": "contact_add.json",
    "telephony.externalcall.register": "register.json",
    "telephony.externalcall.finish": "finish.json",
    "telephony.externalCall.attachRecord": "attach_record.json",
}


def recorded(name: str) -> tuple[int, bytes, str]:
    """``(status, body, content type)`` of a recorded answer."""
    path = RECORDED / name
    if path.suffix == ".html":
        return 200, path.read_bytes(), "text/html; charset=utf-8"
    doc = json.loads(path.read_text(encoding="utf-8"))
    return int(doc["status"]), json.dumps(doc["body"], ensure_ascii=False).encode(), "application/json"


def recorded_body(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))["body"]


@dataclass(frozen=True)
class Request:
    method: str
    params: dict[str, Any]
    at: float
    token_ok: bool


class BitrixReplay:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.known: dict[str, str] = {}
        """E.164 number -> the recorded ``crm.contact.get`` answer of its contact."""
        self.requests: list[Request] = []
        self._queued: dict[str, deque[str]] = defaultdict(deque)
        self._changed = threading.Condition()
        self._release = threading.Event()
        self.port = free_port()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                try:
                    params = json.loads(raw) if raw else {}
                except ValueError:
                    params = {"_raw": raw.decode(errors="replace")}
                parts = self.path.strip("/").split("/")
                ok = len(parts) == 4 and parts[0] == "rest" and parts[2] == replay.token
                method = parts[-1].removesuffix(".json") if parts else ""
                with replay._changed:
                    replay.requests.append(Request(method, params, time.monotonic(), ok))
                    replay._changed.notify_all()
                answer = replay._answer(method, params, ok)
                if answer == HANG:
                    replay._release.wait(60)
                    return
                status, body, kind = answer
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="bitrix-replay")

    @property
    def url(self) -> str:
        """The inbound webhook's URL, as an admin would copy it from the portal."""
        return f"http://127.0.0.1:{self.port}/rest/1/{self.token}/"

    def queue(self, method: str, *answers: str) -> None:
        """Answer the next requests of ``method`` with these recorded files (or :data:`HANG`)."""
        with self._changed:
            self._queued[method].extend(answers)

    def _answer(self, method: str, params: dict[str, Any], token_ok: bool) -> tuple[int, bytes, str] | str:
        if not token_ok:
            return recorded("invalid_credentials.json")
        with self._changed:
            queued = self._queued[method]
            name = queued.popleft() if queued else None
        if name == HANG:
            return HANG
        if name is not None:
            return recorded(name)
        if method == "crm.duplicate.findbycomm":
            values = params.get("VALUES") or []
            contact = self.known.get(str(values[0])) if values else None
            if contact is None:
                return recorded("findbycomm_none.json")
            body = recorded_body("findbycomm_found.json")
            body["result"]["CONTACT"] = [int(recorded_body(contact)["result"]["ID"])]
            return 200, json.dumps(body).encode(), "application/json"
        if method == "crm.contact.get":
            for contact in self.known.values():
                if str(recorded_body(contact)["result"]["ID"]) == str(params.get("id")):
                    return recorded(contact)
            return recorded("method_not_found.json")
        if method in METHODS:
            return recorded(METHODS[method])
        return recorded("method_not_found.json")

    def of(self, method: str) -> list[Request]:
        with self._changed:
            return [r for r in self.requests if r.method == method]

    def wait_for(self, condition: Callable[[list[Request]], bool], timeout: float = 20) -> list[Request]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self.requests):
                left = deadline - time.monotonic()
                assert left > 0, f"the portal never saw that: {[(r.method, r.params) for r in self.requests]}"
                self._changed.wait(left)
            return list(self.requests)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
