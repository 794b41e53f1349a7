"""What the call-outcome and task tests share: an app with sources configured and a zone where it is
business hours now (so a test run at night still sees tasks offered), and short-hand posts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from app.local_time import client_time
from server.settings import Settings
from tests.server.helpers import TestClient

PBX_KEY = "pbx-key-0123456789"
WEB_KEY = "web-key-0123456789"
SOURCES = {"X-Source-Key": PBX_KEY}
WEB = {"X-Source-Key": WEB_KEY}
MOBILE = "+79123456789"
"""A mobile: no zone from the number, so the server's default zone applies."""


def open_zone(now: datetime | None = None) -> str:
    """An ``Etc/GMT`` zone where it is around noon on a weekday or weekend now: always in hours."""
    now = now or datetime.now(UTC)
    for offset in range(-12, 15):
        name = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
        local = client_time(name, now)
        if local is not None and local.open and 11 <= local.local.hour <= 14:
            return name
    raise AssertionError("no zone is at noon now")  # pragma: no cover - one always is


def closed_zone(now: datetime | None = None) -> str:
    """An ``Etc/GMT`` zone where it is the middle of the night now."""
    now = now or datetime.now(UTC)
    for offset in range(-12, 15):
        name = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
        local = client_time(name, now)
        if local is not None and 1 <= local.local.hour <= 4:
            return name
    raise AssertionError("no zone is at night now")  # pragma: no cover


def task_settings(settings: Settings, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "source_keys": SecretStr(f"pbx:{PBX_KEY},web:{WEB_KEY}"),
        "task_default_time_zone": open_zone(),
        "non_target_seconds": 5.0,
    }
    values.update(overrides)
    return settings.model_copy(update=values)


def report(client: TestClient, headers: dict[str, str] | None = None, **fields: Any) -> Any:
    body = {"call_id": "c1", "outcome": "missed", "missed_reason": "abandoned", "caller": MOBILE}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    return client.post("/calls/outcomes", json=body, headers=SOURCES if headers is None else headers)
