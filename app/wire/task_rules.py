"""The task queue's rules an admin edits (``GET``/``PUT /tasks/rules``): the order of task kinds,
whether a task made in the centre's working hours goes before one made at night, the SLA, and the
centre's working hours themselves (which also tell the server a missed call was ``out_of_hours``).

Pure data and the hours arithmetic, shared by the server and any client: no database here.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime, time, timedelta

from app.wire.common import WireModel
from app.wire.schema import Field, field_validator, model_validator
from app.wire.tasks import TaskKind

_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
MAX_SLA_MINUTES = 7 * 24 * 60


def _parse(span: str) -> tuple[time, time]:
    match = _RANGE.match(span)
    if match is None:
        raise ValueError(f"{span[:20]!r} is not a range like 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start = time(h1, m1)
    end = time.max if (h2, m2) == (24, 0) else time(h2 % 24, m2)
    if (h2, m2) != (24, 0) and h2 == 24:
        raise ValueError("24:xx is not a time; 24:00 is the end of the day")
    if end <= start:
        raise ValueError(f"{span!r}: the end is not after the start")
    return start, end


class CentreHours(WireModel):
    """When the centre answers calls, in its own zone. ``None`` for a day type: closed then.
    Without any hours (the default) the centre counts as always open."""

    time_zone: str = "Europe/Moscow"
    weekday: str | None = None
    """``"09:00-18:00"`` (Monday to Friday)."""
    weekend: str | None = None
    """``"10:00-16:00"`` (Saturday and Sunday); ``None``: closed at weekends."""

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value[:40]!r} is not an IANA time zone") from None
        return value

    @field_validator("weekday", "weekend")
    @classmethod
    def _span(cls, value: str | None) -> str | None:
        if value is not None:
            _parse(value)
        return value

    @property
    def always_open(self) -> bool:
        return self.weekday is None and self.weekend is None

    def _span_on(self, day: datetime) -> tuple[time, time] | None:
        span = self.weekend if day.weekday() >= 5 else self.weekday
        return _parse(span) if span is not None else None

    def is_open(self, at: datetime) -> bool:
        """Whether the centre is open at the instant ``at`` (aware)."""
        if self.always_open:
            return True
        local = at.astimezone(zoneinfo.ZoneInfo(self.time_zone))
        span = self._span_on(local)
        return span is not None and span[0] <= local.time() <= span[1]

    def next_opening(self, at: datetime) -> datetime:
        """``at`` itself when open, else the instant the centre next opens (within a week)."""
        if self.is_open(at):
            return at
        zone = zoneinfo.ZoneInfo(self.time_zone)
        local = at.astimezone(zone)
        for days in range(8):
            day = (local + timedelta(days=days)).date()
            span = self._span_on(datetime.combine(day, time(12), zone))
            if span is None:
                continue
            opening = datetime.combine(day, span[0], zone)
            if opening > local:
                return opening.astimezone(at.tzinfo)
        raise ValueError("the centre never opens")  # pragma: no cover - a validated span always does


DEFAULT_ORDER = [TaskKind.CALLBACK_MISSED, TaskKind.CALLBACK_SCHEDULED, TaskKind.WEB_REQUEST]


class TaskRules(WireModel):
    """The queue's order and clock (``docs/tasks.md``, Priority rules)."""

    order: list[TaskKind] = Field(default_factory=lambda: list(DEFAULT_ORDER))
    """Every kind once, first offered first."""
    in_hours_first: bool = True
    """Of one kind, a task made in working hours goes before one made while the centre was closed."""
    sla_minutes: int = Field(default=120, ge=1, le=MAX_SLA_MINUTES)
    """How long after its SLA clock starts a task should be done (``sla_due_at``)."""
    hours: CentreHours = Field(default_factory=CentreHours)

    @model_validator(mode="after")
    def _every_kind_once(self) -> TaskRules:
        if sorted(self.order) != sorted(TaskKind) or len(self.order) != len(TaskKind):
            raise ValueError(f"order must name every task kind once: {', '.join(k.value for k in TaskKind)}")
        return self

    def priority(self, kind: TaskKind, *, in_hours: bool) -> int:
        """The stored ``priority`` (lower first): two steps per kind, the second for night tasks."""
        night = 1 if self.in_hours_first and not in_hours else 0
        return 2 * self.order.index(kind) + night


__all__ = ["DEFAULT_ORDER", "MAX_SLA_MINUTES", "CentreHours", "TaskRules"]
