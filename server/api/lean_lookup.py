"""The screen pop's lookup (``GET /contacts/lookup``) answered in front of FastAPI's own layers.

Why: measured over HTTP (``bench/server_lookup.py``, docs/performance.md, "Fourth round"), a raw
ASGI app on uvicorn answers the lookup's query in a fraction of what the minimal FastAPI app does:
most of a lookup's server CPU went to FastAPI's layers, its dependency resolution, its parameter
validation and its response model's second validation, not to the query. The issue's goal (< 2 ms
at p95) sits below that framework floor on the bench machine, so this route takes a leaner path.

What it keeps, and how:

* **Same answers.** It serves only the common case: ``GET``, no body, exactly one ``phone`` the
  route's ``Query`` accepts (1 to ``phones.MAX_INPUT`` characters), a ``Bearer`` token that
  :func:`~server.security.decode_access_token_cached` accepts, and a caller who is active. Anything
  else (no token, a bad one, a deactivated or unknown user, a malformed or missing number, another
  method) goes on to FastAPI's route unchanged, which answers it as it always did: the 401/403/422
  bodies are the route's own by construction. Found: the route's JSON bytes (the same
  ``ContactOut``, dumped as FastAPI's fast path dumps it) and ``ETag``; not found: the same 404,
  after the same CRM fallback (:func:`server.api.routes.contacts.missed`).
* **Same guarantees.** The caller comes from the principal cache; on a miss its standing is read
  in the same thread-pool hop and the same database slot as the lookup (the route spends a slot and
  a hop on each). A database error goes to the app's own exception handlers (503 when busy).
* **Same surroundings.** It sits inside the request log and the security headers (``RingdeskAPI``),
  so the log line, ``X-Request-ID`` and the headers are those of every other answer. The FastAPI
  route stays, documented in OpenAPI, and serves what this layer passes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import parse_qsl

from fastapi import FastAPI
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app import phones
from app.wire.contacts import ContactOut
from server.api.caches import Principal
from server.api.context import AppContext
from server.api.principal import read_principal
from server.api.routes.contacts import Missed, look_up, missed
from server.security import InvalidTokenError, decode_access_token_cached

PATH = "/contacts/lookup"
_CONTACT_JSON = TypeAdapter(ContactOut)
"""What FastAPI's fast path dumps a route's model with (``field.serialize_json``: a type adapter)."""
_PASS_ON = object()
"""What the thread's work returns when FastAPI's route must answer (the caller's standing)."""


def _phone(scope: Scope) -> str | None:
    """The one ``phone`` of the query string, parsed as Starlette parses it for FastAPI, if the
    route's ``Query`` accepts it; ``None``: not the common case."""
    query: str = scope["query_string"].decode("latin-1")
    found = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "phone"]
    if len(found) != 1 or not 1 <= len(found[0]) <= phones.MAX_INPUT:
        return None
    return found[0]


def _bearer(scope: Scope) -> str | None:
    """The token as ``HTTPBearer`` reads it (the first ``Authorization`` header, scheme ``Bearer``
    in any case), and nothing when the request has a body (FastAPI's limit judges those)."""
    token: str | None = None
    for name, value in scope["headers"]:
        if name in {b"content-length", b"transfer-encoding"} and value not in {b"0", b""}:
            return None
        if name == b"authorization" and token is None:
            scheme, _, param = value.decode("latin-1").partition(" ")
            credentials = param.strip()
            token = credentials if scheme and credentials and scheme.lower() == "bearer" else ""
    return token or None


class LeanLookup:
    """ASGI layer answering the common lookup itself and passing everything else to ``app``."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "GET"
            or scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
        phone, token = _phone(scope), _bearer(scope)
        if phone is None or token is None:
            await self.app(scope, receive, send)
            return
        context: AppContext = self.api.state.ringdesk
        try:
            claims = decode_access_token_cached(context.settings, token)
        except InvalidTokenError:
            await self.app(scope, receive, send)
            return
        cached = context.principals.get(claims.user_id)
        try:
            async with context.admission.slot():
                done = await run_in_threadpool(_work, context, claims.user_id, cached, phone)
        except Exception as exc:  # answered as FastAPI's layers answer any error
            await self._handled(scope, receive, send, exc)
            return
        if done is _PASS_ON:
            await self.app(scope, receive, send)
            return
        principal, result = cast(Done, done)
        if cached is None:
            context.principals.put(principal)
        scope.setdefault("state", {})["user_id"] = principal.id  # for the request log
        if isinstance(result, Missed):
            response = await missed(Request(scope, receive), result.keys, result.why)
            await response(scope, receive, send)
            return
        await _send_found(send, *result)

    async def _handled(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
        """``exc`` (raised by the lookup's database work) answered by the app's own handler for it,
        as FastAPI's layers would: a handler for its class answers (a busy database: 503); else the
        last-resort one (``Exception``) answers and the error goes on up to the request log, which
        logs it with its traceback, as after FastAPI's ``ServerErrorMiddleware``."""
        handlers: dict[Any, Callable[..., Any]] = self.api.exception_handlers
        for cls in type(exc).__mro__:
            if cls is Exception:
                break
            if (handler := handlers.get(cls)) is not None:
                response: Response = await handler(Request(scope, receive), exc)
                await response(scope, receive, send)
                return
        handler = handlers.get(Exception) or handlers.get(500)
        if handler is not None:
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send)
        raise exc


Done = tuple[Principal, tuple[bytes, str] | Missed]
"""The caller, and the answer's JSON and ``ETag`` or what was tried."""


def _work(context: AppContext, user_id: int, cached: Principal | None, phone: str) -> Done | object:
    """In the thread pool: the caller's standing when not cached (:data:`_PASS_ON` when it is not an
    active user: the route answers the 401), then the lookup and its JSON."""
    principal = cached
    if principal is None:
        principal = read_principal(context.database, user_id)
        if principal is None or not principal.active:
            return _PASS_ON
    found = look_up(context, phone)
    if isinstance(found, Missed):
        return principal, found
    contact, etag = found
    return principal, (_CONTACT_JSON.dump_json(contact, by_alias=True), etag)


async def _send_found(send: Send, body: bytes, etag: str) -> None:
    """The found contact as FastAPI sends a route's model (``Response(media_type=application/json)``
    and the route's ``ETag`` after its own headers)."""
    headers = [
        (b"content-length", str(len(body)).encode("latin-1")),
        (b"content-type", b"application/json"),
        (b"etag", etag.encode("latin-1")),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["PATH", "LeanLookup"]
