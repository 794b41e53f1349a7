"""What can go wrong talking to the server, sorted by what the caller does about it.

* :class:`TransientError`: the network, a timeout, a 5xx, a 408/425/429, a malformed or unexpected
  answer (a captive portal's HTML page). Try again later; ``retry_after`` is the server's
  ``Retry-After`` when it sent one.
* :class:`UntrustedServerError`, a :class:`TransientError`: the server's certificate was refused (no
  CA this computer trusts issued it, it names another host, it expired). Records wait as in an
  outage, but the operator is told what it is: IT must act, waiting will not fix it.
* :class:`LoginRequiredError`: the refresh token is gone, expired, revoked or was reused. Nothing is
  retried until the operator logs in again (then everything waiting is sent).
* :class:`ConflictError`: 412, the record changed on the server since the version we edited.
* :class:`RejectedError`: any other 4xx. Sending the same request again cannot succeed.
"""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime

import httpx

RETRYABLE_STATUSES = frozenset({408, 425, 429})
MAX_RETRY_AFTER = 3600.0
"""A Retry-After beyond an hour is treated as an hour: the operator's shift matters more than a typo."""


class ApiError(Exception):
    """Base of the errors below. ``status`` is the HTTP status when there was an answer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientError(ApiError):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class UntrustedServerError(TransientError):
    """The server's certificate is not trusted (module notes); ``reason`` is OpenSSL's, for the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class LoginRequiredError(ApiError):
    pass


class ConflictError(ApiError):
    def __init__(self, message: str, etag: str | None) -> None:
        super().__init__(message, 412)
        self.etag = etag


class RejectedError(ApiError):
    pass


def detail_of(response: httpx.Response) -> str:
    """The server's explanation (FastAPI's ``detail``), flattened to one line; the status otherwise."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return f"HTTP {response.status_code}"
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):
        parts = []
        for problem in detail:
            if isinstance(problem, dict):
                where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
                parts.append(f"{where}: {problem.get('msg')}" if where else str(problem.get("msg")))
        return "; ".join(parts) or f"HTTP {response.status_code}"
    return str(detail) if detail else f"HTTP {response.status_code}"


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def classify(response: httpx.Response) -> ApiError:
    """The error for a non-success answer (never for 401: the caller refreshes first)."""
    status = response.status_code
    detail = detail_of(response)
    if status >= 500 or status in RETRYABLE_STATUSES:
        return TransientError(f"server answered {status}: {detail}", status, retry_after(response))
    if status == 412:
        return ConflictError(detail, response.headers.get("ETag"))
    if 400 <= status < 500:
        return RejectedError(detail, status)
    return TransientError(f"unexpected answer {status}", status)
