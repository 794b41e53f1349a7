"""Structured logging: one JSON object per line on stderr, with secrets scrubbed.

Call :func:`configure_logging` once at start. Log with ``extra=`` for fields::

    log.info("user created", extra={"event": "user.create", "user_id": user.id})

Nothing in the server logs a password, token, hash or request body. As a second line of defence
the formatter masks anything shaped like a JWT, a bearer credential, an argon2 hash, and every
value registered with :func:`register_secret` (the signing secret, for one).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from datetime import UTC, datetime
from typing import Any, TextIO

_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "taskName", "color_message"}
)
_PATTERNS = (
    re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']+"),
    re.compile(r"(?i)((?:password|refresh_token|access_token|secret_key)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+"),
    # A credential in a query string, whatever its shape: uvicorn logs each WebSocket's path with
    # its query (``"WebSocket /statuses/live?token=..." [accepted]``), and PBXs send ``?key=``.
    re.compile(r"(?i)([?&](?:token|access_token|refresh_token|key|password)=)[^&\s\"\\]+"),
    # A Bitrix24 inbound webhook's token is a path segment: ``https://portal/rest/1/<token>/profile.json``.
    re.compile(r"(/rest/\d+/)[A-Za-z0-9]{4,}"),
)
_secrets: set[str] = set()
_lock = threading.Lock()
REDACTED = "[redacted]"


def register_secret(value: str) -> None:
    """Mask ``value`` wherever it would appear in a log line (values shorter than 8 are ignored)."""
    if len(value) >= 8:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with secrets and token-shaped strings masked."""
    for secret in tuple(_secrets):
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text


class JsonFormatter(logging.Formatter):
    """``{"ts": ..., "level": ..., "logger": ..., "msg": ..., <extra fields>}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,  # which worker, with serve --workers N
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        line = json.dumps(entry, ensure_ascii=False, default=str)
        return redact(line)


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    """Send every logger (ours, uvicorn's, alembic's) to ``stream`` as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Access lines come from our request middleware (path without query string, no headers).
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
