"""Every error is JSON: ``{"detail": "<one readable sentence>"}``, plus ``errors`` (field by field)
for validation failures. Submitted values are never echoed back (they may be passwords)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("ringdesk.server.errors")


def _dotted(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts)


def describe_error(err: dict[str, Any]) -> str:
    """One sentence for one pydantic/FastAPI error."""
    kind = err.get("type", "")
    loc = tuple(err.get("loc", ()))
    where = _dotted(loc)
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "json_invalid":
        reason = (err.get("ctx") or {}).get("error", "syntax error")
        position = loc[1] if len(loc) > 1 else "?"
        return f"the request body is not valid JSON ({reason} at character {position})"
    if kind == "extra_forbidden":
        return f"unknown field '{where}'"
    if kind == "missing":
        return f"missing field '{where}'" if where else "the request body is missing"
    if where:
        return f"{where}: {message}"
    if loc and loc[0] == "body":
        return f"the request body is invalid: {message}"
    return message


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    return JSONResponse(
        status_code=422,
        content={
            "detail": "; ".join(describe_error(e) for e in errors) or "invalid request",
            "errors": [
                {"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": describe_error(e)}
                for e in errors
            ],
        },
    )


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail
    if exc.status_code == 413:
        detail = "the request body is too large"
    return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)


async def integrity_error(request: Request, exc: Exception) -> JSONResponse:
    """A constraint the route did not check first (usually a race with a concurrent request)."""
    assert isinstance(exc, IntegrityError)
    diag = getattr(exc.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    log.warning(
        "constraint violation",
        extra={"event": "db.integrity_error", "path": request.url.path, "constraint": constraint},
    )
    return JSONResponse(
        status_code=409,
        content={"detail": "the change conflicts with existing data (a duplicate or a missing reference)"},
    )


async def stale_data_error(_request: Request, exc: Exception) -> JSONResponse:
    """Optimistic locking: the row changed since it was read."""
    return JSONResponse(
        status_code=409, content={"detail": "the record was changed by someone else meanwhile: reload it"}
    )


def is_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked": another writer held the lock past the busy timeout."""
    return "database is locked" in str(exc.orig)


async def operational_error(request: Request, exc: Exception) -> JSONResponse:
    """A database too busy to answer in time is an overload, not a fault: 503 with ``Retry-After``, so
    clients retry (the desktop's outbox does) instead of treating the request as broken. Any other
    operational error (the database is gone) stays a 500, logged with its traceback."""
    assert isinstance(exc, OperationalError)
    if not is_busy(exc):
        log.exception("database error", exc_info=exc, extra={"event": "db.error", "path": request.url.path})
        return await internal_error(request, exc)
    log.warning("database busy", extra={"event": "db.busy", "path": request.url.path})
    return JSONResponse(
        status_code=503,
        content={"detail": "the server is busy: try again in a moment"},
        headers={"Retry-After": "1"},
    )


async def internal_error(request: Request, _exc: Exception) -> JSONResponse:
    """Anything unexpected. The traceback is logged once, by the request middleware."""
    request_id = request.scope.get("state", {}).get("request_id")
    return JSONResponse(
        status_code=500, content={"detail": "internal server error", "request_id": request_id}
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON handlers."""
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(StaleDataError, stale_data_error)
    app.add_exception_handler(OperationalError, operational_error)
    app.add_exception_handler(Exception, internal_error)
