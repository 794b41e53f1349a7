"""The outermost layer of the app: request id, request log, last-resort 500, JSON 413.

* One JSON log line per HTTP request: method, path (never the query string: it may carry a token),
  status, duration, client address, request id and user id. A client may pass ``X-Request-ID``
  (letters, digits, ``._-``, up to 64 characters); otherwise one is generated. It is echoed back.
* An unhandled exception is logged here, once, with its traceback; the client gets a JSON 500 with
  the request id (from the ``Exception`` handler in ``errors``, or from here if nothing was sent).
* FastAPI's body-size limit answers a too-large declared ``Content-Length`` with a plain-text 413
  from a layer user middleware cannot reach; being outermost, this layer turns it into JSON.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("ringdesk.server.http")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
TOO_LARGE = {"detail": "the request body is too large"}


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _REQUEST_ID_RE.match(text) else None
    return None


def _json_start(status: int, body: bytes, request_id: str) -> Message:
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode("ascii")),
        ],
    }


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 0
        replacing_body = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, replacing_body
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if status == 413 and (b"content-type", b"text/plain; charset=utf-8") in headers:
                    replacing_body = True
                    body = json.dumps(TOO_LARGE).encode()
                    await send(_json_start(413, body, request_id))
                    await send({"type": "http.response.body", "body": body})
                    return
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            elif replacing_body:
                return
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error",
                extra={"event": "http.error", "path": scope.get("path"), "request_id": request_id},
            )
            if not status:
                status = 500
                body = json.dumps({"detail": "internal server error", "request_id": request_id}).encode()
                await send(_json_start(500, body, request_id))
                await send({"type": "http.response.body", "body": body})
        finally:
            client = scope.get("client")
            log.info(
                "%s %s %s",
                scope.get("method"),
                scope.get("path"),
                status,
                extra={
                    "event": "http.request",
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                    "request_id": request_id,
                    "user_id": state.get("user_id"),
                },
            )
