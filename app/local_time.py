"""The client's local time and whether it is a decent hour to talk (no Qt: the card, the
server's task queue and tests use it).

Russian practice (and the law for debt collection) is 9:00-21:00 local time on weekdays, 10:00-20:00 at
weekends; the hours are a parameter so a deployment can narrow them.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True)
class BusinessHours:
    """When calling the client is acceptable, in the client's local time."""

    weekday: tuple[time, time] = (time(9), time(21))
    weekend: tuple[time, time] = (time(10), time(20))


@dataclass(frozen=True)
class ClientTime:
    """The client's wall-clock time and whether it is within business hours."""

    local: datetime
    open: bool


def client_time(
    time_zone: str | None, now: datetime, hours: BusinessHours = BusinessHours()
) -> ClientTime | None:
    """The client's local time at ``now`` (an aware instant), ``None`` when the zone is unknown."""
    if not time_zone:
        return None
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    start, end = hours.weekend if local.weekday() >= 5 else hours.weekday
    return ClientTime(local, start <= local.time() < end)
